using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every HotelBooking process shares: OpenTelemetry, health endpoints, service discovery and
/// HTTP resilience. Each service calls <see cref="AddServiceDefaults{TBuilder}"/> first thing.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    // The gRPC services' fault switches (Services/Shared/Faults, outside Production): test traffic, not traced.
    private const string FaultsPath = "/_faults";
    // Where a Prometheus server may scrape this process's metrics: a port of its own (docker-compose.yml's
    // Kestrel endpoint "Management", HTTP/1.1 as Prometheus speaks it), never the gRPC port. It must be the
    // port that endpoint listens on, or /metrics answers nowhere. Unset: no scrape endpoint.
    private const string PrometheusPortKey = "Metrics:PrometheusPort";
    private const string MetricsPath = "/metrics";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Retries here only ever replay GET/HEAD/OPTIONS/…: every gRPC call is a POST, and a POST
            // replayed by a generic HTTP handler could book or charge twice. gRPC clients get their
            // own per-method retry policy instead (see GrpcClientExtensions).
            http.AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // The specification's switch for no telemetry at all (the tracing benchmark's "off" arm).
        if (string.Equals(builder.Configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            // Exported records take their trace and span ids from the current activity, not from scopes;
            // copying every scope into every record is work per log call that no query here reads.
            logging.IncludeScopes = false;
        });
        // Console lines carry the trace and span ids too (only what is needed: no parent id, tags or baggage).
        builder.Logging.Configure(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        // Decided where a trace starts, followed everywhere after it (TraceSampling), unless OTEL_TRACES_SAMPLER says otherwise.
        var sampler = TraceSampling.DefaultSampler(builder.Configuration);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("HotelBooking.*")
                .DropUnchartedInstruments()
                .AddPrometheusExporterWhenConfigured(builder.Configuration))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("HotelBooking.*")
                .AddAspNetCoreInstrumentation(options =>
                    // Probes and scrapes are noise in a trace view.
                    options.Filter = context => !IsProbeOrScrape(context.Request.Path))
                // The gRPC client span is the parent of the server span in the other service; the HTTP
                // span beneath it would only repeat it.
                .AddGrpcClientInstrumentation(options => options.SuppressDownstreamInstrumentation = true)
                .AddHttpClientInstrumentation(options =>
                    options.FilterHttpRequestMessage = request => request.RequestUri?.AbsolutePath.StartsWith(FaultsPath) != true)
                .AddProcessor(new GrpcSpanConventions()));
        if (sampler is not null)
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(sampler));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>
    /// Maps /health (ready: every check passes) and /alive (the process answers) in every environment:
    /// compose and orchestrators probe them outside Development too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });
        if (app.Configuration.GetValue<int?>(PrometheusPortKey) is { } port)
        {
            // Only for connections to the scrape port, whatever Host header they send: the gRPC port
            // serves callers, the scrape port only Prometheus.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Connection.LocalPort == port && context.Request.Path == MetricsPath);
        }

        return app;
    }

    /// <summary>
    /// Instruments recorded on every request or call that no dashboard, alert or document here uses
    /// (docs/observability.md lists what is kept). A dropped instrument has no listener, so the code that
    /// records it skips building its tags too. Kept: http.server.request.duration,
    /// http.client.request.duration, the connection-level kestrel.* and http.client.* instruments,
    /// aspnetcore.rate_limiting.requests (rejections) and everything of HotelBooking.* and the runtime.
    /// </summary>
    private static MeterProviderBuilder DropUnchartedInstruments(this MeterProviderBuilder metrics)
    {
        string[] uncharted =
        [
            "http.server.active_requests",
            "aspnetcore.routing.match_attempts",
            "http.client.active_requests",
            "http.client.request.time_in_queue",
            "aspnetcore.rate_limiting.active_request_leases",
            "aspnetcore.rate_limiting.request_lease.duration",
            "aspnetcore.rate_limiting.queued_requests",
            "aspnetcore.rate_limiting.request.time_in_queue",
        ];
        foreach (var instrument in uncharted)
        {
            metrics.AddView(instrument, MetricStreamConfiguration.Drop);
        }

        return metrics;
    }

    private static MeterProviderBuilder AddPrometheusExporterWhenConfigured(this MeterProviderBuilder metrics, IConfiguration configuration) =>
        configuration.GetValue<int?>(PrometheusPortKey) is null ? metrics : metrics.AddPrometheusExporter();

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(MetricsPath) || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments("/grpc.health.v1.Health") || path.StartsWithSegments(FaultsPath);
}
