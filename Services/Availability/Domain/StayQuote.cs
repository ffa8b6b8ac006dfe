namespace HotelBooking.Availability.Domain;

/// <summary>
/// What a room type offers for a whole stay: as many rooms as its scarcest night has free, for the sum of its
/// nights' rates (one room). Computed by the read model (ReadModel/RoomTypeNights.Quote).
/// </summary>
public readonly record struct StayQuote(int Available, long TotalMinor);
