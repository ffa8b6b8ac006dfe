using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace HotelBooking.UnitTests.ServiceDefaults;

/// <summary>
/// The Prometheus scrape endpoint (Metrics:PrometheusPort): on a real Kestrel with two ports, /metrics answers
/// connections to the scrape port and no other, whatever Host header a caller sends.
/// </summary>
public sealed class PrometheusScrapeTests
{
    [Fact]
    public async Task Metrics_OnTheScrapePort_AnswersPrometheusText()
    {
        var (app, callerPort, scrapePort) = await StartAsync(scrapeConfigured: true);
        await using var _ = app;
        using var client = new HttpClient();

        using var response = await client.GetAsync($"http://127.0.0.1:{scrapePort}/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(callerPort, scrapePort);
    }

    [Fact]
    public async Task Metrics_OnTheCallersPort_NotFoundEvenWithTheScrapePortInItsHostHeader()
    {
        var (app, callerPort, scrapePort) = await StartAsync(scrapeConfigured: true);
        await using var _ = app;
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{callerPort}/metrics");
        // The port a request names is the caller's to choose; the port it came in on is not.
        request.Headers.Host = $"localhost:{scrapePort}";

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_NoScrapePortConfigured_NotFoundAnywhere()
    {
        var (app, callerPort, otherPort) = await StartAsync(scrapeConfigured: false);
        await using var _ = app;
        using var client = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"http://127.0.0.1:{callerPort}/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"http://127.0.0.1:{otherPort}/metrics")).StatusCode);
    }

    /// <summary>A web app with the service defaults on two loopback ports, as docker-compose.yml names them (Grpc and Management).</summary>
    private static async Task<(WebApplication App, int CallerPort, int ScrapePort)> StartAsync(bool scrapeConfigured)
    {
        var (callerPort, scrapePort) = (FreePort(), FreePort());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // HTTP/1.1 on both, so that the test can send any Host header it likes.
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{callerPort}",
            ["Kestrel:Endpoints:Management:Url"] = $"http://127.0.0.1:{scrapePort}",
            ["Kestrel:EndpointDefaults:Protocols"] = "Http1",
            ["Metrics:PrometheusPort"] = scrapeConfigured ? scrapePort.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        });
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return (app, callerPort, scrapePort);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
