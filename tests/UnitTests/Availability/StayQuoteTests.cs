using HotelBooking.Availability.Domain;

namespace HotelBooking.UnitTests.Availability;

public sealed class StayQuoteTests
{
    private static readonly DateOnly CheckIn = new(2027, 3, 1);
    private static readonly Stay ThreeNights = new(CheckIn, CheckIn.AddDays(3));

    private static InventoryNight Night(int offset, int total, int sold = 0, int held = 0, long rate = 100_00) => new()
    {
        RoomTypeId = "rt",
        Date = CheckIn.AddDays(offset),
        Total = total,
        Sold = sold,
        Held = held,
        RateMinor = rate,
    };

    [Fact]
    public void For_NightsWithDifferentFreeRooms_AvailableIsTheScarcestNight()
    {
        var quote = StayQuote.For(ThreeNights, [Night(0, 10), Night(1, 10, sold: 6, held: 1), Night(2, 10, sold: 2)]);

        Assert.Equal(3, quote.Available);
    }

    [Fact]
    public void For_NightlyRatesThatDiffer_TotalIsTheirSumTimesRooms()
    {
        var quote = StayQuote.For(ThreeNights, [Night(0, 5, rate: 120_00), Night(1, 5, rate: 120_00), Night(2, 5, rate: 150_00)], rooms: 2);

        Assert.Equal(2 * (120_00 + 120_00 + 150_00), quote.TotalMinor);
    }

    [Fact]
    public void For_NightMissingFromInventory_NothingAvailable()
    {
        var quote = StayQuote.For(ThreeNights, [Night(0, 5), Night(2, 5)]);

        Assert.Equal(0, quote.Available);
    }

    [Fact]
    public void For_ExpiredButUnsweptHolds_CountedFreeAgain()
    {
        var released = new Dictionary<DateOnly, int> { [CheckIn.AddDays(1)] = 2 };

        var quote = StayQuote.For(ThreeNights, [Night(0, 4), Night(1, 4, held: 3), Night(2, 4)], releasedPerNight: released);

        Assert.Equal(3, quote.Available);
    }

    [Fact]
    public void For_SoldOutNight_ZeroNotNegative()
    {
        var quote = StayQuote.For(ThreeNights, [Night(0, 4), Night(1, 4, sold: 4), Night(2, 4)]);

        Assert.Equal(0, quote.Available);
    }
}
