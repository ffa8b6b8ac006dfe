using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Bookings.Saga;

public sealed class SagaOptions : IValidatableObject
{
    public const string Section = "Saga";

    /// <summary>
    /// The most a saga may run: its remote calls carry a deadline at most this far away (sooner when the
    /// caller's deadline is sooner), and payment refuses to take money once that deadline has passed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long whoever drives a booking holds it before recovery may take it over. It must outlast
    /// <see cref="Timeout"/>, plus the clock difference between hosts you tolerate (lease times are written by
    /// one host's clock and read by another's): when it runs out, every call of the former holder has hit
    /// its deadline.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the recovery worker looks for bookings nobody drives.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after a booking's first failed recovery; it doubles with each further failure, up to 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RecoveryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After this many failed recoveries a booking is parked for an operator (a log, a metric) instead of retried.</summary>
    [Range(1, 1000)]
    public int MaxRecoveryAttempts { get; set; } = 10;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lease <= Timeout)
        {
            yield return new ValidationResult(
                $"Saga:Lease ({Lease}) must be longer than Saga:Timeout ({Timeout}), or recovery could take over a saga that is still running.",
                [nameof(Lease), nameof(Timeout)]);
        }
    }

    /// <summary>How long recovery leaves a booking alone after its <paramref name="attempts"/>-th failure.</summary>
    public TimeSpan BackoffAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(RecoveryBackoff.Ticks * (1L << Math.Min(attempts - 1, 20)), TimeSpan.FromMinutes(5).Ticks));
}
