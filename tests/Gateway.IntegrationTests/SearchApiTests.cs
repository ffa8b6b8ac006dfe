using System.Net;
using System.Text.Json;
using HotelBooking.Gateway.Apis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>
/// What the gateway decides on its own about a city search, before the availability service is asked:
/// which parameters parse, and the "searches" rate limit. With no availability service running, a query
/// that parses can only end in a 503, so a 400 here proves the gateway refused it itself.
/// </summary>
public sealed class SearchApiTests : IDisposable
{
    private const int SearchesPerWindow = 3;
    private readonly WebApplicationFactory<BookingDto> _gateway = new WebApplicationFactory<BookingDto>().WithWebHostBuilder(builder =>
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("RateLimiting:Enabled", "true");
        builder.UseSetting("RateLimiting:SearchesPerWindow", SearchesPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    public void Dispose() => _gateway.Dispose();

    [Theory]
    [InlineData("checkIn=2027-03-01&checkOut=2027-03-04&guests=2", "city")]
    [InlineData("city=%20&checkIn=2027-03-01&checkOut=2027-03-04&guests=2", "city")]
    [InlineData("city=Lisbon&checkIn=2027-13-01&checkOut=2027-03-04&guests=2", "checkIn")]
    [InlineData("city=Lisbon&checkIn=2027-03-01&checkOut=04.03.2027&guests=2", "checkOut")]
    [InlineData("city=Lisbon&checkIn=2027-03-01&checkOut=2027-03-04&guests=two", "guests")]
    [InlineData("city=Lisbon&checkIn=2027-03-01&checkOut=2027-03-04&guests=2&pageSize=ten", "pageSize")]
    [InlineData("city=Lisbon&checkIn=2027-03-01&checkOut=2027-03-04&guests=2&pageSize=-1", "pageSize")]
    public async Task SearchHotels_ParameterThatDoesNotParse_400NamingIt(string query, string field)
    {
        var response = await _gateway.GetFromAsync("192.0.2.20", $"/api/search?{query}");

        var errors = await ValidationErrorsAsync(response);
        Assert.Equal([field], errors);
    }

    [Fact]
    public async Task SearchHotels_NoParameters_400NamingEachRequiredOne()
    {
        var response = await _gateway.GetFromAsync("192.0.2.21", "/api/search");

        var errors = await ValidationErrorsAsync(response);
        Assert.Equal(["checkIn", "checkOut", "city", "guests"], errors.Order());
    }

    [Fact]
    public async Task SearchAndCities_OverTheSearchesLimit_429()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= SearchesPerWindow; i++)
        {
            statuses.Add((await _gateway.GetFromAsync("192.0.2.22", "/api/search")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, SearchesPerWindow), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _gateway.GetFromAsync("192.0.2.22", "/api/cities")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _gateway.GetFromAsync("192.0.2.23", "/api/search")).StatusCode);
    }

    [Fact]
    public async Task SearchHotels_AvailabilityServiceUnreachable_503Problem()
    {
        var response = await _gateway.GetFromAsync("192.0.2.24", "/api/search?city=Lisbon&checkIn=2027-03-01&checkOut=2027-03-04&guests=2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<string[]> ValidationErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name)];
    }
}
