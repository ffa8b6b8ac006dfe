using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd;

[Collection(SystemCollection.Name)]
public sealed class BookingFlowTests(SystemFixture system)
{
    private HttpClient Api => system.Api;

    [Fact]
    public async Task ListAvailabilityBookGetCancel_ApprovedCard_AvailabilityFollowsTheBooking()
    {
        var hotels = await Api.GetFromJsonAsync<JsonElement>("/api/hotels");
        Assert.True(hotels.GetArrayLength() >= 3);
        var (checkIn, checkOut) = UniqueStay(nights: 3);
        var before = await AvailableAsync(Api, checkIn, checkOut);

        var created = await Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = booking.GetProperty("id").GetString()!;
        Assert.Equal($"/api/bookings/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("Confirmed", booking.GetProperty("status").GetString());
        Assert.Equal(360.00m, booking.GetProperty("total").GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", booking.GetProperty("total").GetProperty("currency").GetString());
        Assert.Equal(checkIn, booking.GetProperty("checkIn").GetString());

        var fetched = await Api.GetFromJsonAsync<JsonElement>($"/api/bookings/{id}");
        Assert.Equal("Confirmed", fetched.GetProperty("status").GetString());
        Assert.Equal("ana@example.com", fetched.GetProperty("guest").GetProperty("email").GetString());
        Assert.Equal(before - 1, await AvailableAsync(Api, checkIn, checkOut));

        var cancelled = await Api.PostAsync($"/api/bookings/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(before, await AvailableAsync(Api, checkIn, checkOut));
    }

    [Fact]
    public async Task CreateBooking_DeclinedCard_402WithAFailedBookingAndAvailabilityUnchanged()
    {
        var (checkIn, checkOut) = UniqueStay();
        var before = await AvailableAsync(Api, checkIn, checkOut);

        var response = await Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut, token: "tok_chargeDeclined"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.PaymentRequired);
        var bookingId = problem.GetProperty("bookingId").GetString();
        var failed = await Api.GetFromJsonAsync<JsonElement>($"/api/bookings/{bookingId}");
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Equal(before, await AvailableAsync(Api, checkIn, checkOut));

        var cancel = await Api.PostAsync($"/api/bookings/{bookingId}/cancel", null);
        await ProblemAssert.IsProblemAsync(cancel, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CancelBooking_Twice_200WithTheSameBooking()
    {
        var (checkIn, checkOut) = UniqueStay();
        var created = await (await Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();

        var first = await (await Api.PostAsync($"/api/bookings/{id}/cancel", null)).Content.ReadAsStringAsync();
        var second = await Api.PostAsync($"/api/bookings/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(first, await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateBooking_LastRoomsTaken_409AndNothingChanged()
    {
        var (checkIn, checkOut) = UniqueStay();
        for (var i = 0; i < 3; i++)
        {
            var ok = await Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut, hotelId: Berlin, roomTypeId: BerlinPenthouse));
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        var response = await Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut, hotelId: Berlin, roomTypeId: BerlinPenthouse));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("ROOMS_UNAVAILABLE", problem.GetProperty("reason").GetString());
        Assert.Equal(0, await AvailableAsync(Api, checkIn, checkOut, Berlin, BerlinPenthouse));
    }

    [Fact]
    public async Task CreateBooking_SameIdempotencyKeyTwice_SameBookingReplayed()
    {
        var (checkIn, checkOut) = UniqueStay();
        var before = await AvailableAsync(Api, checkIn, checkOut);
        var key = Guid.NewGuid().ToString();

        var first = await Api.PostBookingAsync(BookingBody(checkIn, checkOut), key);
        var replay = await Api.PostBookingAsync(BookingBody(checkIn, checkOut), key);

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal(before - 1, await AvailableAsync(Api, checkIn, checkOut));
    }
}
