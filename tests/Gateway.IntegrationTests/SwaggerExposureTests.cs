using System.Net;
using HotelBooking.Gateway.Apis;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotelBooking.Gateway.IntegrationTests;

/// <summary>Swagger UI and the OpenAPI document: off in Production as shipped, served once Gateway:SwaggerEnabled opts in.</summary>
public sealed class SwaggerExposureTests
{
    [Theory]
    [InlineData("/swagger")]
    [InlineData("/swagger/index.html")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Swagger_ProductionAsShipped_NotFound(string path)
    {
        using var gateway = Gateway(swaggerEnabled: null);

        var response = await gateway.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/swagger/index.html", "text/html")]
    [InlineData("/swagger/v1/swagger.json", "application/json")]
    public async Task Swagger_ProductionOptedIn_Served(string path, string mediaType)
    {
        using var gateway = Gateway(swaggerEnabled: true);

        var response = await gateway.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }

    private static WebApplicationFactory<BookingDto> Gateway(bool? swaggerEnabled) =>
        new WebApplicationFactory<BookingDto>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            if (swaggerEnabled is { } enabled)
            {
                builder.UseSetting("Gateway:SwaggerEnabled", enabled.ToString());
            }
        });
}
