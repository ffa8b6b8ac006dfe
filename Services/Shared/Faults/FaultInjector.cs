using Grpc.Core;

namespace HotelBooking.Services.Shared.Faults;

/// <summary>The fault settings in force now, changed at run time through the /_faults endpoint.</summary>
public sealed record FaultSettings(double FailureRate, TimeSpan MaxLatency, int FailNext, string[] Methods, string? CrashAt)
{
    public static FaultSettings None { get; } = new(0, TimeSpan.Zero, 0, [], null);
}

/// <summary>What has been injected so far, so tests and demos can report it.</summary>
public sealed record FaultCounters(long Calls, long Failures, long Delays);

/// <summary>
/// Decides, call by call, whether to delay or fail it. Thread-safe; shared by every call of the process.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private FaultSettings _settings;
    private long _calls;
    private long _failures;
    private long _delays;

    public FaultInjector(FaultInjectionOptions options)
    {
        _settings = options.Enabled
            ? new FaultSettings(options.FailureRate, options.MaxLatency, 0, options.Methods, null)
            : FaultSettings.None;
    }

    public FaultSettings Settings
    {
        get { lock (_lock) { return _settings; } }
    }

    public FaultCounters Counters => new(Interlocked.Read(ref _calls), Interlocked.Read(ref _failures), Interlocked.Read(ref _delays));

    public void Apply(FaultSettings settings)
    {
        lock (_lock)
        {
            _settings = settings;
        }
    }

    /// <summary>Runs before a gRPC method: waits the injected latency, then throws UNAVAILABLE if this call should fail.</summary>
    public async Task BeforeCallAsync(string method, CancellationToken cancellationToken)
    {
        bool fail;
        TimeSpan delay;
        lock (_lock)
        {
            if (_settings.Methods.Length > 0 && !_settings.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                return;
            }

            Interlocked.Increment(ref _calls);
            fail = _settings.FailNext > 0 || Random.Shared.NextDouble() < _settings.FailureRate;
            if (_settings.FailNext > 0)
            {
                _settings = _settings with { FailNext = _settings.FailNext - 1 };
            }

            delay = _settings.MaxLatency * Random.Shared.NextDouble();
        }

        if (delay > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _delays);
            await Task.Delay(delay, cancellationToken);
        }

        if (fail)
        {
            Interlocked.Increment(ref _failures);
            throw new RpcException(new Status(StatusCode.Unavailable, "Injected fault"));
        }
    }

    /// <summary>True once for an armed crash point; the caller then dies on the spot, as a real crash would.</summary>
    public bool ShouldCrashAt(string point)
    {
        lock (_lock)
        {
            if (_settings.CrashAt != point)
            {
                return false;
            }

            _settings = _settings with { CrashAt = null };
            return true;
        }
    }
}
