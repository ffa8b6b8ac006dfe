namespace HotelBooking.Bookings.Domain;

/// <summary>Why a booking ended <see cref="BookingStatus.Failed"/>.</summary>
public enum FailureReason
{
    /// <summary>The card was declined; the hold was released.</summary>
    PaymentDeclined,

    /// <summary>The saga stopped before its charge (a crash, a lost answer); the card token is never stored, so it cannot be charged later.</summary>
    InterruptedBeforePayment,

    /// <summary>The hold expired or was released before it was confirmed; the payment was refunded.</summary>
    HoldExpired,

    /// <summary>A downstream refused the request before anything was taken (see <see cref="Booking.Refusal"/>).</summary>
    Refused,
}

public static class FailureReasonText
{
    /// <summary>The reason as a sentence: how it is shown (BOOKING_FAILED messages) and stored, as earlier versions did.</summary>
    public static string Describe(this FailureReason reason) => reason switch
    {
        FailureReason.PaymentDeclined => "Payment declined",
        FailureReason.InterruptedBeforePayment => "Interrupted before payment",
        FailureReason.HoldExpired => "Hold expired before confirmation",
        FailureReason.Refused => "Refused",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
