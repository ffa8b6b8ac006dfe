using HotelBooking.Bookings.Domain;

namespace HotelBooking.Bookings.Saga;

/// <summary>The rooms a booking holds, as the saga needs them from the availability service.</summary>
/// <remarks>
/// Calls that go unanswered throw <see cref="ServiceUnavailableException"/>; anything else unexpected is thrown as
/// it comes. Every call is keyed by the booking (the hold's request id is the booking id), so repeating one is harmless.
/// </remarks>
public interface IRoomHolds
{
    /// <summary>Holds one room of the booking's type for its stay: the rooms held, or why they were refused.</summary>
    Task<RoomsTaken> TakeAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken);

    /// <summary>Makes the hold permanent; false when it expired or was released before it could be confirmed.</summary>
    Task<bool> ConfirmAsync(string holdId, DateTime deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Gives the booking's rooms back, by the hold's id or, when it was never learned, by the booking id it was made
    /// with. Answers the state the hold is in afterwards (<see cref="HoldState.NeverMade"/> when there was none).
    /// </summary>
    Task<HoldState> ReleaseAsync(Booking booking, DateTime deadline, CancellationToken cancellationToken);
}

/// <summary>Rooms held for a booking (<see cref="HoldId"/> is set) or refused (<see cref="Refusal"/> is set).</summary>
public sealed record RoomsTaken(string? HoldId, long TotalMinor, string Currency, Refusal? Refusal)
{
    public static RoomsTaken Held(string holdId, long totalMinor, string currency) => new(holdId, totalMinor, currency, null);

    public static RoomsTaken Refused(Refusal refusal) => new(null, 0, "", refusal);
}

/// <summary>The state of a booking's hold, as the availability service reports it.</summary>
public enum HoldState
{
    // First, so a default value never reads as a settled hold.
    Unspecified,
    NeverMade,
    Active,
    Confirmed,
    Released,
    Expired,
}
