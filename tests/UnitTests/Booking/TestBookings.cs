namespace HotelBooking.UnitTests.Booking;

using Booking = HotelBooking.Bookings.Domain.Booking;

internal static class TestBookings
{
    /// <summary>A new pending booking of two guests for three nights from 1 December 2026, created at <paramref name="now"/>.</summary>
    public static Booking New(DateTime now) => new()
    {
        Id = Booking.NewId(),
        RequestId = Guid.NewGuid().ToString(),
        RequestFingerprint = "fp",
        HotelId = "h",
        RoomTypeId = "rt",
        CheckIn = new DateOnly(2026, 12, 1),
        CheckOut = new DateOnly(2026, 12, 4),
        Guests = 2,
        GuestName = "Ana",
        GuestEmail = "ana@example.com",
        CreatedAt = now,
    };
}
