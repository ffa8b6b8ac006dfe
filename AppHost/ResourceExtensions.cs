using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace HotelBooking.AppHost;

internal static class ResourceExtensions
{
    /// <summary>
    /// An internal gRPC service on a port Aspire chooses. Its endpoint speaks only HTTP/2 (cleartext gRPC
    /// needs prior knowledge), so its readiness is probed over HTTP/2 too.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddGrpcService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithEndpoint("http", endpoint =>
            {
                // Aspire picks the port. Not proxied: DCP's proxy holds connections to a stopped service
                // open until it returns, which turns "service down" into a hang until the deadline (504);
                // without it a stopped service refuses connections and callers answer 503 at once.
                endpoint.Port = null;
                endpoint.IsProxied = false;
                endpoint.Transport = "http2";
            });

        var endpoint = service.GetEndpoint("http");
        var checkName = $"{name}-http2-health";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            checkName, _ => new Http2HealthCheck(() => new Uri($"{endpoint.Url}/health")), failureStatus: null, tags: null));
        return service.WithHealthCheck(checkName);
    }

    /// <summary>
    /// Gives <paramref name="service"/> its database, migrated and seeded once per run by a one-shot
    /// "<c>name-migrate</c>" resource: the same project with the argument <c>migrate</c>. The service waits
    /// for it to complete and starts with <c>Database:MigrateOnStart=false</c>, as in docker-compose.yml.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMigratedDatabase(
        this IResourceBuilder<ProjectResource> service, ServiceDatabases databases, string connectionName)
    {
        var project = service.Resource.GetProjectMetadata();
        // No launch profile: the job serves nothing, so it needs no endpoint.
        var migrate = service.ApplicationBuilder.AddProject($"{service.Resource.Name}-migrate", project.ProjectPath, launchProfileName: null)
            .WithArgs("migrate");
        databases.Attach(migrate, connectionName);

        return databases.Attach(service, connectionName)
            .WaitForCompletion(migrate)
            .WithEnvironment("Database__MigrateOnStart", "false");
    }

    /// <summary>Prints <paramref name="message"/> to the AppHost's console once the resource is healthy.</summary>
    public static IResourceBuilder<T> AnnounceWhenReady<T>(this IResourceBuilder<T> resource, string message) where T : IResource
    {
        resource.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(resource.Resource, (@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HotelBooking").LogInformation("{Message}", message);
            return Task.CompletedTask;
        });
        return resource;
    }

    private sealed class Http2HealthCheck(Func<Uri> address) : IHealthCheck
    {
        private static readonly HttpClient Client = new()
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(5),
        };

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var response = await Client.GetAsync(address(), cancellationToken);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"/health answered {(int)response.StatusCode}");
            }
            catch (HttpRequestException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        }
    }
}
