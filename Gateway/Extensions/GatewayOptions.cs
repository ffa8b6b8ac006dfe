using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Gateway.Extensions;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The deadline every translated call gets; services pass what is left of it downstream.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request body the REST API reads; larger ones are refused with 413.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How often an idle SSE stream gets a comment line, so proxies and browsers keep it open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SseHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Sent as Retry-After on 503 responses.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
