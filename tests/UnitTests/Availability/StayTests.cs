using HotelBooking.Availability.Domain;

namespace HotelBooking.UnitTests.Availability;

public sealed class StayTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Fact]
    public void Nights_ThreeNightStay_CountsNightsNotDays()
    {
        var stay = new Stay(Today, Today.AddDays(3));

        Assert.Equal(3, stay.Nights);
        Assert.Equal([Today, Today.AddDays(1), Today.AddDays(2)], stay.EachNight());
    }

    [Fact]
    public void Problems_ValidStayStartingToday_None() =>
        Assert.Empty(Stay.Problems(Today, Today.AddDays(1), Today));

    [Theory]
    [InlineData(-1, 2, "check_in")]
    [InlineData(2, 2, "check_out")]
    [InlineData(3, 2, "check_out")]
    [InlineData(1, 32, "check_out")]
    public void Problems_UnbookableStay_NamesTheField(int checkInOffset, int checkOutOffset, string field)
    {
        var problems = Stay.Problems(Today.AddDays(checkInOffset), Today.AddDays(checkOutOffset), Today).ToList();

        Assert.Equal(field, Assert.Single(problems).Field);
    }

    [Fact]
    public void Problems_ThirtyNights_Allowed() =>
        Assert.Empty(Stay.Problems(Today, Today.AddDays(Stay.MaxNights), Today));

    [Fact]
    public void Problems_MissingDates_BothReported()
    {
        var fields = Stay.Problems(null, null, Today).Select(p => p.Field);

        Assert.Equal(["check_in", "check_out"], fields);
    }
}
