using Grpc.Net.Client;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Harness;

/// <summary>One availability query, with every form the arms send it in, built before the load starts.</summary>
public sealed record StayQuery(string HotelId, DateOnly CheckIn, DateOnly CheckOut, int Guests)
{
    private string Query => $"checkIn={CheckIn:yyyy-MM-dd}&checkOut={CheckOut:yyyy-MM-dd}&guests={Guests}";

    /// <summary>The gateway's REST API.</summary>
    public string GatewayPath => $"/api/hotels/{HotelId}/availability?{Query}";

    /// <summary>Availability's hand-written comparison endpoint (builds before JSON transcoding).</summary>
    public string ComparisonPath => $"/comparison/hotels/{HotelId}/availability?{Query}";

    /// <summary>gRPC JSON transcoding of the proto's google.api.http route; a google.type.Date travels as its fields.</summary>
    public string TranscodedPath =>
        $"/v1/hotels/{HotelId}/availability?checkIn.year={CheckIn.Year}&checkIn.month={CheckIn.Month}&checkIn.day={CheckIn.Day}" +
        $"&checkOut.year={CheckOut.Year}&checkOut.month={CheckOut.Month}&checkOut.day={CheckOut.Day}&guests={Guests}";

    public Proto.GetAvailabilityRequest GrpcRequest { get; } = new()
    {
        HotelId = HotelId,
        CheckIn = CheckIn.ToProtoDate(),
        CheckOut = CheckOut.ToProtoDate(),
        Guests = Guests,
    };
}

/// <summary>
/// Random hotels and stays, the same ones on every run: hotels from the service's ListHotels, check-in within
/// the coming year, 1–7 nights, 1–4 guests, drawn from a seeded Random. Drawn once, before the load, so the
/// client's own cost stays low; call n takes query n modulo the pool's size.
/// </summary>
public sealed class StayPool
{
    public const int Seed = 20261202;
    private const int Size = 4096;
    private readonly StayQuery[] _queries;

    private StayPool(StayQuery[] queries) => _queries = queries;

    /// <summary>What the tables say of the queries.</summary>
    public const string Describe = "hotels from ListHotels, check-in within the year, 1–7 nights, 1–4 guests, seeded";

    public StayQuery this[int sequence] => _queries[Index(sequence)];

    /// <summary>Each query in the form an arm sends it, made before the load: call n sends form n modulo the pool's size.</summary>
    public Func<int, T> Prepared<T>(Func<StayQuery, T> form)
    {
        var prepared = _queries.Select(form).ToArray();
        return sequence => prepared[Index(sequence)];
    }

    /// <summary>Every query in one form, in call order: for outside load generators that cycle through a list.</summary>
    public IEnumerable<T> All<T>(Func<StayQuery, T> form) => _queries.Select(form);

    private int Index(int sequence) => (int)((uint)sequence % (uint)_queries.Length);

    public static async Task<StayPool> FromCatalogueAsync(Uri availabilityGrpc)
    {
        using var channel = GrpcChannel.ForAddress(availabilityGrpc);
        var hotels = await new Proto.AvailabilityService.AvailabilityServiceClient(channel).ListHotelsAsync(new Proto.ListHotelsRequest());
        return Draw([.. hotels.Hotels.Select(h => h.HotelId).Order()]);
    }

    /// <summary>Stays drawn the same way, each for one of the given hotels (or, for a search, the one city).</summary>
    public static StayPool Draw(params string[] hotelIds)
    {
        if (hotelIds.Length == 0)
        {
            throw new InvalidOperationException("ListHotels returned no hotel to query.");
        }

        var random = new Random(Seed);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return new([.. Enumerable.Range(0, Size).Select(_ =>
        {
            var checkIn = today.AddDays(random.Next(1, 366 - 7));
            return new StayQuery(hotelIds[random.Next(hotelIds.Length)], checkIn, checkIn.AddDays(random.Next(1, 8)), random.Next(1, 5));
        })]);
    }
}
