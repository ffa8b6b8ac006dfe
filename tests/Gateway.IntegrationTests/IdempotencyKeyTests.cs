using System.Net;
using System.Text;
using System.Text.Json;
using HotelBooking.Gateway.Apis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>
/// The Idempotency-Key header of POST /api/bookings as a caller meets it: a bad one is a field error of the
/// booking problem, the response names the key to retry with, and the OpenAPI document declares it.
/// Every booking here is refused by the gateway's own validation, so no downstream service is needed.
/// </summary>
public sealed class IdempotencyKeyTests : IDisposable
{
    private const string BookableBody = """
        {"hotelId":"h","roomTypeId":"r","checkIn":"2030-01-01","checkOut":"2030-01-02","guests":1,
         "guest":{"name":"Ana","email":"ana@example.com"},"paymentToken":"tok_visa"}
        """;

    private readonly WebApplicationFactory<BookingDto> _gateway = new WebApplicationFactory<BookingDto>().WithWebHostBuilder(builder =>
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("RateLimiting:Enabled", "false");
        builder.UseSetting("Gateway:SwaggerEnabled", "true");
    });

    public void Dispose() => _gateway.Dispose();

    [Fact]
    public async Task CreateBooking_TwoIdempotencyKeyHeaders_400WithTheHeaderAsTheOnlyError()
    {
        var response = await PostBookingAsync(BookableBody, "a", "b");

        var errors = await ErrorsAsync(response);
        Assert.Equal(["Idempotency-Key"], errors.Keys);
        Assert.Equal(["Send one Idempotency-Key header, not several."], errors["Idempotency-Key"]);
    }

    [Theory]
    [InlineData("key with spaces")]
    [InlineData("key\ttab")]
    [InlineData("é")]
    public async Task CreateBooking_IdempotencyKeyNotPrintableAscii_400NamingTheRule(string key)
    {
        var response = await PostBookingAsync(BookableBody, key);

        var errors = await ErrorsAsync(response);
        Assert.Equal(["The Idempotency-Key header must be 1 to 200 printable ASCII characters."], errors["Idempotency-Key"]);
    }

    [Fact]
    public async Task CreateBooking_IdempotencyKeyOf201Characters_400_And200Accepted()
    {
        var tooLong = await ErrorsAsync(await PostBookingAsync("{}", new string('k', 201)));
        var longest = await ErrorsAsync(await PostBookingAsync("{}", new string('k', 200)));

        Assert.True(tooLong.ContainsKey("Idempotency-Key"));
        Assert.False(longest.ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task CreateBooking_InvalidBodyAndKey_OneProblemWithTheBodyFieldsFirst()
    {
        var response = await PostBookingAsync("{}", "a", "b");

        var errors = await ErrorsAsync(response);
        Assert.Equal("hotelId", errors.Keys.First());
        Assert.Equal("Idempotency-Key", errors.Keys.Last());
    }

    [Fact]
    public async Task CreateBooking_IdempotencyKeySent_EchoedInTheResponse()
    {
        var response = await PostBookingAsync("{}", "retry-me-1");

        Assert.Equal("retry-me-1", response.Headers.GetValues("Idempotency-Key").Single());
    }

    [Fact]
    public async Task CreateBooking_NoIdempotencyKey_ResponseNamesAKeyTheGatewayMadeUp()
    {
        var first = await PostBookingAsync("{}");
        var second = await PostBookingAsync("{}");

        var made = first.Headers.GetValues("Idempotency-Key").Single();
        Assert.Matches("^[0-9a-f]{32}$", made);
        Assert.NotEqual(made, second.Headers.GetValues("Idempotency-Key").Single());
    }

    [Fact]
    public async Task SwaggerJson_CreateBooking_DeclaresTheOptionalIdempotencyKeyHeader()
    {
        var document = JsonDocument.Parse(await _gateway.CreateClient().GetStringAsync("/swagger/v1/swagger.json")).RootElement;

        var parameters = document.GetProperty("paths").GetProperty("/api/bookings").GetProperty("post").GetProperty("parameters");

        var header = Assert.Single(parameters.EnumerateArray());
        Assert.Equal("Idempotency-Key", header.GetProperty("name").GetString());
        Assert.Equal("header", header.GetProperty("in").GetString());
        Assert.Equal("string", header.GetProperty("schema").GetProperty("type").GetString());
        Assert.False(header.TryGetProperty("required", out var required) && required.GetBoolean());
    }

    private async Task<HttpResponseMessage> PostBookingAsync(string body, params string[] keys)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (keys.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", keys);
        }

        return await _gateway.CreateClient().SendAsync(request);
    }

    /// <summary>The field errors of the booking problem, in the order the body lists them.</summary>
    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("The booking request is invalid.", problem.GetProperty("title").GetString());
        return problem.GetProperty("errors").EnumerateObject()
            .ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
    }
}
