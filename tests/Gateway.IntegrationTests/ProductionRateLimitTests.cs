using System.Net;
using HotelBooking.Gateway.Apis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>
/// The rate limits as shipped: the gateway in Production on its own appsettings.json (20 bookings a minute
/// per client, no trusted proxy), with nothing overridden unless a test says so.
/// </summary>
public sealed class ProductionRateLimitTests
{
    private const int BookingsPerWindow = 20;

    [Fact]
    public async Task Bookings_ShippedSettingsRotatingForwardedFor_HeaderIgnoredAnd21stIs429()
    {
        using var gateway = Gateway();

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 25; i++)
        {
            statuses.Add((await gateway.PostInvalidBookingAsync(remote: "127.0.0.1", forwardedFor: $"198.51.100.{i}")).StatusCode);
        }

        Assert.All(statuses[..BookingsPerWindow], status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.All(statuses[BookingsPerWindow..], status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.0/8")]
    [InlineData("10.0.0.7, 127.0.0.1")]
    public async Task Bookings_SenderIsATrustedProxy_EachForwardedClientHasItsOwnLimit(string trustedProxies)
    {
        using var gateway = Gateway(trustedProxies.Split(", "));

        for (var i = 0; i < BookingsPerWindow; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await gateway.PostInvalidBookingAsync(remote: "127.0.0.1", forwardedFor: "198.51.100.1")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await gateway.PostInvalidBookingAsync(remote: "127.0.0.1", forwardedFor: "198.51.100.1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.PostInvalidBookingAsync(remote: "127.0.0.1", forwardedFor: "198.51.100.2")).StatusCode);
    }

    [Theory]
    [InlineData("proxy.internal")]
    [InlineData("10.0.7")]
    [InlineData("10.0.0.0/33")]
    [InlineData("")]
    public void Start_InvalidTrustedProxy_RefusedNamingTheSettingAndTheEntry(string entry)
    {
        using var gateway = Gateway(["10.0.0.7", entry]);

        var error = Assert.Throws<OptionsValidationException>(() => gateway.CreateClient());

        Assert.Contains($"RateLimiting:TrustedProxies entry '{entry}'", error.Message);
    }

    private static WebApplicationFactory<BookingDto> Gateway(string[]? trustedProxies = null) =>
        new WebApplicationFactory<BookingDto>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            for (var i = 0; i < (trustedProxies?.Length ?? 0); i++)
            {
                builder.UseSetting($"RateLimiting:TrustedProxies:{i}", trustedProxies![i]);
            }
        });
}
