using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;

namespace HotelBooking.AppHost;

/// <summary>
/// Dashboard buttons that switch a service's injected faults (its /_faults endpoint, which exists outside
/// Production only): for demos of retries, 503s and saga recovery without touching configuration.
/// </summary>
internal static class FaultCommands
{
    private static readonly HttpClient Client = new()
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(5),
    };

    public static IResourceBuilder<ProjectResource> WithFaultInjectionCommands(this IResourceBuilder<ProjectResource> service)
    {
        if (!service.ApplicationBuilder.Environment.IsDevelopment())
        {
            return service;
        }

        var endpoint = service.GetEndpoint("http");
        return service
            .WithCommand("faults-flaky", "Faults: 20% unavailable + latency",
                _ => PutAsync(endpoint, new { failureRate = 0.2, maxLatency = "00:00:00.200", failNext = 0, methods = Array.Empty<string>() }),
                new CommandOptions { Description = "Every call fails with UNAVAILABLE one time in five and waits up to 200 ms.", IconName = "Warning" })
            .WithCommand("faults-fail-next", "Faults: fail the next 5 calls",
                _ => PutAsync(endpoint, new { failureRate = 0.0, maxLatency = "00:00:00", failNext = 5, methods = Array.Empty<string>() }),
                new CommandOptions { Description = "The next five calls fail with UNAVAILABLE; retries should hide them.", IconName = "ErrorCircle" })
            .WithCommand("faults-clear", "Faults: clear",
                async _ =>
                {
                    using var response = await Client.DeleteAsync(new Uri(new Uri(endpoint.Url), "/_faults"));
                    return Result(response);
                },
                new CommandOptions { Description = "No more injected faults.", IconName = "Checkmark" });
    }

    private static async Task<ExecuteCommandResult> PutAsync(EndpointReference endpoint, object settings)
    {
        using var response = await Client.PutAsJsonAsync(new Uri(new Uri(endpoint.Url), "/_faults"), settings);
        return Result(response);
    }

    private static ExecuteCommandResult Result(HttpResponseMessage response) => response.IsSuccessStatusCode
        ? CommandResults.Success()
        : CommandResults.Failure($"The service answered {(int)response.StatusCode}.");
}
