using HotelBooking.Availability.Domain;
using Microsoft.Extensions.Time.Testing;

namespace HotelBooking.UnitTests.Availability;

public sealed class HoldExpiryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    private Hold NewHold(HoldStatus status = HoldStatus.Active) => new()
    {
        Id = Hold.NewId(),
        RequestId = "r1",
        HotelId = "h",
        RoomTypeId = "rt",
        CheckIn = new DateOnly(2026, 12, 1),
        CheckOut = new DateOnly(2026, 12, 3),
        Rooms = 1,
        TotalMinor = 200_00,
        Currency = "EUR",
        Status = status,
        CreatedAt = _time.GetUtcNow().UtcDateTime,
        ExpiresAt = _time.GetUtcNow().UtcDateTime.AddMinutes(10),
    };

    [Fact]
    public void IsExpiredAt_BeforeItsLifetimeEnds_StillHolds()
    {
        var hold = NewHold();
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));

        Assert.False(hold.IsExpiredAt(_time.GetUtcNow().UtcDateTime));
        Assert.Equal(HoldStatus.Active, hold.EffectiveStatus(_time.GetUtcNow().UtcDateTime));
    }

    [Fact]
    public void IsExpiredAt_WhenItsLifetimeEnds_Expired()
    {
        var hold = NewHold();
        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(hold.IsExpiredAt(_time.GetUtcNow().UtcDateTime));
        Assert.Equal(HoldStatus.Expired, hold.EffectiveStatus(_time.GetUtcNow().UtcDateTime));
    }

    [Fact]
    public void IsExpiredAt_ConfirmedHoldLongAfter_NeverExpires()
    {
        var hold = NewHold(HoldStatus.Confirmed);
        _time.Advance(TimeSpan.FromDays(2));

        Assert.False(hold.IsExpiredAt(_time.GetUtcNow().UtcDateTime));
        Assert.Equal(HoldStatus.Confirmed, hold.EffectiveStatus(_time.GetUtcNow().UtcDateTime));
    }
}
