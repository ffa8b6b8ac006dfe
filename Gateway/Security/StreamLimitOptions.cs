using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// Limits on open streams (Server-Sent Events, the quotes WebSocket, WatchAvailability on the gRPC edge).
/// A stream holds a connection and a server stream for as long as its client keeps it, so streams are
/// counted while open, not only rated when they start.
/// </summary>
public sealed class StreamLimitOptions
{
    public const string Section = "StreamLimits";

    /// <summary>Streams one client address may hold open at once; one more gets 429 (gRPC: RESOURCE_EXHAUSTED).</summary>
    [Range(1, 10_000)]
    public int PerClient { get; set; } = 20;

    /// <summary>Streams this gateway holds open at once, all clients together; one more gets 503 (gRPC: UNAVAILABLE).</summary>
    [Range(1, 1_000_000)]
    public int Total { get; set; } = 2000;

    /// <summary>Criteria a quotes WebSocket may send per second on average; a socket that sends faster is closed with 1008.</summary>
    [Range(1, 1000)]
    public int SocketMessagesPerSecond { get; set; } = 5;

    /// <summary>Criteria a quotes WebSocket may send in a burst above <see cref="SocketMessagesPerSecond"/>.</summary>
    [Range(1, 10_000)]
    public int SocketMessageBurst { get; set; } = 20;

    /// <summary>Sent as Retry-After when a stream is refused.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;
}
