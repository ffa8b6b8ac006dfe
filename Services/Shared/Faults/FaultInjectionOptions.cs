namespace HotelBooking.Services.Shared.Faults;

/// <summary>
/// Faults a gRPC service injects into its own calls, for tests and demos (section <c>FaultInjection</c>).
/// Off by default, and refused at start-up in the Production environment.
/// </summary>
public sealed class FaultInjectionOptions
{
    public const string Section = "FaultInjection";

    public bool Enabled { get; set; }

    /// <summary>Share of calls (0 to 1) answered with UNAVAILABLE.</summary>
    public double FailureRate { get; set; }

    /// <summary>Each call is delayed by a random time up to this.</summary>
    public TimeSpan MaxLatency { get; set; }

    /// <summary>Only these methods (e.g. "Charge"); empty means every method.</summary>
    public string[] Methods { get; set; } = [];
}
