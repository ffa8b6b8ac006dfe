using System.Text.Json;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;

namespace HotelBooking.UnitTests.Contracts;

public sealed class ConversionTests
{
    [Theory]
    [InlineData(36000, "EUR", "360.00")]
    [InlineData(5, "EUR", "0.05")]
    [InlineData(1500, "JPY", "1500")]
    [InlineData(1234, "KWD", "1.234")]
    public void ToDecimal_MinorUnits_ExactWithTheCurrencyScale(long minor, string currency, string json) =>
        Assert.Equal(json, JsonSerializer.Serialize(Money.FromMinor(minor, currency).ToDecimal()));

    [Theory]
    [InlineData("95.00", "EUR", 9500L)]
    [InlineData("1500", "JPY", 1500L)]
    public void FromDecimal_WholeMinorUnits_Exact(string amount, string currency, long minor) =>
        Assert.Equal(minor, Money.FromDecimal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency)!.AmountMinor);

    [Fact]
    public void FromDecimal_TooManyDecimalsOrTooLarge_Null()
    {
        Assert.Null(Money.FromDecimal(1.001m, "EUR"));
        Assert.Null(Money.FromDecimal(decimal.MaxValue, "EUR"));
    }

    [Fact]
    public void ToDateOnly_RoundTrip_SameDate()
    {
        var date = new DateOnly(2028, 2, 29);

        Assert.Equal(date, date.ToProtoDate().ToDateOnly());
    }

    [Theory]
    [InlineData(2027, 2, 29)]
    [InlineData(2027, 13, 1)]
    [InlineData(0, 0, 0)]
    public void ToDateOnly_ImpossibleDate_Null(int year, int month, int day) =>
        Assert.Null(new Google.Type.Date { Year = year, Month = month, Day = day }.ToDateOnly());
}
