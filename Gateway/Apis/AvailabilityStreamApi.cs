using System.Text.Json;
using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.Gateway.Extensions;
using HotelBooking.Gateway.Security;
using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Gateway.Apis;

/// <summary>
/// The browser's face of WatchAvailability: Server-Sent Events. One gRPC server stream per SSE session,
/// cancelled the moment the browser goes away (the request's abort token is the call's token).
/// </summary>
public static class AvailabilityStreamApi
{
    public static IEndpointRouteBuilder MapAvailabilityStreamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/hotels/{hotelId}/availability/stream", StreamAvailability)
            .WithTags("Hotels")
            .WithName("StreamAvailability")
            .RequireRateLimiting(RateLimitingOptions.SearchesPolicy)
            .LimitOpenStreams()
            .WithSummary("Server-Sent Events: an 'availability' event now and after every change to the stay; a comment every 15 s keeps the connection open.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return app;
    }

    public static async Task<Results<EmptyHttpResult, ValidationProblem>> StreamAvailability(
        string hotelId, string? checkIn, string? checkOut, string? guests, HttpContext http,
        Proto.AvailabilityService.AvailabilityServiceClient availability, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        IOptions<GatewayOptions> gateway, CancellationToken cancellationToken)
    {
        var parsing = new RequestParsing();
        var stay = parsing.StayQuery(checkIn, checkOut, guests);
        var request = new Proto.WatchAvailabilityRequest { HotelId = hotelId, CheckIn = stay.CheckIn, CheckOut = stay.CheckOut, Guests = stay.Guests };
        if (parsing.HasErrors)
        {
            return TypedResults.ValidationProblem(parsing.Errors, title: "The query is invalid.");
        }

        using var call = availability.WatchAvailability(request, cancellationToken: cancellationToken);
        // The first message comes before any byte of the response: a bad query or a service that is down
        // is still a problem response, not a broken stream.
        var next = call.ResponseStream.MoveNext(cancellationToken);
        if (!await next)
        {
            return TypedResults.Empty;
        }

        // Written by hand, not TypedResults.ServerSentEvents: an SseItem cannot be a ": heartbeat" comment, and that result sends "Cache-Control: no-cache,no-store".
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            while (true)
            {
                await WriteEventAsync(http.Response, call.ResponseStream.Current.Availability, json.Value.SerializerOptions, cancellationToken);
                next = call.ResponseStream.MoveNext(cancellationToken);
                while (await Task.WhenAny(next, Task.Delay(gateway.Value.SseHeartbeat, cancellationToken)) != next)
                {
                    await http.Response.WriteAsync(": heartbeat\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                }

                if (!await next)
                {
                    return TypedResults.Empty;
                }
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // The browser went away; disposing the call cancels the gRPC stream.
            return TypedResults.Empty;
        }
        catch (RpcException ex)
        {
            // Too late for a status code: tell the page in the stream, then end it.
            await http.Response.WriteAsync($"event: error\ndata: {JsonSerializer.Serialize(new StreamErrorDto(ex.StatusCode.ToString()), json.Value.SerializerOptions)}\n\n", CancellationToken.None);
            return TypedResults.Empty;
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, Proto.StayAvailability availability, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.Serialize(AvailabilityDto.From(availability), options);
        await response.WriteAsync($"event: availability\ndata: {data}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        // One span for the whole SSE session (the request's), an event per message.
        SpanEvents.AddToCurrent("availability event sent");
    }
}

/// <summary>The data of an SSE <c>error</c> event: the gRPC status that ended the stream.</summary>
public sealed record StreamErrorDto(string Status);
