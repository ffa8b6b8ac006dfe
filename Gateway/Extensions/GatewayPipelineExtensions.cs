using HotelBooking.Gateway.Apis;
using HotelBooking.Gateway.Errors;
using HotelBooking.Gateway.Security;

namespace HotelBooking.Gateway.Extensions;

/// <summary>The gateway's middleware, in order, and what it maps: the REST API and the gRPC edge.</summary>
internal static class GatewayPipelineExtensions
{
    /// <summary>Each step sees only the requests the steps before it let through, so the order is the design.</summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        // First, so every response names its trace, the exception handler's included.
        app.UseTraceIdHeader();
        // Around everything that can throw: gRPC errors and unreadable bodies become problem details.
        app.UseExceptionHandler();
        // A bare 404 or 405 (no route, wrong method) gets a problem body too.
        app.UseStatusCodePages();
        // The real client address (for the rate limits below) and the headers every response carries.
        app.UseSecurityHeaders();

        // CORS answers preflights before anything can refuse them. The page's files are served as they are,
        // so only the API's endpoints go through rate limits, authentication and authorization.
        app.UseCors();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAccessControl();

        // Opt-in outside Development: a public map of the API is a choice, not a default.
        if (app.Configuration.GetValue("Gateway:SwaggerEnabled", defaultValue: false))
        {
            app.UseSwagger();
            app.UseSwaggerUI();
        }

        // Last before the endpoints: only the quotes socket upgrades.
        app.UseWebSockets();
        return app;
    }

    /// <summary>REST translated to gRPC, one file per resource in Apis/.</summary>
    public static WebApplication MapGatewayApis(this WebApplication app)
    {
        app.MapHotelsApi();
        app.MapSearchApi();
        app.MapAvailabilityStreamApi();
        app.MapBookingsApi();
        app.MapQuotesSocketApi();
        app.MapInventoryAdminApi();
        return app;
    }

    /// <summary>The gRPC edge: YARP forwards the public methods its configuration names.</summary>
    public static WebApplication MapGrpcEdge(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.LimitOpenStreams();
            // YARP's default pipeline after ours.
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
