namespace HotelBooking.Contracts;

/// <summary>
/// The <c>google.rpc.ErrorInfo</c> vocabulary shared by every service: the domain and the reasons
/// that pick an HTTP status at the gateway where the canonical gRPC code alone cannot.
/// </summary>
public static class ErrorReasons
{
    public const string Domain = "hotelbooking";

    public const string RoomsUnavailable = "ROOMS_UNAVAILABLE";
    public const string PaymentDeclined = "PAYMENT_DECLINED";
    public const string BookingNotCancellable = "BOOKING_NOT_CANCELLABLE";
    public const string BookingFailed = "BOOKING_FAILED";
    public const string BookingPending = "BOOKING_PENDING";
    public const string HoldExpired = "HOLD_EXPIRED";
    public const string HoldNotActive = "HOLD_NOT_ACTIVE";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string RequestInProgress = "REQUEST_IN_PROGRESS";
    public const string PaymentNotRefundable = "PAYMENT_NOT_REFUNDABLE";
    public const string TooManyStreams = "TOO_MANY_STREAMS";

    /// <summary>ErrorInfo metadata key carrying the id of a booking the error is about.</summary>
    public const string BookingIdMetadata = "booking_id";
}
