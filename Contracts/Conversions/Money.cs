namespace HotelBooking.Contracts.Common.V1;

// Conversions that belong to the generated Money message.
public sealed partial class Money
{
    public static Money FromMinor(long amountMinor, string currencyCode) =>
        new() { AmountMinor = amountMinor, CurrencyCode = currencyCode };

    /// <summary>
    /// The amount in major units with the currency's scale: 36000 EUR cents is 360.00, which a JSON writer
    /// prints as 360.00. Exact: decimal, never double.
    /// </summary>
    public decimal ToDecimal() => AmountMinor * MinorUnit(CurrencyCode);

    /// <summary>The inverse of <see cref="ToDecimal"/>; null when the amount has more decimals than the currency has.</summary>
    public static Money? FromDecimal(decimal amount, string currencyCode)
    {
        try
        {
            var minor = amount / MinorUnit(currencyCode);
            return minor == decimal.Truncate(minor) && minor is >= long.MinValue and <= long.MaxValue
                ? FromMinor((long)minor, currencyCode)
                : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    // One minor unit in major units, from the ISO 4217 exponent; enough for the currencies a hotel prices in.
    private static decimal MinorUnit(string currencyCode) => currencyCode switch
    {
        "JPY" or "KRW" or "ISK" => 1m,
        "BHD" or "KWD" or "OMR" or "TND" => 0.001m,
        _ => 0.01m,
    };
}
