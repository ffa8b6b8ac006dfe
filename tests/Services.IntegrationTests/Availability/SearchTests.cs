using Google.Rpc;
using Grpc.Core;
using HotelBooking.Availability.Grpc;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;

namespace HotelBooking.Services.IntegrationTests.Availability;

/// <summary>
/// ListCities and SearchHotels on the seeded catalogue, whatever it holds: each expectation is derived from
/// ListHotels and GetAvailability, the methods the search must agree with.
/// </summary>
public sealed class SearchTests : IDisposable
{
    private readonly ServiceHost<AvailabilityGrpcService> _host = new("availability-db");
    private readonly AvailabilityService.AvailabilityServiceClient _client;

    public SearchTests() => _client = new AvailabilityService.AvailabilityServiceClient(_host.CreateChannel());

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task ListCities_SeededCatalogue_EveryCityOnceByNameWithItsHotelCount()
    {
        var hotels = (await _client.ListHotelsAsync(new())).Hotels;

        var cities = (await _client.ListCitiesAsync(new())).Cities;

        var expected = hotels.GroupBy(h => h.City).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()));
        Assert.Equal(expected, cities.Select(c => (c.Name, c.HotelCount)));
    }

    [Fact]
    public async Task SearchHotels_EachCity_CheapestFreeFittingRoomPerHotelSortedByPriceThenId()
    {
        foreach (var city in (await _client.ListCitiesAsync(new())).Cities)
        {
            var expected = new List<(long Total, string HotelId, string RoomTypeId, int Available)>();
            foreach (var hotel in (await _client.ListHotelsAsync(new() { City = city.Name })).Hotels)
            {
                var rooms = (await _client.GetAvailabilityAsync(new() { HotelId = hotel.HotelId, CheckIn = DaysFromToday(20), CheckOut = DaysFromToday(23), Guests = 2 }))
                    .Availability.Rooms.Where(r => r.Available > 0).ToList();
                if (rooms.Count > 0)
                {
                    var cheapest = rooms.MinBy(r => r.TotalPrice.AmountMinor)!;
                    expected.Add((cheapest.TotalPrice.AmountMinor, hotel.HotelId, cheapest.RoomTypeId, cheapest.Available));
                }
            }

            // The city in other letters: a city is matched case-insensitively.
            var response = await _client.SearchHotelsAsync(Search(city.Name.ToUpperInvariant(), pageSize: 100));

            Assert.Equal(
                expected.OrderBy(e => e.Total).ThenBy(e => e.HotelId, StringComparer.Ordinal),
                response.Offers.Select(o => (o.CheapestRoom.TotalPrice.AmountMinor, o.HotelId, o.CheapestRoom.RoomTypeId, o.CheapestRoom.Available)));
            Assert.Equal("", response.NextPageToken);
        }
    }

    [Fact]
    public async Task SearchHotels_HotelWithNothingFree_LeftOut()
    {
        var city = (await _client.ListCitiesAsync(new())).Cities[0].Name;
        var hotel = (await _client.ListHotelsAsync(new() { City = city })).Hotels[0];
        using (var import = _client.ImportInventory())
        {
            var line = 0;
            foreach (var roomType in hotel.RoomTypes)
            {
                await import.RequestStream.WriteAsync(new() { Line = ++line, HotelId = hotel.HotelId, RoomTypeId = roomType.RoomTypeId, Date = DaysFromToday(40), Rooms = 0 });
            }

            await import.RequestStream.CompleteAsync();
            Assert.Equal(hotel.RoomTypes.Count, (await import.ResponseAsync).Accepted);
        }

        var onThatNight = await _client.SearchHotelsAsync(Search(city, checkIn: 40, checkOut: 41, pageSize: 100));
        var theNightAfter = await _client.SearchHotelsAsync(Search(city, checkIn: 41, checkOut: 42, pageSize: 100));

        Assert.DoesNotContain(hotel.HotelId, onThatNight.Offers.Select(o => o.HotelId));
        Assert.Contains(hotel.HotelId, theNightAfter.Offers.Select(o => o.HotelId));
    }

    [Fact]
    public async Task SearchHotels_UnknownCity_EmptyNotAnError()
    {
        var response = await _client.SearchHotelsAsync(Search("Atlantis"));

        Assert.Empty(response.Offers);
        Assert.Equal("", response.NextPageToken);
    }

    [Fact]
    public async Task SearchHotels_WalkingPagesOfOne_GivesTheWholeSortedListOnce()
    {
        var city = (await _client.ListCitiesAsync(new())).Cities.MaxBy(c => c.HotelCount)!.Name;
        var whole = (await _client.SearchHotelsAsync(Search(city, pageSize: 100))).Offers.Select(o => o.HotelId).ToList();

        var walked = new List<string>();
        var token = "";
        do
        {
            var request = Search(city, pageSize: 1);
            request.PageToken = token;
            var page = await _client.SearchHotelsAsync(request);
            Assert.True(page.Offers.Count <= 1);
            walked.AddRange(page.Offers.Select(o => o.HotelId));
            token = page.NextPageToken;
        }
        while (token != "" && walked.Count <= whole.Count);

        Assert.Equal(whole, walked);
    }

    [SkippableFact]
    public async Task SearchHotels_TokenWithOtherCriteria_InvalidArgumentOnPageToken()
    {
        var city = (await _client.ListCitiesAsync(new())).Cities.MaxBy(c => c.HotelCount)!.Name;
        var first = await _client.SearchHotelsAsync(Search(city, pageSize: 1));
        Skip.If(first.NextPageToken == "", "the seeded catalogue has no city with two hotels free");
        var otherGuests = Search(city, pageSize: 1, guests: 1);
        otherGuests.PageToken = first.NextPageToken;
        var garbage = Search(city, pageSize: 1);
        garbage.PageToken = "not-a-token";

        foreach (var request in new[] { otherGuests, garbage })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => _client.SearchHotelsAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Equal("page_token", error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        }
    }

    [Fact]
    public async Task SearchHotels_BadDatesAndGuests_InvalidArgumentNamingEachFieldLikeGetAvailability()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.SearchHotelsAsync(Search("Lisbon", checkIn: -1, checkOut: -2, guests: 0)).ResponseAsync);
        var unary = await Assert.ThrowsAsync<RpcException>(() => _client.GetAvailabilityAsync(
            new() { HotelId = "any", CheckIn = DaysFromToday(-1), CheckOut = DaysFromToday(-2), Guests = 0 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["check_in", "check_out", "guests"], error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
        Assert.Equal(unary.GetRpcStatus()!.GetDetail<BadRequest>(), error.GetRpcStatus()!.GetDetail<BadRequest>());
    }

    private static SearchHotelsRequest Search(string city, int checkIn = 20, int checkOut = 23, int guests = 2, int pageSize = 0) => new()
    {
        City = city,
        CheckIn = DaysFromToday(checkIn),
        CheckOut = DaysFromToday(checkOut),
        Guests = guests,
        PageSize = pageSize,
    };
}
