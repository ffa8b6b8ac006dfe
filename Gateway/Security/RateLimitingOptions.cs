using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// Per-client-address limits on bookings and searches (section <c>RateLimiting</c>). On in Production and
/// compose; off in Development, where load and concurrency tests all come from one address.
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";
    public const string BookingsPolicy = "bookings";
    public const string SearchesPolicy = "searches";

    public bool Enabled { get; set; } = true;

    [Range(1, 1_000_000)]
    public int BookingsPerWindow { get; set; } = 20;

    [Range(1, 1_000_000)]
    public int SearchesPerWindow { get; set; } = 300;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Proxies whose X-Forwarded-For is believed; from anyone else it is ignored.</summary>
    public string[] TrustedProxies { get; set; } = [];
}
