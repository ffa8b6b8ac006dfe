namespace HotelBooking.Bookings.Domain;

/// <summary>Which rule a downstream refused a booking's request by, before anything was taken.</summary>
public enum RefusalReason
{
    /// <summary>Some fields of the request are invalid (<see cref="Refusal.Fields"/> says which).</summary>
    InvalidRequest,

    /// <summary>The hotel or room type does not exist.</summary>
    NotFound,

    /// <summary>Not enough rooms are free for every night of the stay.</summary>
    RoomsUnavailable,

    /// <summary>The booking's key was already used downstream for a different request.</summary>
    RequestIdReused,

    /// <summary>A value lies outside what the downstream accepts (a stay too far ahead, for instance).</summary>
    OutOfRange,

    /// <summary>A rule this service has no name for; <see cref="Refusal.Message"/> says which.</summary>
    Other,
}

/// <summary>A field a refusal blames, with why.</summary>
public readonly record struct RefusedField(string Field, string Description);

/// <summary>
/// What a request was refused with when nothing was taken (no rooms, an unknown hotel, an unknown card token).
/// The booking keeps it, so a retry with the same key is answered the same way.
/// </summary>
public sealed record Refusal(RefusalReason Reason, string Message, IReadOnlyList<RefusedField> Fields)
{
    public Refusal(RefusalReason reason, string message) : this(reason, message, []) { }
}
