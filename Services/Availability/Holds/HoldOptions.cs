using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Availability.Holds;

public sealed class HoldOptions
{
    public const string Section = "Holds";

    /// <summary>How long a hold keeps its rooms unless confirmed or released.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often expired holds are swept and their rooms counted free again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
