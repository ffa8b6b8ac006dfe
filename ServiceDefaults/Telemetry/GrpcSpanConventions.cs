using System.Diagnostics;
using Grpc.Core;
using OpenTelemetry;

namespace HotelBooking.ServiceDefaults.Telemetry;

/// <summary>
/// Gives every gRPC span, client and server alike, the RPC semantic-convention attributes
/// <c>rpc.system</c>, <c>rpc.service</c>, <c>rpc.method</c> and <c>rpc.grpc.status_code</c>. ASP.NET Core
/// marks server spans only with <c>grpc.method</c>/<c>grpc.status_code</c>, and the gRPC client
/// instrumentation uses the newer <c>rpc.system.name</c>/<c>rpc.response.status_code</c>; one vocabulary
/// on both sides is what lets a dashboard query match a call's two ends.
/// </summary>
internal sealed class GrpcSpanConventions : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        if (activity.GetTagItem("grpc.method") is string serverMethod)
        {
            Apply(activity, serverMethod, activity.GetTagItem("grpc.status_code") as string);
        }
        else if (activity.GetTagItem("rpc.system.name") as string == "grpc" && activity.GetTagItem("rpc.method") is string clientMethod)
        {
            Apply(activity, clientMethod, activity.GetTagItem("rpc.response.status_code") as string);
        }
    }

    private static void Apply(Activity activity, string fullMethod, string? status)
    {
        // "/hotelbooking.payment.v1.PaymentService/Charge" or "hotelbooking.payment.v1.PaymentService/Charge"
        var parts = fullMethod.TrimStart('/').Split('/');
        if (parts.Length != 2)
        {
            return;
        }

        activity.SetTag("rpc.system", "grpc");
        activity.SetTag("rpc.service", parts[0]);
        activity.SetTag("rpc.method", parts[1]);
        if (StatusCodeOf(status) is { } code)
        {
            activity.SetTag("rpc.grpc.status_code", (int)code);
        }
    }

    // "0", "OK" or "FAILED_PRECONDITION"
    private static StatusCode? StatusCodeOf(string? value) =>
        int.TryParse(value, out var number) ? (StatusCode)number
        : Enum.TryParse<StatusCode>(value?.Replace("_", ""), ignoreCase: true, out var code) ? code
        : null;
}
