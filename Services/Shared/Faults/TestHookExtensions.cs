using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HotelBooking.Services.Shared.Faults;

/// <summary>
/// Fault injection for tests and demos, registered only outside Production: there the service has neither
/// the interceptor nor the <c>/_faults</c> endpoints, and a configuration that turns it on refuses to start.
/// </summary>
public static class TestHookExtensions
{
    public const string FaultsPath = "/_faults";

    /// <summary>
    /// Outside Production: the <see cref="FaultInjector"/> and its interceptor in front of every gRPC method.
    /// In Production: only the check that <c>FaultInjection:Enabled</c> is not set.
    /// </summary>
    public static IHostApplicationBuilder AddTestHooks(this IHostApplicationBuilder builder)
    {
        var options = builder.Services.AddOptions<FaultInjectionOptions>().BindConfiguration(FaultInjectionOptions.Section);
        if (builder.Environment.IsProduction())
        {
            options.Validate(o => !o.Enabled, "Fault injection cannot be enabled in Production.").ValidateOnStart();
            return builder;
        }

        options.Validate(o => o.FailureRate is >= 0 and <= 1, "FaultInjection:FailureRate must be between 0 and 1.").ValidateOnStart();
        builder.Services.AddSingleton(sp => new FaultInjector(sp.GetRequiredService<IOptions<FaultInjectionOptions>>().Value));
        builder.Services.AddSingleton<FaultInjectionInterceptor>();
        builder.Services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<FaultInjectionInterceptor>());
        return builder;
    }

    /// <summary>
    /// Outside Production, the fault switches that tests and the Aspire dashboard's commands use: GET shows
    /// them and what was injected, PUT replaces them, DELETE clears them.
    /// </summary>
    public static WebApplication MapTestHooks(this WebApplication app)
    {
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
