using System.Net;

namespace HotelBooking.ServiceDefaults;

/// <summary>
/// <c>dotnet App.dll healthcheck URL [--http2]</c> asks a running instance's /health and exits 0 when it
/// answers 2xx, else 1. Container health checks use it: the official .NET images have no curl, and the
/// gRPC services speak only HTTP/2 (prior knowledge), which the check must speak too.
/// </summary>
public static class HealthProbe
{
    public static async Task ExitIfRequestedAsync(string[] args)
    {
        if (args is not ["healthcheck", var url, .. var options])
        {
            return;
        }

        using var client = new HttpClient
        {
            Timeout = TimeSpan.FromSeconds(3),
            DefaultRequestVersion = options.Contains("--http2") ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            Environment.Exit(response.IsSuccessStatusCode ? 0 : 1);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            Environment.Exit(1);
        }
    }
}
