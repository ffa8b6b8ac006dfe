using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.EndToEnd.Infrastructure;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using BookingProto = HotelBooking.Contracts.Booking.V1;
using PaymentProto = HotelBooking.Contracts.Payment.V1;

namespace HotelBooking.EndToEnd;

/// <summary>Port 5081 passes AvailabilityService's read methods through to the service, and nothing else.</summary>
[Collection(SystemCollection.Name)]
public sealed class GrpcEdgeTests(SystemFixture system)
{
    [Fact]
    public async Task AvailabilityReads_ThroughTheEdge_Answered()
    {
        var client = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(system.CreateEdgeChannel());

        var hotels = await client.ListHotelsAsync(new());
        var hotel = await client.GetHotelAsync(new() { HotelId = TestData.Lisbon });
        var availability = await client.GetAvailabilityAsync(new()
        {
            HotelId = TestData.Lisbon,
            CheckIn = TestData.Today.AddDays(5).ToProtoDate(),
            CheckOut = TestData.Today.AddDays(6).ToProtoDate(),
            Guests = 2,
        });

        Assert.True(hotels.Hotels.Count >= 3);
        Assert.Equal("Alfama Riverside", hotel.Hotel.Name);
        Assert.NotEmpty(availability.Availability.Rooms);
    }

    [Fact]
    public async Task CitySearch_ThroughTheEdge_SameAnswersAsTheRestApi()
    {
        var client = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(system.CreateEdgeChannel());
        var (checkIn, checkOut) = TestData.UniqueStay();

        var cities = await client.ListCitiesAsync(new());
        var city = cities.Cities.First(c => c.Name == TestData.LisbonCity);
        var search = await client.SearchHotelsAsync(new()
        {
            City = city.Name,
            CheckIn = DateOnly.Parse(checkIn).ToProtoDate(),
            CheckOut = DateOnly.Parse(checkOut).ToProtoDate(),
            Guests = 2,
            PageSize = 100,
        });

        var rest = await system.Api.GetFromJsonAsync<JsonElement>($"/api/search?city={city.Name}&checkIn={checkIn}&checkOut={checkOut}&guests=2&pageSize=100");
        Assert.Equal(
            rest.GetProperty("offers").EnumerateArray().Select(o => (o.GetProperty("hotelId").GetString(), o.GetProperty("cheapestRoom").GetProperty("roomTypeId").GetString())),
            search.Offers.Select(o => ((string?)o.HotelId, (string?)o.CheapestRoom.RoomTypeId)));
        Assert.Contains(search.Offers, o => o.HotelId == TestData.Lisbon);
        Assert.Equal(city.HotelCount, (await client.ListHotelsAsync(new() { City = city.Name })).Hotels.Count);
        Assert.Empty(search.NextPageToken);
    }

    [Fact]
    public async Task AvailabilityRead_Error_StatusAndDetailsPassThrough()
    {
        var client = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(system.CreateEdgeChannel());

        var error = await Assert.ThrowsAsync<RpcException>(() => client.GetHotelAsync(new() { HotelId = "nowhere" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    public static TheoryData<string> InternalMethods() =>
    [
        "hold:create", "hold:confirm", "hold:release",
        "booking:create", "booking:get", "booking:cancel",
        "payment:charge", "payment:refund", "payment:get",
    ];

    [Theory]
    [MemberData(nameof(InternalMethods))]
    public async Task InternalMethod_ThroughTheEdge_Unimplemented(string method)
    {
        var channel = system.CreateEdgeChannel();
        var availability = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(channel);
        var bookings = new BookingProto.BookingService.BookingServiceClient(channel);
        var payments = new PaymentProto.PaymentService.PaymentServiceClient(channel);

        Func<Task> call = method switch
        {
            "hold:create" => () => availability.CreateHoldAsync(new() { RequestId = "x", HotelId = TestData.Lisbon }).ResponseAsync,
            "hold:confirm" => () => availability.ConfirmHoldAsync(new() { HoldId = "x" }).ResponseAsync,
            "hold:release" => () => availability.ReleaseHoldAsync(new() { HoldId = "x" }).ResponseAsync,
            "booking:create" => () => bookings.CreateBookingAsync(new() { RequestId = "x" }).ResponseAsync,
            "booking:get" => () => bookings.GetBookingAsync(new() { BookingId = "x" }).ResponseAsync,
            "booking:cancel" => () => bookings.CancelBookingAsync(new() { BookingId = "x" }).ResponseAsync,
            "payment:charge" => () => payments.ChargeAsync(new() { RequestId = "x", PaymentToken = "tok_visa" }).ResponseAsync,
            "payment:refund" => () => payments.RefundAsync(new() { PaymentId = "x" }).ResponseAsync,
            "payment:get" => () => payments.GetPaymentAsync(new() { PaymentId = "x" }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
