using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Bookings.Saga;

public sealed class SagaOptions
{
    public const string Section = "Saga";

    /// <summary>How often the recovery worker looks for bookings whose saga stopped half-way.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A pending booking that has not moved for this long is taken over by recovery. Longer than any call's
    /// deadline (the gateway's is 10 s), so a saga still running is never raced, and a late charge from a
    /// crashed process has been refused by its deadline before recovery decides there was none.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(15);
}
