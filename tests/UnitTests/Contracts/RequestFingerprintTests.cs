using HotelBooking.Contracts;

namespace HotelBooking.UnitTests.Contracts;

/// <summary>
/// Stored fingerprints are compared with those of retries after an upgrade, so these values were computed
/// outside .NET (SHA-256 of the parts, one a line) and must never change.
/// </summary>
public sealed class RequestFingerprintTests
{
    [Fact]
    public void Of_ChargeParts_SameAsPaymentAlwaysStored() =>
        Assert.Equal("f3349cc970b3edab787478890621b71a1943567affcdbabf77cc0d9d43cc865f",
            RequestFingerprint.Of("tok_visa", 36000L, "EUR"));

    [Fact]
    public void Of_BookingPartsWithProtoDates_SameAsBookingAlwaysStored() =>
        Assert.Equal("ac4fa0c9c29893c4f432a53289426f1062444f04bdeab68d89ef8a507fb34d18",
            RequestFingerprint.Of("h1", "rt1", new DateOnly(2026, 12, 1).ToProtoDate(), new DateOnly(2026, 12, 4).ToProtoDate(),
                2, "Ana", "ana@example.com", "tok_visa"));
}
