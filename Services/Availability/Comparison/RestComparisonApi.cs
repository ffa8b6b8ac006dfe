using HotelBooking.Availability.Quotes;
using HotelBooking.Contracts.Common.V1;

namespace HotelBooking.Availability.Comparison;

/// <summary>
/// <c>GET /comparison/hotels/{hotelId}/availability</c>: the availability query as REST/JSON straight from
/// this service, for the read-paths benchmark (bench/) only. It runs the same quoter as the gRPC method
/// and answers the gateway's JSON shape, so the benchmark can tell the protocol's cost from the gateway's.
/// Mapped by <see cref="Extensions.BenchmarkAndDiagnosticEndpoints"/>, never in Production.
/// </summary>
internal static class RestComparisonApi
{
    public static IEndpointRouteBuilder MapRestComparison(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/comparison/hotels/{hotelId}/availability", GetAvailability);
        return endpoints;
    }

    private static async Task<IResult> GetAvailability(
        string hotelId, DateOnly checkIn, DateOnly checkOut, int guests, StayQuoter quoter, CancellationToken cancellationToken)
    {
        var criteria = await quoter.CheckAsync(new QuoteCriteria(hotelId, checkIn, checkOut, guests), cancellationToken);
        return criteria switch
        {
            { Target: { } target } => TypedResults.Ok(AvailabilityJson.From(await quoter.QuoteAsync(target, cancellationToken))),
            { Outcome: CriteriaOutcome.HotelNotFound } => TypedResults.Problem($"Hotel '{hotelId}' was not found.", statusCode: 404),
            _ => TypedResults.Problem(string.Join(" ", criteria.Problems.Select(p => p.Message)), statusCode: 400),
        };
    }

    private sealed record AvailabilityJson(string HotelId, DateOnly CheckIn, DateOnly CheckOut, int Guests, RoomJson[] Rooms)
    {
        public static AvailabilityJson From(StayAvailability quote) => new(quote.HotelId, quote.Stay.CheckIn, quote.Stay.CheckOut, quote.Guests,
            [.. quote.Rooms.Select(r => new RoomJson(r.RoomTypeId, r.Name, r.Capacity, r.Available,
                new(Money.FromMinor(r.TotalMinor, quote.Currency).ToDecimal(), quote.Currency)))]);
    }

    private sealed record RoomJson(string RoomTypeId, string Name, int Capacity, int Available, MoneyJson TotalPrice);

    private sealed record MoneyJson(decimal Amount, string Currency);
}
