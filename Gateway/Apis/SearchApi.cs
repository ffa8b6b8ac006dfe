using HotelBooking.Gateway.Grpc;
using HotelBooking.Gateway.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Gateway.Apis;

/// <summary>Finding a hotel by city: the cities there are, and a city's best offer per hotel for a stay.</summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Search").ProducesDownstreamProblems()
            .RequireRateLimiting(RateLimitingOptions.SearchesPolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGet("/cities", ListCities)
            .WithName("ListCities")
            .WithSummary("Lists the cities that have hotels, with how many each has, by name.")
            .WithDescription("The names are what GET /api/search takes as `city`.");

        api.MapGet("/search", SearchHotels)
            .WithName("SearchHotels")
            .WithSummary("The hotels of a city that can take a stay, each with its cheapest fitting room type, cheapest first.")
            .WithDescription("For each hotel, the cheapest room type that sleeps the guests and is free on every night of the "
                + "stay, with the rooms free and the stay's total price; hotels with nothing free are left out. Sorted by "
                + "total price, then hotel id. Paged: pass a page's `nextPageToken` as `pageToken`, with the same other "
                + "parameters, for the next page; it is null on the last page.");

        return app;
    }

    public static async Task<Ok<CityDto[]>> ListCities(
        Proto.AvailabilityService.AvailabilityServiceClient availability, CallDeadline deadline, CancellationToken cancellationToken)
    {
        var response = await RetryOnUnavailable.CallAsync(availability, new Proto.ListCitiesRequest(), deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.ListCitiesAsync(request, options));
        return TypedResults.Ok(response.Cities.Select(CityDto.From).ToArray());
    }

    /// <param name="city">A city's name, as GET /api/cities gives it (case-insensitive).</param>
    /// <param name="checkIn">First night, YYYY-MM-DD; today or later.</param>
    /// <param name="checkOut">Departure day, YYYY-MM-DD; 1 to 30 nights after check-in.</param>
    /// <param name="guests">How many guests share one room.</param>
    /// <param name="pageSize">At most this many offers (optional): 20 when left out or 0, 100 at most.</param>
    /// <param name="pageToken">The previous page's <c>nextPageToken</c>, to go on from there (optional).</param>
    /// <param name="availability">The availability service.</param>
    /// <param name="deadline">The deadline of the call.</param>
    /// <param name="cancellationToken">Aborted with the HTTP request.</param>
    public static async Task<Results<Ok<SearchResultDto>, ValidationProblem>> SearchHotels(
        string? city, string? checkIn, string? checkOut, string? guests, string? pageSize, string? pageToken,
        Proto.AvailabilityService.AvailabilityServiceClient availability, CallDeadline deadline, CancellationToken cancellationToken)
    {
        var parsing = new RequestParsing();
        var stay = parsing.StayQuery(checkIn, checkOut, guests);
        var request = new Proto.SearchHotelsRequest
        {
            City = parsing.Required("city", city),
            CheckIn = stay.CheckIn,
            CheckOut = stay.CheckOut,
            Guests = stay.Guests,
            PageSize = string.IsNullOrEmpty(pageSize) ? 0 : parsing.Integer("pageSize", pageSize),
            PageToken = pageToken ?? "",
        };
        if (parsing.HasErrors)
        {
            return TypedResults.ValidationProblem(parsing.Errors, title: "The query is invalid.");
        }

        var response = await RetryOnUnavailable.CallAsync(availability, request, deadline.FromNow(), cancellationToken,
            static (client, request, options) => client.SearchHotelsAsync(request, options));
        return TypedResults.Ok(SearchResultDto.From(request, response));
    }
}
