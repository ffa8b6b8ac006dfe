using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Gateway.Extensions;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The deadline every translated call gets; services pass what is left of it downstream.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Sent as Retry-After on 503 responses.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
