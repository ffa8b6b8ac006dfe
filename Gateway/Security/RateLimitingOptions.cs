using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// Per-client-address limits on bookings and searches (section <c>RateLimiting</c>). On in Production and
/// compose; off in Development, where load and concurrency tests all come from one address.
/// </summary>
public sealed class RateLimitingOptions : IValidatableObject
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

    /// <summary>
    /// Proxies whose X-Forwarded-For is believed, as IP addresses ("10.0.0.7") or CIDR networks ("10.0.0.0/8",
    /// "fd00::/8"). From anyone else the header is ignored; an empty list trusts no one.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>The trusted proxies as networks (an address is a network of one); entries that do not parse are left out.</summary>
    public IEnumerable<IPNetwork> TrustedNetworks() =>
        TrustedProxies.Select(entry => TryParseNetwork(entry, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        TrustedProxies.Where(entry => !TryParseNetwork(entry, out _)).Select(entry => new ValidationResult(
            $"{Section}:{nameof(TrustedProxies)} entry '{entry}' is neither an IP address nor a CIDR network (like 10.0.0.7 or 10.0.0.0/8).",
            [nameof(TrustedProxies)]));

    private static bool TryParseNetwork(string? entry, out IPNetwork network)
    {
        network = default;
        var address = entry?.Split('/')[0] ?? "";
        // IPAddress also reads "10.7" as 10.0.0.7 and "7" as 0.0.0.7: a typo must not trust somebody else.
        if (!address.Contains(':') && address.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (entry!.Contains('/'))
        {
            return IPNetwork.TryParse(entry, out network);
        }

        if (!IPAddress.TryParse(entry, out var single))
        {
            return false;
        }

        network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}
