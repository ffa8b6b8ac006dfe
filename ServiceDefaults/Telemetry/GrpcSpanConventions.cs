using System.Collections.Concurrent;
using System.Collections.Frozen;
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
/// <remarks>
/// The SDK calls processors only for recorded spans. Even so, nothing here is built per span: a method's
/// service and name are split once and cached, and status codes come from a table made at start.
/// </remarks>
internal sealed class GrpcSpanConventions : BaseProcessor<Activity>
{
    private static readonly object GrpcSystem = "grpc";
    private readonly GrpcMethodNames _methods = new();

    public override void OnEnd(Activity activity)
    {
        if (activity.GetTagItem("grpc.method") is string serverMethod)
        {
            Apply(activity, serverMethod, activity.GetTagItem("grpc.status_code"));
        }
        else if (activity.GetTagItem("rpc.system.name") as string == "grpc" && activity.GetTagItem("rpc.method") is string clientMethod)
        {
            Apply(activity, clientMethod, activity.GetTagItem("rpc.response.status_code"));
        }
    }

    private void Apply(Activity activity, string fullMethod, object? status)
    {
        if (_methods.Of(fullMethod) is not { } method)
        {
            return;
        }

        activity.SetTag("rpc.system", GrpcSystem);
        activity.SetTag("rpc.service", method.Service);
        activity.SetTag("rpc.method", method.Method);
        if (GrpcStatusCodes.Of(status) is { } code)
        {
            activity.SetTag("rpc.grpc.status_code", code);
        }
    }
}

/// <summary>A gRPC method's service and name, split once per method path.</summary>
internal sealed record GrpcMethodName(string Service, string Method);

/// <summary>Method paths split once: they come from the route table and the generated clients, a few dozen.</summary>
internal sealed class GrpcMethodNames
{
    // A path a client made up (an unimplemented method) is split without being kept once the cache is
    // full, so no caller can grow it.
    internal const int MaxCached = 512;
    private readonly ConcurrentDictionary<string, GrpcMethodName?> _cache = new(StringComparer.Ordinal);

    internal int CachedCount => _cache.Count;

    /// <summary>"/hotelbooking.payment.v1.PaymentService/Charge" or without the leading slash; null when not of that form.</summary>
    public GrpcMethodName? Of(string fullMethod)
    {
        if (_cache.TryGetValue(fullMethod, out var name))
        {
            return name;
        }

        name = Split(fullMethod);
        if (_cache.Count < MaxCached)
        {
            _cache.TryAdd(fullMethod, name);
        }

        return name;
    }

    private static GrpcMethodName? Split(string fullMethod)
    {
        var path = fullMethod.AsSpan().TrimStart('/');
        var slash = path.IndexOf('/');
        return slash > 0 && slash < path.Length - 1 && path[(slash + 1)..].IndexOf('/') < 0
            ? new GrpcMethodName(path[..slash].ToString(), path[(slash + 1)..].ToString())
            : null;
    }
}

internal static class GrpcStatusCodes
{
    // Every spelling the instrumentations use ("0", "OK", "FAILED_PRECONDITION"), mapped to a boxed number
    // once, so tagging a span neither parses nor boxes.
    private static readonly FrozenDictionary<string, object> ByText = Enum.GetValues<StatusCode>()
        .SelectMany(code => new[]
        {
            KeyValuePair.Create(((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), (object)(int)code),
            KeyValuePair.Create(ConstantName(code), (object)(int)code),
        })
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly object[] ByNumber = Enum.GetValues<StatusCode>().Select(code => (object)(int)code).ToArray();

    /// <summary>The numeric status code as a boxed int, from a tag holding a number or a status name; null when neither.</summary>
    public static object? Of(object? status) => status switch
    {
        string text when ByText.TryGetValue(text, out var code) => code,
        int number when number >= 0 && number < ByNumber.Length => ByNumber[number],
        _ => null,
    };

    // FailedPrecondition → FAILED_PRECONDITION and OK → OK, the spellings of the gRPC specification.
    private static string ConstantName(StatusCode code)
    {
        var name = code.ToString();
        return string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1]) ? "_" + c : c.ToString()))
            .ToUpperInvariant();
    }
}
