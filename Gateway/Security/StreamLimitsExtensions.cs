using Yarp.ReverseProxy.Model;

namespace HotelBooking.Gateway.Security;

/// <summary>
/// Where <see cref="StreamLimits"/> applies: the SSE and WebSocket endpoints (an endpoint filter) and the gRPC
/// edge's routes marked with <c>"Metadata": { "OpenStream": "true" }</c> (a step of YARP's proxy pipeline).
/// </summary>
internal static class StreamLimitsExtensions
{
    public const string OpenStreamMetadata = "OpenStream";

    public static WebApplicationBuilder AddStreamLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StreamLimitOptions>()
            .BindConfiguration(StreamLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<StreamLimits>();
        return builder;
    }

    /// <summary>Each request to this endpoint holds a place among the open streams for as long as it runs.</summary>
    public static TBuilder LimitOpenStreams<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var limits = context.HttpContext.RequestServices.GetRequiredService<StreamLimits>();
            using var admission = limits.TryOpen(context.HttpContext);
            return admission.Refusal switch
            {
                null => await next(context),
                StreamRefusal.ClientAtLimit => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many open streams.",
                    detail: $"This client has {limits.Options.PerClient} streams open, its maximum; close one or try again in {limits.Options.RetryAfterSeconds} s."),
                _ => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The gateway serves as many streams as it can.",
                    detail: $"Try again in {limits.Options.RetryAfterSeconds} s."),
            };
        });

    /// <summary>
    /// The same limits on the gRPC edge. A refusal is a trailers-only gRPC response, the form gRPC clients
    /// read as a status: RESOURCE_EXHAUSTED for a client at its limit, UNAVAILABLE for a full gateway.
    /// </summary>
    public static IReverseProxyApplicationBuilder LimitOpenStreams(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (http, next) =>
        {
            if (http.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(OpenStreamMetadata) != "true")
            {
                await next();
                return;
            }

            var limits = http.RequestServices.GetRequiredService<StreamLimits>();
            using var admission = limits.TryOpen(http);
            if (admission.Refusal is not { } refusal)
            {
                await next();
                return;
            }

            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = refusal == StreamRefusal.ClientAtLimit ? "8" : "14";
            http.Response.Headers["grpc-message"] = refusal == StreamRefusal.ClientAtLimit
                ? $"This client has {limits.Options.PerClient} streams open, its maximum."
                : "The gateway serves as many streams as it can; try again shortly.";
        });
        return proxy;
    }
}
