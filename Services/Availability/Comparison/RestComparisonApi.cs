using Grpc.Core;
using HotelBooking.Availability.Quotes;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Availability.Comparison;

/// <summary>
/// <c>GET /comparison/hotels/{hotelId}/availability</c>: the availability query as REST/JSON straight from
/// this service, for the read-paths benchmark (bench/) only. It runs the same quoter as the gRPC method
/// and answers the gateway's JSON shape, so the benchmark can tell the protocol's cost from the gateway's.
/// Mapped only when <c>Comparison:RestEndpoint</c> is true; nothing else calls it.
/// </summary>
public static class RestComparisonApi
{
    public static WebApplication MapRestComparison(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>("Comparison:RestEndpoint"))
        {
            app.MapGet("/comparison/hotels/{hotelId}/availability", GetAvailability);
        }

        return app;
    }

    private static async Task<IResult> GetAvailability(
        string hotelId, DateOnly checkIn, DateOnly checkOut, int guests, StayQuoter quoter, CancellationToken cancellationToken)
    {
        try
        {
            var stay = quoter.Validate(checkIn.ToProtoDate(), checkOut.ToProtoDate(), guests);
            var hotel = await quoter.FindHotelAsync(hotelId, cancellationToken);
            var quote = await quoter.QuoteAsync(hotel, stay, guests, cancellationToken);
            return TypedResults.Ok(new AvailabilityJson(quote.HotelId, checkIn, checkOut, quote.Guests,
                [.. quote.Rooms.Select(RoomJson.From)]));
        }
        catch (RpcException e)
        {
            return TypedResults.Problem(e.Status.Detail, statusCode: e.StatusCode == StatusCode.NotFound ? 404 : 400);
        }
    }

    private sealed record AvailabilityJson(string HotelId, DateOnly CheckIn, DateOnly CheckOut, int Guests, RoomJson[] Rooms);

    private sealed record RoomJson(string RoomTypeId, string Name, int Capacity, int Available, MoneyJson TotalPrice)
    {
        public static RoomJson From(Proto.RoomAvailability room) => new(room.RoomTypeId, room.Name, room.Capacity, room.Available,
            new(room.TotalPrice.ToDecimal(), room.TotalPrice.CurrencyCode));
    }

    private sealed record MoneyJson(decimal Amount, string Currency);
}
