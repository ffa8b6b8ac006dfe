using HotelBooking.ServiceDefaults.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every internal gRPC service registers besides its own service class.</summary>
public static class GrpcServiceExtensions
{
    public const string FaultsPath = "/_faults";

    /// <summary>gRPC with the fault-injection interceptor, and the gRPC health service.</summary>
    public static IHostApplicationBuilder AddGrpcServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FaultInjectionOptions>()
            .BindConfiguration(FaultInjectionOptions.Section)
            .Validate(o => !(o.Enabled && builder.Environment.IsProduction()), "Fault injection cannot be enabled in Production.")
            .Validate(o => o.FailureRate is >= 0 and <= 1, "FaultInjection:FailureRate must be between 0 and 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new FaultInjector(sp.GetRequiredService<IOptions<FaultInjectionOptions>>().Value));
        builder.Services.AddSingleton<FaultInjectionInterceptor>();

        builder.Services.AddGrpc(options =>
        {
            options.Interceptors.Add<FaultInjectionInterceptor>();
            // No message of this system comes near these; a larger one is refused (RESOURCE_EXHAUSTED).
            options.MaxReceiveMessageSize = 1024 * 1024;
            options.MaxSendMessageSize = 4 * 1024 * 1024;
        });
        builder.Services.AddGrpcHealthChecks();
        return builder;
    }

    /// <summary>
    /// The gRPC health service, and outside Production the fault switches that tests and the Aspire
    /// dashboard's commands use: GET shows them and what was injected, PUT replaces them, DELETE clears them.
    /// </summary>
    public static WebApplication MapGrpcServiceDefaults(this WebApplication app)
    {
        app.MapGrpcHealthChecksService();
        if (app.Environment.IsProduction())
        {
            return app;
        }

        var faults = app.MapGroup(FaultsPath);
        faults.MapGet("/", (FaultInjector injector) => Results.Ok(new { injector.Settings, injector.Counters }));
        faults.MapPut("/", (FaultSettings settings, FaultInjector injector) =>
        {
            if (settings.FailureRate is < 0 or > 1 || settings.FailNext < 0)
            {
                return Results.Problem("failureRate must be 0 to 1 and failNext not negative.", statusCode: 400);
            }

            injector.Apply(settings with { Methods = settings.Methods ?? [] });
            return Results.Ok(new { injector.Settings, injector.Counters });
        });
        faults.MapDelete("/", (FaultInjector injector) =>
        {
            injector.Apply(FaultSettings.None);
            return Results.NoContent();
        });
        return app;
    }
}
