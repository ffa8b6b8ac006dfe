using HotelBooking.Bookings.Domain;

namespace HotelBooking.Bookings.Saga;

/// <summary>Where a saga call left a booking, and why when it is not where the caller asked for.</summary>
public abstract record BookingOutcome(Booking Booking)
{
    /// <summary>Booked: rooms held and confirmed, money taken.</summary>
    public sealed record Confirmed(Booking Booking) : BookingOutcome(Booking);

    /// <summary>Cancelled, with the money refunded and the rooms given back.</summary>
    public sealed record Cancelled(Booking Booking) : BookingOutcome(Booking);

    /// <summary>Ended Failed with whatever it took given back (see <see cref="Booking.FailureReason"/>).</summary>
    public sealed record Failed(Booking Booking) : BookingOutcome(Booking);

    /// <summary>Refused before anything was taken; the booking ended Failed and keeps the refusal for replays.</summary>
    public sealed record Refused(Booking Booking, Refusal Refusal) : BookingOutcome(Booking);

    /// <summary>The card was declined: no money taken, the rooms given back, the booking Failed.</summary>
    public sealed record Declined(Booking Booking) : BookingOutcome(Booking);

    /// <summary>The hold expired or was released before confirmation: the payment was refunded, the booking Failed.</summary>
    public sealed record RoomsGone(Booking Booking) : BookingOutcome(Booking);

    /// <summary>A service the saga needs did not answer in time: the booking is stored unsettled, and recovery will settle it.</summary>
    public sealed record Pending(Booking Booking, ServiceUnavailableException Cause) : BookingOutcome(Booking);

    /// <summary>The request's idempotency key was taken: <see cref="Booking"/> is the first request's booking, as stored; nothing started.</summary>
    public sealed record KeyTaken(Booking Booking) : BookingOutcome(Booking);

    /// <summary>Not cancellable: it is not confirmed, or its stay has begun.</summary>
    public sealed record NotCancellable(Booking Booking) : BookingOutcome(Booking);
}
