using Grpc.Core;
using Grpc.Core.Interceptors;
using HotelBooking.Gateway.Extensions;
using Microsoft.Extensions.Options;

namespace HotelBooking.Gateway.Grpc;

/// <summary>
/// Gives every call from the gateway a deadline (<see cref="GatewayOptions.RequestTimeout"/>) unless the
/// caller set an earlier one, so a slow or stuck service becomes a 504, never a hang.
/// </summary>
public sealed class DeadlineInterceptor(IOptions<GatewayOptions> options, TimeProvider time) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDeadline(context));

    private ClientInterceptorContext<TRequest, TResponse> WithDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        var deadline = time.GetUtcNow().UtcDateTime + options.Value.RequestTimeout;
        if (context.Options.Deadline is { } existing && existing <= deadline)
        {
            return context;
        }

        return new(context.Method, context.Host, context.Options.WithDeadline(deadline));
    }
}
