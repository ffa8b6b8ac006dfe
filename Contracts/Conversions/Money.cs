namespace HotelBooking.Contracts.Common.V1;

// Conversions that belong to the generated Money message.
public sealed partial class Money
{
    public static Money FromMinor(long amountMinor, string currencyCode) =>
        new() { AmountMinor = amountMinor, CurrencyCode = currencyCode };

    /// <summary>The amount in major units (36000 EUR cents is 360.00). Exact: decimal, never double.</summary>
    public decimal ToDecimal() => AmountMinor / (decimal)MinorUnitsPerMajor(CurrencyCode);

    // ISO 4217 exponents that differ from 2; enough for the currencies a hotel prices in.
    private static int MinorUnitsPerMajor(string currencyCode) => currencyCode switch
    {
        "JPY" or "KRW" or "ISK" => 1,
        "BHD" or "KWD" or "OMR" or "TND" => 1000,
        _ => 100,
    };
}
