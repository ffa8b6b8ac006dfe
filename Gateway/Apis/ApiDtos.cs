using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Gateway.Apis;

// The public JSON shapes. They are the REST API's contract, kept apart from the proto messages and
// mapped by hand next to each endpoint, so either side can change without dragging the other along.

/// <summary>An amount of money, e.g. <c>{"amount": 360.00, "currency": "EUR"}</c>.</summary>
public sealed record MoneyDto(decimal Amount, string Currency)
{
    public static MoneyDto From(Money money) => new(money.ToDecimal(), money.CurrencyCode);
}

public sealed record GuestDto(string Name, string Email);

/// <summary>A city that has hotels, e.g. <c>{"name": "Lisbon", "hotelCount": 10}</c>.</summary>
public sealed record CityDto(string Name, int HotelCount)
{
    public static CityDto From(Proto.City city) => new(city.Name, city.HotelCount);
}

/// <summary>One page of a city search; <c>nextPageToken</c> is null on the last page.</summary>
public sealed record SearchResultDto(
    string City, DateOnly CheckIn, DateOnly CheckOut, int Guests, HotelOfferDto[] Offers, string? NextPageToken)
{
    /// <summary>The stay as asked (the service echoes it), the city as the service names it.</summary>
    public static SearchResultDto From(Proto.SearchHotelsRequest request, Proto.SearchHotelsResponse response) => new(
        response.City is { Length: > 0 } city ? city : request.City,
        request.CheckIn.ToDateOnly()!.Value, request.CheckOut.ToDateOnly()!.Value, request.Guests,
        response.Offers.Select(HotelOfferDto.From).ToArray(),
        response.NextPageToken is { Length: > 0 } token ? token : null);
}

/// <summary>A hotel's best answer to a search: its cheapest room type that can take the stay.</summary>
public sealed record HotelOfferDto(string HotelId, string Name, RoomAvailabilityDto CheapestRoom)
{
    public static HotelOfferDto From(Proto.HotelOffer offer) =>
        new(offer.HotelId, offer.Name, RoomAvailabilityDto.From(offer.CheapestRoom));
}
