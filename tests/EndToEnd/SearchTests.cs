using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd;

/// <summary>
/// Searching by city (GET /api/cities, GET /api/search): every answer is checked against what the per-hotel
/// reads say for the same stay, so the tests hold for any catalogue. Each test searches a stay of its own.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SearchTests(SystemFixture system)
{
    private HttpClient Api => system.Api;

    [Fact]
    public async Task ListCities_EveryCityOfTheHotelsWithItsCountByName()
    {
        var hotels = await Api.GetFromJsonAsync<JsonElement>("/api/hotels");
        var expected = hotels.EnumerateArray()
            .GroupBy(h => h.GetProperty("city").GetString()!)
            .Select(city => (city.Key, city.Count()))
            .OrderBy(city => city.Key, StringComparer.Ordinal);

        var cities = await Api.GetFromJsonAsync<JsonElement>("/api/cities");

        Assert.Equal(expected, cities.EnumerateArray().Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("hotelCount").GetInt32())));
    }

    [Fact]
    public async Task SearchHotels_BusiestCity_EachHotelWithAFreeFittingRoomOnceWithItsCheapestByPriceThenId()
    {
        var city = await BusiestCityAsync();
        var (checkIn, checkOut) = UniqueStay();
        const int guests = 2;
        var expected = await CheapestFreeRoomPerHotelAsync(city, checkIn, checkOut, guests);

        var offers = await AllOffersAsync(city, checkIn, checkOut, guests, pageSize: 3);

        Assert.NotEmpty(offers);
        Assert.Equal(expected.Keys.Order(), offers.Select(o => o.HotelId).Order());
        foreach (var offer in offers)
        {
            var (cheapest, rooms) = expected[offer.HotelId];
            Assert.Equal(cheapest, offer.Total);
            var room = Assert.Single(rooms, r => r.GetProperty("roomTypeId").GetString() == offer.RoomTypeId);
            Assert.Equal(room.GetProperty("available").GetInt32(), offer.Available);
            Assert.True(offer.Capacity >= guests, $"{offer.RoomTypeId} sleeps {offer.Capacity}, fewer than {guests}.");
        }

        Assert.Equal(offers.OrderBy(o => o.Total).ThenBy(o => o.HotelId, StringComparer.Ordinal), offers);
    }

    [Fact]
    public async Task SearchHotels_WalkingEveryPage_TheOffersOfOneBigPageInOrderNoneTwice()
    {
        var city = await BusiestCityAsync();
        var (checkIn, checkOut) = UniqueStay();
        var everything = await SearchAsync($"city={city}&checkIn={checkIn}&checkOut={checkOut}&guests=1&pageSize=100");
        Assert.Null(NextPageToken(everything));

        var pages = await PagesAsync(city, checkIn, checkOut, guests: 1, pageSize: 2);

        var walked = pages.SelectMany(page => page.GetProperty("offers").EnumerateArray()).Select(o => o.GetProperty("hotelId").GetString()).ToList();
        Assert.Equal(everything.GetProperty("offers").EnumerateArray().Select(o => o.GetProperty("hotelId").GetString()), walked);
        Assert.All(pages[..^1], page => Assert.Equal(2, page.GetProperty("offers").GetArrayLength()));
        Assert.InRange(pages[^1].GetProperty("offers").GetArrayLength(), 1, 2);
        Assert.True(walked.Count >= 2, $"{city} has {walked.Count} offer(s): too few to page.");
    }

    [Fact]
    public async Task SearchHotels_BookingEveryFittingRoomOfAHotel_ItsOfferFollowsThenItLeavesTheResults()
    {
        // The biggest party the hotel takes: only its biggest room types fit, so few bookings fill it.
        var hotel = await Api.GetFromJsonAsync<JsonElement>($"/api/hotels/{Lisbon}");
        var guests = hotel.GetProperty("roomTypes").EnumerateArray().Max(r => r.GetProperty("capacity").GetInt32());
        var city = hotel.GetProperty("city").GetString()!;
        var (checkIn, checkOut) = UniqueStay(nights: 1);
        var availability = await Api.GetFromJsonAsync<JsonElement>($"/api/hotels/{Lisbon}/availability?checkIn={checkIn}&checkOut={checkOut}&guests={guests}");
        var free = availability.GetProperty("rooms").EnumerateArray().Sum(r => r.GetProperty("available").GetInt32());
        Assert.InRange(free, 1, 12);

        for (var booked = 0; booked < free; booked++)
        {
            var offer = Assert.Single(await AllOffersAsync(city, checkIn, checkOut, guests), o => o.HotelId == Lisbon);
            var response = await Api.PostBookingAsync(BookingBody(checkIn, checkOut, roomTypeId: offer.RoomTypeId, guests: guests));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            // The offer follows the booking: one room fewer of the same type, or the next cheapest type.
            // The search reads a model that follows bookings; a generous bound, only against hangs.
            var after = await Eventually.ReadAsync(
                () => AllOffersAsync(city, checkIn, checkOut, guests),
                offers => offers.SingleOrDefault(o => o.HotelId == Lisbon) is not { } next
                    || next.RoomTypeId != offer.RoomTypeId || next.Available == offer.Available - 1,
                within: TimeSpan.FromSeconds(30));
            if (after.SingleOrDefault(o => o.HotelId == Lisbon) is { } next)
            {
                Assert.True(next.RoomTypeId != offer.RoomTypeId ? next.Total >= offer.Total : next.Available == offer.Available - 1,
                    $"After booking {offer.RoomTypeId} ({offer.Available} free), the offer is {next}.");
            }
        }

        var final = await AllOffersAsync(city, checkIn, checkOut, guests);
        Assert.DoesNotContain(final, o => o.HotelId == Lisbon);
    }

    [Theory]
    [InlineData("checkIn=+1&checkOut=+3&guests=2", "city")]
    [InlineData("city=Lisbon&checkIn=2027-13-01&checkOut=+3&guests=2", "checkIn")]
    [InlineData("city=Lisbon&checkIn=+3&checkOut=+1&guests=2", "checkOut")]
    [InlineData("city=Lisbon&checkIn=-1&checkOut=+1&guests=2", "checkIn")]
    [InlineData("city=Lisbon&checkIn=+1&checkOut=+2&guests=0", "guests")]
    [InlineData("city=Lisbon&checkIn=+1&checkOut=+2&guests=two", "guests")]
    [InlineData("city=Lisbon&checkIn=+1&checkOut=+2&guests=2&pageSize=ten", "pageSize")]
    [InlineData("city=Lisbon&checkIn=+1&checkOut=+2&guests=2&pageToken=not-a-token", "pageToken")]
    public async Task SearchHotels_BadQuery_400NamingTheField(string query, string field)
    {
        var response = await Api.GetAsync($"/api/search?{ResolveDays(query)}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task SearchHotels_PageTokenWithOtherCriteria_400OnPageToken()
    {
        var city = await BusiestCityAsync();
        var (checkIn, checkOut) = UniqueStay();
        var first = await SearchAsync($"city={city}&checkIn={checkIn}&checkOut={checkOut}&guests=1&pageSize=1");
        var token = NextPageToken(first);
        Assert.False(string.IsNullOrEmpty(token), $"{city}'s first page of one offer has no next page.");

        var response = await Api.GetAsync($"/api/search?city={city}&checkIn={checkIn}&checkOut={checkOut}&guests=2&pageSize=1&pageToken={Uri.EscapeDataString(token)}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "pageToken");
    }

    private sealed record Offer(string HotelId, string RoomTypeId, int Capacity, int Available, decimal Total);

    /// <summary>The city with the most hotels (by name among equals), so paging has pages to walk.</summary>
    private async Task<string> BusiestCityAsync()
    {
        var cities = await Api.GetFromJsonAsync<JsonElement>("/api/cities");
        return cities.EnumerateArray()
            .OrderByDescending(c => c.GetProperty("hotelCount").GetInt32())
            .ThenBy(c => c.GetProperty("name").GetString(), StringComparer.Ordinal)
            .First().GetProperty("name").GetString()!;
    }

    /// <summary>Per hotel of the city that has a fitting room free, the stay's lowest total and its rooms, from GET availability.</summary>
    private async Task<Dictionary<string, (decimal Cheapest, JsonElement[] Rooms)>> CheapestFreeRoomPerHotelAsync(
        string city, string checkIn, string checkOut, int guests)
    {
        var expected = new Dictionary<string, (decimal, JsonElement[])>();
        foreach (var hotel in (await Api.GetFromJsonAsync<JsonElement>($"/api/hotels?city={Uri.EscapeDataString(city)}")).EnumerateArray())
        {
            var id = hotel.GetProperty("id").GetString()!;
            var availability = await Api.GetFromJsonAsync<JsonElement>($"/api/hotels/{id}/availability?checkIn={checkIn}&checkOut={checkOut}&guests={guests}");
            var free = availability.GetProperty("rooms").EnumerateArray().Where(r => r.GetProperty("available").GetInt32() > 0).ToArray();
            if (free.Length > 0)
            {
                expected[id] = (free.Min(r => r.GetProperty("totalPrice").GetProperty("amount").GetDecimal()), free);
            }
        }

        return expected;
    }

    /// <summary>Every page of a search, first to last, following nextPageToken.</summary>
    private async Task<List<JsonElement>> PagesAsync(string city, string checkIn, string checkOut, int guests, int pageSize)
    {
        var query = $"city={Uri.EscapeDataString(city)}&checkIn={checkIn}&checkOut={checkOut}&guests={guests}&pageSize={pageSize}";
        var pages = new List<JsonElement> { await SearchAsync(query) };
        while (NextPageToken(pages[^1]) is { } token)
        {
            Assert.True(pages.Count < 100, "More than 100 pages: the token does not move on.");
            pages.Add(await SearchAsync($"{query}&pageToken={Uri.EscapeDataString(token)}"));
        }

        return pages;
    }

    private async Task<List<Offer>> AllOffersAsync(string city, string checkIn, string checkOut, int guests, int pageSize = 100) =>
        (await PagesAsync(city, checkIn, checkOut, guests, pageSize))
            .SelectMany(page => page.GetProperty("offers").EnumerateArray())
            .Select(o =>
            {
                var room = o.GetProperty("cheapestRoom");
                return new Offer(o.GetProperty("hotelId").GetString()!, room.GetProperty("roomTypeId").GetString()!,
                    room.GetProperty("capacity").GetInt32(), room.GetProperty("available").GetInt32(),
                    room.GetProperty("totalPrice").GetProperty("amount").GetDecimal());
            })
            .ToList();

    private static string? NextPageToken(JsonElement page) =>
        page.TryGetProperty("nextPageToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;

    private async Task<JsonElement> SearchAsync(string query)
    {
        var response = await Api.GetAsync($"/api/search?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /api/search?{query}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>"+N" is N days from today, "-N" N days before it.</summary>
    private static string ResolveDays(string query) =>
        string.Join('&', query.Split('&').Select(pair =>
        {
            var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
            return value[0] is '+' or '-' ? $"{key}={Iso(Today.AddDays(int.Parse(value)))}" : pair;
        }));
}
