using System.Net;
using System.Text.Json;
using Google.Protobuf;
using HotelBooking.Availability.Grpc;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;

namespace HotelBooking.Services.IntegrationTests.Availability;

/// <summary>
/// gRPC JSON transcoding: the read methods' <c>google.api.http</c> routes answer plain HTTP GETs with the
/// same answer as the gRPC method, in the proto's JSON form, and a refused call as an HTTP status with the
/// gRPC status as JSON.
/// </summary>
public sealed class JsonTranscodingTests : IDisposable
{
    private readonly ServiceHost<AvailabilityGrpcService> _host = new("availability-db", TestCatalogue.HandMade());
    private readonly AvailabilityService.AvailabilityServiceClient _grpc;
    private readonly HttpClient _http;

    public JsonTranscodingTests()
    {
        _grpc = new AvailabilityService.AvailabilityServiceClient(_host.CreateChannel());
        _http = _host.CreateClient();
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task GetAvailability_OverHttpJson_SameAnswerAsGrpc()
    {
        var request = new GetAvailabilityRequest { HotelId = "spree-loft", CheckIn = DaysFromToday(20), CheckOut = DaysFromToday(23), Guests = 2 };

        var json = await GetJsonAsync<GetAvailabilityResponse>(
            $"/v1/hotels/spree-loft/availability?{DateQuery("checkIn", request.CheckIn)}&{DateQuery("checkOut", request.CheckOut)}&guests=2");

        var grpc = await _grpc.GetAvailabilityAsync(request);
        Assert.NotEmpty(grpc.Availability.Rooms);
        Assert.Equal(grpc, json);
    }

    [Fact]
    public async Task ListHotels_OverHttpJson_SameAnswerAsGrpc()
    {
        var json = await GetJsonAsync<ListHotelsResponse>("/v1/hotels");

        var grpc = await _grpc.ListHotelsAsync(new());
        Assert.Equal(3, grpc.Hotels.Count);
        Assert.Equal(grpc, json);
    }

    [Fact]
    public async Task GetAvailability_CheckOutBeforeCheckIn_400WithTheInvalidArgumentStatusAsJson()
    {
        using var response = await _http.GetAsync(
            $"/v1/hotels/spree-loft/availability?{DateQuery("checkIn", DaysFromToday(10))}&{DateQuery("checkOut", DaysFromToday(8))}&guests=2");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(3, status.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
        Assert.Contains("check", status.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetAvailability_UnknownHotel_404WithTheNotFoundStatusAsJson()
    {
        using var response = await _http.GetAsync(
            $"/v1/hotels/no-such-hotel/availability?{DateQuery("checkIn", DaysFromToday(10))}&{DateQuery("checkOut", DaysFromToday(12))}&guests=2");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(5, status.GetProperty("code").GetInt32()); // NOT_FOUND
        Assert.Equal("Hotel 'no-such-hotel' was not found.", status.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GetHotel_UnknownHotel_404()
    {
        using var response = await _http.GetAsync("/v1/hotels/no-such-hotel");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A google.type.Date in a query string: one parameter per field.</summary>
    private static string DateQuery(string name, Google.Type.Date date) => $"{name}.year={date.Year}&{name}.month={date.Month}&{name}.day={date.Day}";

    private async Task<T> GetJsonAsync<T>(string path) where T : IMessage<T>, new()
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonParser.Default.Parse<T>(body);
    }
}
