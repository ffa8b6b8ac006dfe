using HotelBooking.Contracts;
using HotelBooking.Gateway.Grpc;
using HotelBooking.Gateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Proto = HotelBooking.Contracts.Booking.V1;

namespace HotelBooking.Gateway.Apis;

public static class BookingsApi
{
    public static IEndpointRouteBuilder MapBookingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/bookings").WithTags("Bookings").ProducesDownstreamProblems();

        api.MapPost("/", CreateBooking)
            .WithName("CreateBooking")
            .WithSummary("Books a room: holds it, charges the card, confirms. Send an Idempotency-Key to retry safely.")
            .RequireRateLimiting(RateLimitingOptions.BookingsPolicy)
            .Accepts<CreateBookingRequest>("application/json")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/{bookingId}", GetBooking)
            .WithName("GetBooking")
            .WithSummary("Gets a booking by its id; the id is the guest's capability to see it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/{bookingId}/cancel", CancelBooking)
            .WithName("CancelBooking")
            .WithSummary("Cancels a confirmed booking: refunds the payment and gives the room back. Cancelling twice is harmless.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return app;
    }

    /// <param name="request">What to book, for whom, and the card token (tok_visa or tok_chargeDeclined).</param>
    /// <param name="idempotencyKey">The Idempotency-Key header, or a key the gateway made up.</param>
    /// <param name="bookings">The booking service.</param>
    /// <param name="deadline">The call's deadline.</param>
    /// <param name="cancellationToken">Aborted with the HTTP request.</param>
    public static async Task<Results<Created<BookingDto>, ValidationProblem>> CreateBooking(
        CreateBookingRequest request,
        IdempotencyKey idempotencyKey,
        Proto.BookingService.BookingServiceClient bookings,
        CallDeadline deadline,
        CancellationToken cancellationToken)
    {
        var parsing = new RequestParsing();
        var grpcRequest = MapToCreateBookingRequest(request, idempotencyKey, parsing);
        if (parsing.HasErrors)
        {
            return TypedResults.ValidationProblem(parsing.Errors, title: "The booking request is invalid.");
        }

        // Not retried here: see GatewayServiceExtensions for why a replay is the caller's to make, with its key.
        var response = await bookings.CreateBookingAsync(grpcRequest, deadline: deadline.FromNow(), cancellationToken: cancellationToken);
        var booking = BookingDto.From(response.Booking);
        return TypedResults.Created($"/api/bookings/{booking.Id}", booking);
    }

    public static async Task<Ok<BookingDto>> GetBooking(
        string bookingId, Proto.BookingService.BookingServiceClient bookings, CallDeadline deadline, CancellationToken cancellationToken)
    {
        var request = new Proto.GetBookingRequest { BookingId = bookingId };
        var response = await RetryOnUnavailable.CallAsync(bookings, request, deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.GetBookingAsync(request, options));
        return TypedResults.Ok(BookingDto.From(response.Booking));
    }

    public static async Task<Ok<BookingDto>> CancelBooking(
        string bookingId, Proto.BookingService.BookingServiceClient bookings, CallDeadline deadline, CancellationToken cancellationToken)
    {
        // Cancelling twice is harmless, so a cancel is retried like a read.
        var request = new Proto.CancelBookingRequest { BookingId = bookingId };
        var response = await RetryOnUnavailable.CallAsync(bookings, request, deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.CancelBookingAsync(request, options));
        return TypedResults.Ok(BookingDto.From(response.Booking));
    }

    private static Proto.CreateBookingRequest MapToCreateBookingRequest(
        CreateBookingRequest request, IdempotencyKey idempotencyKey, RequestParsing parsing)
    {
        var grpcRequest = new Proto.CreateBookingRequest
        {
            RequestId = idempotencyKey.Value,
            HotelId = parsing.Required("hotelId", request.HotelId),
            RoomTypeId = parsing.Required("roomTypeId", request.RoomTypeId),
            CheckIn = parsing.Date("checkIn", request.CheckIn).ToProtoDate(),
            CheckOut = parsing.Date("checkOut", request.CheckOut).ToProtoDate(),
            Guests = parsing.Required("guests", request.Guests),
            Guest = new Proto.Guest
            {
                Name = parsing.Required("guest.name", request.Guest?.Name),
                Email = parsing.Required("guest.email", request.Guest?.Email),
            },
            PaymentToken = parsing.Required("paymentToken", request.PaymentToken),
        };
        // The header's error after the body's, in the order the problem has always listed them.
        if (idempotencyKey.Error is { } error)
        {
            parsing.Errors[IdempotencyKey.HeaderName] = [error];
        }

        return grpcRequest;
    }
}

/// <summary>A booking request. Every field is required; they are nullable so a missing one is reported by name.</summary>
public sealed record CreateBookingRequest(
    string? HotelId,
    string? RoomTypeId,
    string? CheckIn,
    string? CheckOut,
    int? Guests,
    GuestRequest? Guest,
    string? PaymentToken);

public sealed record GuestRequest(string? Name, string? Email);

public sealed record BookingDto(
    string Id,
    string Status,
    string HotelId,
    string RoomTypeId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    GuestDto Guest,
    MoneyDto Total,
    DateTimeOffset CreatedAt)
{
    public static BookingDto From(Proto.Booking booking) => new(
        booking.BookingId,
        booking.Status.ToString(),
        booking.HotelId,
        booking.RoomTypeId,
        booking.CheckIn.ToDateOnly()!.Value,
        booking.CheckOut.ToDateOnly()!.Value,
        booking.Guests,
        new GuestDto(booking.Guest.Name, booking.Guest.Email),
        MoneyDto.From(booking.Total),
        booking.CreateTime.ToDateTimeOffset());
}
