namespace HotelBooking.Bookings.Saga;

/// <summary>
/// A service the saga calls did not answer before the deadline, or could not be reached. Unlike a refusal it
/// says nothing about the request: whether the call took effect is unknown, so the booking is left for recovery.
/// </summary>
public sealed class ServiceUnavailableException(string message, Exception innerException)
    : Exception(message, innerException);
