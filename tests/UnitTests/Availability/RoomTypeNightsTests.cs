using HotelBooking.Availability.Domain;
using HotelBooking.Availability.ReadModel;

namespace HotelBooking.UnitTests.Availability;

/// <summary>The read model's quote of one room type: the scarcest night, the stay's price, and expired holds.</summary>
public sealed class RoomTypeNightsTests
{
    private static readonly DateOnly CheckIn = new(2027, 3, 1);
    private static readonly Stay TwoNights = new(CheckIn, CheckIn.AddDays(2));
    private static readonly DateTime Now = new(2027, 2, 1, 12, 0, 0, DateTimeKind.Utc);

    private static RoomTypeNights Nights(params (int Total, int Sold, int Held, long Rate)[] nights) =>
        new(CheckIn, [.. nights.Select((n, i) => new Night(true, n.Total, n.Sold, n.Held, n.Rate, Version: 1))]);

    private static TrackedHold ExpiredHold(int rooms) => new("h1", CheckIn, CheckIn.AddDays(2), rooms, ExpiresAt: Now.AddMinutes(-1));

    [Fact]
    public void Quote_NightsThatDiffer_ScarcestNightAndSumOfRates()
    {
        var quote = Nights((10, 6, 1, 100_00), (10, 2, 0, 120_00)).Quote(TwoNights, [], Now);

        Assert.Equal(new StayQuote(3, 220_00), quote);
    }

    [Fact]
    public void Quote_ANightNotOnSale_NothingToOffer()
    {
        var nights = new RoomTypeNights(CheckIn, [new Night(true, 5, 0, 0, 100_00, 1), default]);

        Assert.Equal(new StayQuote(0, 0), nights.Quote(TwoNights, [], Now));
    }

    [Fact]
    public void Quote_StayBeyondTheKnownNights_NothingToOffer()
    {
        Assert.Equal(new StayQuote(0, 0), Nights((5, 0, 0, 100_00)).Quote(TwoNights, [], Now));
    }

    [Fact]
    public void Quote_HoldPastItsExpiryNotYetSwept_ItsRoomsCountAsFree()
    {
        var quote = Nights((10, 0, 2, 100_00), (10, 0, 2, 100_00)).Quote(TwoNights, [ExpiredHold(2)], Now);

        Assert.Equal(10, quote.Available);
    }

    [Fact]
    public void Quote_ExpiredHoldAnotherProcessAlreadyFreed_NotCountedTwice()
    {
        // Another process expired (or confirmed) the hold this one still tracks: the nights hold nothing any more.
        var quote = Nights((10, 0, 0, 100_00), (10, 0, 0, 100_00)).Quote(TwoNights, [ExpiredHold(2)], Now);

        Assert.Equal(10, quote.Available);
    }
}
