using System.Runtime.CompilerServices;
using Grpc.Core;

namespace HotelBooking.Gateway.Grpc;

/// <summary>
/// Repeats a read or an idempotent call while the service answers UNAVAILABLE (stopped, restarting, refusing
/// connections): up to 4 attempts, exponential backoff with full jitter from 100 ms to 1 s, and never a wait
/// that would outlast the deadline (the caller then gets the 503 at once instead of a 504 later).
/// </summary>
/// <remarks>
/// Why here and not grpc-dotnet's retry policy: a policy makes every call of its methods a RetryCall, which
/// buffers a serialized copy of the request and allocates a cancellation source, completion sources, a retry
/// worker and its registration with the channel, whether it ever retries or not. Here a call that succeeds
/// costs one pooled state machine and a cached static delegate; the retry work starts only after a failure.
/// Hedging (copies of a call in parallel) would add load to every call to shorten the tail, which is not what
/// a service that is down needs. Calls that are not safe to replay (CreateBooking) do not come through here.
/// </remarks>
public static class RetryOnUnavailable
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<TResponse> CallAsync<TClient, TRequest, TResponse>(
        TClient client, TRequest request, DateTime deadline, CancellationToken cancellationToken,
        Func<TClient, TRequest, CallOptions, AsyncUnaryCall<TResponse>> call)
    {
        var options = new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
        var backoff = InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            try
            {
                return await call(client, request, options);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && attempt < MaxAttempts && !IsAnAnswer(ex))
            {
                delay = backoff * Random.Shared.NextDouble();
                if (DateTime.UtcNow + delay >= deadline)
                {
                    throw;
                }
            }

            await Task.Delay(delay, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>
    /// An UNAVAILABLE the service itself answered with error details (booking's "a service it calls did not
    /// answer; the booking is pending"): it already retried its own calls, and recovery finishes the work, so
    /// repeating the whole call would only multiply calls to a service that is down. Only an UNAVAILABLE
    /// without details (no connection, a restarting process) is repeated.
    /// </summary>
    private static bool IsAnAnswer(RpcException failure) => failure.Trailers.Get(StatusDetailsTrailer) is not null;

    private const string StatusDetailsTrailer = "grpc-status-details-bin";
}
