namespace HotelBooking.Availability.Domain;

public enum HoldStatus
{
    Active,
    Confirmed,
    Released,
    Expired,
}

/// <summary>
/// Rooms of one type taken for every night of a stay. An active hold counts against availability until it
/// expires on its own, so a caller that disappears never leaks rooms.
/// </summary>
public sealed class Hold
{
    public required string Id { get; init; }
    /// <summary>The caller's idempotency key: creating again with it returns this hold.</summary>
    public required string RequestId { get; init; }
    public required string HotelId { get; init; }
    public required string RoomTypeId { get; init; }
    public required DateOnly CheckIn { get; init; }
    public required DateOnly CheckOut { get; init; }
    public required int Rooms { get; init; }
    public required long TotalMinor { get; init; }
    public required string Currency { get; init; }
    public required HoldStatus Status { get; set; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime ExpiresAt { get; init; }
    /// <summary>The W3C traceparent of the request that created it; its expiry links back to it.</summary>
    public string? TraceParent { get; init; }

    public Stay Stay => new(CheckIn, CheckOut);

    public static string NewId() => "hold_" + Guid.NewGuid().ToString("N");

    /// <summary>An active hold past its expiry no longer holds anything, whether or not it was swept yet.</summary>
    public bool IsExpiredAt(DateTime utcNow) => Status == HoldStatus.Active && utcNow >= ExpiresAt;

    /// <summary>The status a reader should see at <paramref name="utcNow"/>.</summary>
    public HoldStatus EffectiveStatus(DateTime utcNow) => IsExpiredAt(utcNow) ? HoldStatus.Expired : Status;
}
