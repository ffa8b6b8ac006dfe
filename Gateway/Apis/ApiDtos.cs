using HotelBooking.Contracts.Common.V1;

namespace HotelBooking.Gateway.Apis;

// The public JSON shapes. They are the REST API's contract, kept apart from the proto messages and
// mapped by hand next to each endpoint, so either side can change without dragging the other along.

/// <summary>An amount of money, e.g. <c>{"amount": 360.00, "currency": "EUR"}</c>.</summary>
public sealed record MoneyDto(decimal Amount, string Currency)
{
    public static MoneyDto From(Money money) => new(money.ToDecimal(), money.CurrencyCode);
}

public sealed record GuestDto(string Name, string Email);
