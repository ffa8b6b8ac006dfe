using System.Diagnostics;
using HotelBooking.Gateway.Apis;
using HotelBooking.Gateway.Errors;
using HotelBooking.Gateway.Grpc;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;
using BookingProto = HotelBooking.Contracts.Booking.V1;

namespace HotelBooking.Gateway.Extensions;

internal static class GatewayServiceExtensions
{
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Every failure, ours or a downstream's, leaves as RFC 9457 problem details with the trace id.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Type ??= $"https://httpwg.org/specs/rfc9110.html#status.{problem.Status}";
            problem.Detail ??= problem.Title;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.AddBookingIdRedaction();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
            kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes);
        // Malformed bodies throw, in every environment, so the exception handler can name the bad field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options => options.SerializerOptions.MaxDepth = 16);

        // Other browser apps may call the API from the origins configured here (none unless configured).
        var allowedOrigins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(options => options.AddDefaultPolicy(policy => policy
            .WithOrigins(allowedOrigins)
            .WithMethods("GET", "POST")
            .WithHeaders("Content-Type", "Accept", IdempotencyKey.HeaderName, "traceparent", "tracestate")
            .WithExposedHeaders(TraceHeaders.TraceId, "Location", "Retry-After", IdempotencyKey.HeaderName)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new()
            {
                Title = "HotelBooking public API",
                Version = "v1",
                Description = "REST at the edge of a system of gRPC services: hotels, availability (also as Server-Sent Events), "
                    + "bookings with idempotency keys, and RFC 9457 problem details for every error.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, "Gateway.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }

            options.OperationFilter<IdempotencyKey.OpenApiHeader>();
        });

        // Translation targets. Reads are retried, and CancelBooking is idempotent. CreateBooking is not: a
        // replay of a saga that stopped half-way would only meet its own pending booking (409); the caller
        // gets a 503 naming the booking and the Idempotency-Key to retry with instead.
        services.AddSingleton<DeadlineInterceptor>();
        services
            .AddInternalGrpcClient<AvailabilityProto.AvailabilityService.AvailabilityServiceClient>(
                "http://availability", AvailabilityProto.AvailabilityService.Descriptor.FullName,
                "ListCities", "ListHotels", "GetHotel", "SearchHotels", "GetAvailability")
            .AddInterceptor<DeadlineInterceptor>();
        services
            .AddInternalGrpcClient<BookingProto.BookingService.BookingServiceClient>(
                "http://booking", BookingProto.BookingService.Descriptor.FullName,
                "GetBooking", "CancelBooking")
            .AddInterceptor<DeadlineInterceptor>();

        // The gRPC edge: routes come from configuration and name each public method.
        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();

        return builder;
    }
}
