using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;

namespace HotelBooking.EndToEnd;

[Collection(SystemCollection.Name)]
public sealed class OpenApiTests(SystemFixture system)
{
    public static TheoryData<string, string, string[]> Operations() => new()
    {
        { "/api/hotels", "get", ["200", "503", "504"] },
        { "/api/hotels/{hotelId}", "get", ["200", "404", "503", "504"] },
        { "/api/hotels/{hotelId}/availability", "get", ["200", "400", "404", "503", "504"] },
        { "/api/cities", "get", ["200", "429", "503", "504"] },
        { "/api/search", "get", ["200", "400", "429", "503", "504"] },
        { "/api/bookings", "post", ["201", "400", "402", "404", "409", "413", "422", "503", "504"] },
        { "/api/bookings/{bookingId}", "get", ["200", "404", "503", "504"] },
        { "/api/bookings/{bookingId}/cancel", "post", ["200", "404", "409", "503", "504"] },
        { "/api/hotels/{hotelId}/availability/stream", "get", ["200", "400", "404", "503"] },
        { "/api/admin/inventory", "post", ["200", "413", "415", "503"] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task SwaggerJson_EveryEndpoint_DocumentedWithItsResponseCodes(string path, string method, string[] codes)
    {
        var document = JsonDocument.Parse(await system.Api.GetStringAsync("/swagger/v1/swagger.json")).RootElement;

        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

        Assert.All(codes, code => Assert.True(responses.TryGetProperty(code, out _), $"{method} {path} lacks {code}"));
    }

    [Fact]
    public async Task SwaggerJson_Saved_ForTheLinterInCi()
    {
        var document = await system.Api.GetStringAsync("/swagger/v1/swagger.json");

        Assert.Contains("\"openapi\"", document);
        Artifacts.Write("openapi.json", document);
    }

    [Fact]
    public async Task SwaggerUi_Served()
    {
        var response = await system.Api.GetAsync("/swagger/index.html");

        Assert.True(response.IsSuccessStatusCode);
    }
}
