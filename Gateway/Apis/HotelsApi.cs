using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.Gateway.Grpc;
using HotelBooking.Gateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Gateway.Apis;

public static class HotelsApi
{
    public static IEndpointRouteBuilder MapHotelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/hotels").WithTags("Hotels").ProducesDownstreamProblems()
            .RequireRateLimiting(RateLimitingOptions.SearchesPolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/", ListHotels)
            .WithName("ListHotels")
            .WithSummary("Lists the hotels, optionally in one city, with their room types.");

        api.MapGet("/{hotelId}", GetHotel)
            .WithName("GetHotel")
            .WithSummary("Gets one hotel with its room types.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{hotelId}/availability", GetAvailability)
            .WithName("GetAvailability")
            .WithSummary("Room types that fit the guests, with rooms free for every night of the stay and its total price.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    public static async Task<Ok<HotelDto[]>> ListHotels(
        string? city, Proto.AvailabilityService.AvailabilityServiceClient availability, CallDeadline deadline, CancellationToken cancellationToken)
    {
        var request = new Proto.ListHotelsRequest { City = city ?? "" };
        var response = await RetryOnUnavailable.CallAsync(availability, request, deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.ListHotelsAsync(request, options));
        return TypedResults.Ok(response.Hotels.Select(HotelDto.From).ToArray());
    }

    public static async Task<Ok<HotelDto>> GetHotel(
        string hotelId, Proto.AvailabilityService.AvailabilityServiceClient availability, CallDeadline deadline, CancellationToken cancellationToken)
    {
        var request = new Proto.GetHotelRequest { HotelId = hotelId };
        var response = await RetryOnUnavailable.CallAsync(availability, request, deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.GetHotelAsync(request, options));
        return TypedResults.Ok(HotelDto.From(response.Hotel));
    }

    /// <param name="hotelId">The hotel's id, as listed by GET /api/hotels.</param>
    /// <param name="checkIn">First night, YYYY-MM-DD; today or later.</param>
    /// <param name="checkOut">Departure day, YYYY-MM-DD; 1 to 30 nights after check-in.</param>
    /// <param name="guests">How many guests share one room.</param>
    /// <param name="availability">The availability service.</param>
    /// <param name="deadline">The call's deadline.</param>
    /// <param name="cancellationToken">Aborted with the HTTP request.</param>
    public static async Task<Results<Ok<AvailabilityDto>, ValidationProblem>> GetAvailability(
        string hotelId, string? checkIn, string? checkOut, string? guests,
        Proto.AvailabilityService.AvailabilityServiceClient availability, CallDeadline deadline, CancellationToken cancellationToken)
    {
        var parsing = new RequestParsing();
        var stay = parsing.StayQuery(checkIn, checkOut, guests);
        var request = new Proto.GetAvailabilityRequest { HotelId = hotelId, CheckIn = stay.CheckIn, CheckOut = stay.CheckOut, Guests = stay.Guests };
        if (parsing.HasErrors)
        {
            return TypedResults.ValidationProblem(parsing.Errors, title: "The query is invalid.");
        }

        var response = await RetryOnUnavailable.CallAsync(availability, request, deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.GetAvailabilityAsync(request, options));
        // An availability service older than this contract answers without the stay (a mixed-version roll-out):
        // a 503 to retry, not a 500.
        return response.Availability is { } answer
            ? TypedResults.Ok(AvailabilityDto.From(answer))
            : throw new RpcException(new Status(StatusCode.Unavailable, "The availability service answered in an older contract."));
    }
}

public sealed record HotelDto(string Id, string Name, string City, RoomTypeDto[] RoomTypes)
{
    public static HotelDto From(Proto.Hotel hotel) => new(
        hotel.HotelId,
        hotel.Name,
        hotel.City,
        hotel.RoomTypes.Select(r => new RoomTypeDto(r.RoomTypeId, r.Name, r.Capacity, MoneyDto.From(r.NightlyRate))).ToArray());
}

public sealed record RoomTypeDto(string Id, string Name, int Capacity, MoneyDto NightlyRate);

public sealed record AvailabilityDto(string HotelId, DateOnly CheckIn, DateOnly CheckOut, int Guests, RoomAvailabilityDto[] Rooms)
{
    public static AvailabilityDto From(Proto.StayAvailability availability) => new(
        availability.HotelId, availability.CheckIn.ToDateOnly()!.Value, availability.CheckOut.ToDateOnly()!.Value,
        availability.Guests, availability.Rooms.Select(RoomAvailabilityDto.From).ToArray());
}

public sealed record RoomAvailabilityDto(string RoomTypeId, string Name, int Capacity, int Available, MoneyDto TotalPrice)
{
    public static RoomAvailabilityDto From(Proto.RoomAvailability room) =>
        new(room.RoomTypeId, room.Name, room.Capacity, room.Available, MoneyDto.From(room.TotalPrice));
}
