using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// Admits open streams up to <see cref="StreamLimitOptions.PerClient"/> per client address and
/// <see cref="StreamLimitOptions.Total"/> in all, with ASP.NET Core's concurrency limiters; a refusal is
/// counted in <c>hotelbooking.gateway.streams.refused</c> by reason.
/// </summary>
public sealed class StreamLimits : IDisposable
{
    private readonly StreamLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _perClient;
    private readonly ConcurrencyLimiter _total;
    private readonly Counter<long> _refused;

    public StreamLimits(IOptions<StreamLimitOptions> options, IMeterFactory meters)
    {
        _options = options.Value;
        _perClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetConcurrencyLimiter(client,
            _ => new ConcurrencyLimiterOptions { PermitLimit = _options.PerClient, QueueLimit = 0 }));
        _total = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = _options.Total, QueueLimit = 0 });
        _refused = meters.Create("HotelBooking.Gateway.Streams")
            .CreateCounter<long>("hotelbooking.gateway.streams.refused", "{stream}", "Streams refused at the edge, by reason.");
    }

    public StreamLimitOptions Options => _options;

    /// <summary>A place for one more stream from this request's client, held until it is disposed; or why there is none.</summary>
    public StreamAdmission TryOpen(HttpContext http)
    {
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var mine = _perClient.AttemptAcquire(client);
        if (!mine.IsAcquired)
        {
            mine.Dispose();
            return Refuse(StreamRefusal.ClientAtLimit, http);
        }

        var any = _total.AttemptAcquire();
        if (!any.IsAcquired)
        {
            any.Dispose();
            mine.Dispose();
            return Refuse(StreamRefusal.GatewayFull, http);
        }

        return new StreamAdmission(null, mine, any);
    }

    /// <summary>The message budget of one quotes WebSocket: a token bucket that never queues.</summary>
    public RateLimiter NewSocketMessageBudget() => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = _options.SocketMessageBurst,
        TokensPerPeriod = _options.SocketMessagesPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    public void Dispose()
    {
        _perClient.Dispose();
        _total.Dispose();
    }

    private StreamAdmission Refuse(StreamRefusal refusal, HttpContext http)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("reason", refusal == StreamRefusal.ClientAtLimit ? "client_at_limit" : "gateway_full"));
        http.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new StreamAdmission(refusal, null, null);
    }
}

public enum StreamRefusal
{
    /// <summary>This client holds as many open streams as it may.</summary>
    ClientAtLimit,

    /// <summary>The gateway holds as many open streams as it serves.</summary>
    GatewayFull,
}

/// <summary>One admitted stream's places (disposing gives them back), or the refusal.</summary>
public sealed class StreamAdmission(StreamRefusal? refusal, RateLimitLease? clientLease, RateLimitLease? totalLease) : IDisposable
{
    public StreamRefusal? Refusal => refusal;

    public void Dispose()
    {
        totalLease?.Dispose();
        clientLease?.Dispose();
    }
}
