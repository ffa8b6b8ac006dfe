using HotelBooking.EndToEnd.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>
/// Another site's page calls the API from its own origin, in the browser: an origin the gateway allows
/// (Development allows http://localhost:5173) gets answers and the trace header; any other is refused by
/// the browser itself.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CorsTests(SystemFixture system, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [BrowserFact]
    public async Task ThirdPartyPage_AllowedOrigin_CallsTheApiAndReadsTheTraceHeader()
    {
        await using var site = await StaticSite.StartAsync("http://localhost:5173");

        var result = await CallApiFromAsync(site.Origin);

        Assert.Equal("ok:201:trace", result);
    }

    [BrowserFact]
    public async Task ThirdPartyPage_OriginNotAllowed_RefusedByTheBrowser()
    {
        await using var site = await StaticSite.StartAsync("http://127.0.0.1:0");

        var result = await CallApiFromAsync(site.Origin);

        Assert.Equal("blocked", result);
    }

    /// <summary>From a page of <paramref name="origin"/>: a preflighted POST with Idempotency-Key and traceparent.</summary>
    private async Task<string> CallApiFromAsync(string origin)
    {
        var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(origin);
        var (checkIn, checkOut) = TestData.UniqueStay();
        var api = system.Api.BaseAddress!.ToString().TrimEnd('/');
        var result = await page.EvaluateAsync<string>(@"async ([api, body]) => {
            try {
                const response = await fetch(api + '/api/bookings', {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID(),
                               'traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
                    body: JSON.stringify(body) });
                return 'ok:' + response.status + ':' + (response.headers.get('X-Trace-Id') ? 'trace' : 'no-trace');
            } catch { return 'blocked'; }
        }", new object[] { api, TestData.BookingBody(checkIn, checkOut) });
        await context.DisposeAsync();
        return result;
    }

    private sealed class StaticSite : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private StaticSite(WebApplication app) => _app = app;

        public string Origin => _app.Urls.First().TrimEnd('/');

        public static async Task<StaticSite> StartAsync(string url)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(url);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", () => Results.Content("<!doctype html><title>Partner site</title><p>A partner's page.</p>", "text/html"));
            await app.StartAsync();
            return new StaticSite(app);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
