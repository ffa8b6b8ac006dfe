using Grpc.Core;
using Grpc.Core.Interceptors;

namespace HotelBooking.Services.Shared.Faults;

/// <summary>Puts <see cref="FaultInjector"/> in front of every gRPC method of the service.</summary>
public sealed class FaultInjectionInterceptor(FaultInjector faults) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await faults.BeforeCallAsync(MethodName(context.Method), context.CancellationToken);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await faults.BeforeCallAsync(MethodName(context.Method), context.CancellationToken);
        await continuation(request, responseStream, context);
    }

    // "/hotelbooking.payment.v1.PaymentService/Charge" → "Charge"
    private static string MethodName(string fullMethod) => fullMethod[(fullMethod.LastIndexOf('/') + 1)..];
}
