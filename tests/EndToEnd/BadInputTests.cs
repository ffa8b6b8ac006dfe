using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd;

/// <summary>Each bad-input row of the public contract: a clear 4xx problem, and nothing changed.</summary>
[Collection(SystemCollection.Name)]
public sealed class BadInputTests(SystemFixture system)
{
    private HttpClient Api => system.Api;

    public static TheoryData<string, string, string, int, string, string, string> InvalidBookings()
    {
        // checkIn, checkOut as day offsets or literal strings; guests; name; email; token -> expected field
        return new()
        {
            { "2027-02-30", "+3", "checkIn", 2, "Ana", "ana@example.com", "tok_visa" },
            { "+5", "+5", "checkOut", 2, "Ana", "ana@example.com", "tok_visa" },
            { "+6", "+4", "checkOut", 2, "Ana", "ana@example.com", "tok_visa" },
            { "-1", "+2", "checkIn", 2, "Ana", "ana@example.com", "tok_visa" },
            { "+2", "+40", "checkOut", 2, "Ana", "ana@example.com", "tok_visa" },
            { "+2", "+3", "guests", 0, "Ana", "ana@example.com", "tok_visa" },
            { "+2", "+3", "guests", 3, "Ana", "ana@example.com", "tok_visa" },
            { "+2", "+3", "guest.name", 2, "", "ana@example.com", "tok_visa" },
            { "+2", "+3", "guest.email", 2, "Ana", "ana-at-example", "tok_visa" },
            { "+2", "+3", "paymentToken", 2, "Ana", "ana@example.com", "tok_stolen" },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidBookings))]
    public async Task CreateBooking_InvalidField_400NamingTheFieldAndNothingBooked(
        string checkIn, string checkOut, string field, int guests, string name, string email, string token)
    {
        var (probeIn, probeOut) = UniqueStay(nights: 1);
        var stay = (Resolve(checkIn, probeIn), Resolve(checkOut, probeIn));
        var before = await AvailableAsync(Api, probeIn, probeOut);

        var response = await Api.PostAsJsonAsync("/api/bookings",
            BookingBody(stay.Item1, stay.Item2, token, guests: guests, name: name, email: email));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await AvailableAsync(Api, probeIn, probeOut));
    }

    [Fact]
    public async Task CreateBooking_BodyNotJson_400()
    {
        var response = await Api.PostAsync("/api/bookings", new StringContent("{\"hotelId\": ", Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task CreateBooking_ValueOfTheWrongType_400NamingTheField()
    {
        var response = await Api.PostAsync("/api/bookings", new StringContent("{\"guests\": \"two\"}", Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "guests");
    }

    [Fact]
    public async Task CreateBooking_MissingFields_400NamingEachOne()
    {
        var response = await Api.PostAsync("/api/bookings", new StringContent("{}", Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "hotelId");
        foreach (var field in new[] { "roomTypeId", "checkIn", "checkOut", "guests", "guest.name", "guest.email", "paymentToken" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task CreateBooking_BodyOver64KiB_413()
    {
        var (checkIn, checkOut) = UniqueStay();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = new StringContent(JsonSerializer.Serialize(BookingBody(checkIn, checkOut, name: new string('a', 70_000))), Encoding.UTF8, "application/json"),
        };
        // The declared length is refused before the body is sent, so the 413 never races a half-written body.
        request.Headers.ExpectContinue = true;

        var response = await Api.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("nowhere", LisbonDouble)]
    [InlineData(Lisbon, "alfama-riverside-igloo")]
    public async Task CreateBooking_UnknownHotelOrRoomType_404(string hotelId, string roomTypeId)
    {
        var (checkIn, checkOut) = UniqueStay();

        var response = await Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut, hotelId: hotelId, roomTypeId: roomTypeId));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("GET", "/api/hotels/nowhere")]
    [InlineData("GET", "/api/bookings/bk_00000000000000000000000000000000")]
    [InlineData("POST", "/api/bookings/bk_00000000000000000000000000000000/cancel")]
    public async Task UnknownResource_404(string method, string path)
    {
        var response = await Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("checkIn=2027-13-01&checkOut=2027-01-03&guests=1", "checkIn")]
    [InlineData("checkIn=+1&checkOut=+3&guests=two", "guests")]
    [InlineData("checkIn=+3&checkOut=+1&guests=1", "checkOut")]
    [InlineData("checkIn=+1&checkOut=+2&guests=0", "guests")]
    public async Task GetAvailability_BadQuery_400NamingTheField(string query, string field)
    {
        var today = Today;
        var resolved = string.Join('&', query.Split('&').Select(pair =>
        {
            var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
            return value.StartsWith('+') ? $"{key}={Iso(today.AddDays(int.Parse(value[1..])))}" : pair;
        }));

        var response = await Api.GetAsync($"/api/hotels/{Lisbon}/availability?{resolved}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    /// <summary>"+N" is N days after <paramref name="anchor"/>; "-N" N days before today; anything else is sent as is.</summary>
    private static string Resolve(string value, string anchor) => value[0] switch
    {
        '+' => Iso(DateOnly.Parse(anchor).AddDays(int.Parse(value[1..]) - 2)),
        '-' => Iso(Today.AddDays(-int.Parse(value[1..]))),
        _ => value,
    };
}
