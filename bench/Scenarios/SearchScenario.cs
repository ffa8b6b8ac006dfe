using System.Text;
using Grpc.Net.Client;
using HotelBooking.Bench.Harness;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// A city's offers (SearchHotels: each hotel's cheapest fitting room, cheapest first; the first page of 20)
/// for the city ListCities gives the most hotels, with random stays: GET /api/search through the gateway,
/// SearchHotels straight to the service and through the gateway's YARP, and the service's own transcoded
/// REST/JSON. Arms alternate within each round; the figure that matters is availability's CPU per query.
/// </summary>
public static class SearchScenario
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var system = await BenchSystem.StartAsync(new SystemOptions());
        var city = await BiggestCityAsync(system.AvailabilityGrpc);
        var pool = StayPool.Draw(city.Name);
        var escaped = Uri.EscapeDataString(city.Name);
        List<ReadPathsScenario.Arm> arms =
        [
            new("gRPC direct", "", "client → availability SearchHotels (HTTP/2)", system, Grpc(system.AvailabilityGrpc, pool), "availability"),
            new("REST via gateway", "", "client → gateway GET /api/search → gRPC → availability", system,
                ReadPathsScenario.Rest(system.GatewayRest, pool, q => $"/api/search?city={escaped}&checkIn={q.CheckIn:yyyy-MM-dd}&checkOut={q.CheckOut:yyyy-MM-dd}&guests={q.Guests}"),
                "gateway", "availability"),
            new("gRPC via YARP", "", "client → gateway's YARP (HTTP/2) → availability SearchHotels", system, Grpc(system.GatewayGrpc, pool), "gateway", "availability"),
            new("REST direct", "", "client → availability's transcoded GET /v1/cities/{city}/offers (HTTP/1.1)", system,
                ReadPathsScenario.Rest(system.AvailabilityRest, pool, q => $"/v1/cities/{escaped}/offers?checkIn.year={q.CheckIn.Year}&checkIn.month={q.CheckIn.Month}&checkIn.day={q.CheckIn.Day}" +
                    $"&checkOut.year={q.CheckOut.Year}&checkOut.month={q.CheckOut.Month}&checkOut.day={q.CheckOut.Day}&guests={q.Guests}"),
                "availability"),
        ];
        if (system.Checkout.HasComparisonEndpoint)
        {
            arms.RemoveAll(a => a.Name == "REST direct"); // a build without transcoding has no REST search of its own
        }

        await ReadPathsScenario.ProbeAsync(arms);
        var (results, warmUp) = await ReadPathsScenario.MeasureAsync([system], arms, options, options.Concurrencies(1, 32));

        var table = new StringBuilder()
            .AppendLine($"### search: the offers of {city.Name} ({city.HotelCount} hotels; first page, 20 offers at most), random stays, " +
                $"{options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine($"Servers {warmUp}. Medians of the rounds, (min–max) across them; CPU is the process's user + system time over the round, divided by the queries.")
            .AppendLine()
            .AppendLine("| path | concurrency | queries/s | p50 µs | p99 µs | gateway CPU µs/query | availability CPU µs/query | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var ((arm, concurrency), rounds) in results)
        {
            table.AppendLine($"| {arm} | {concurrency} | {Statistics.Spread([.. rounds.Select(r => r.PerSecond)])} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.P50)])} | {Statistics.Spread([.. rounds.Select(r => r.P99)])} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.CpuPerCall.GetValueOrDefault("gateway", double.NaN))], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.CpuPerCall["availability"])], "N1")} | {rounds.Sum(r => r.Errors)} |");
        }

        foreach (var failure in results.Values.SelectMany(r => r).Select(r => r.FirstError).OfType<string>().Distinct())
        {
            table.AppendLine().AppendLine($"error: {failure}");
        }

        var cpu = results.TryGetValue(("gRPC direct", 32), out var direct) ? Statistics.Median(direct.Select(r => r.CpuPerCall["availability"])) : double.NaN;
        table.AppendLine()
            .AppendLine("| goal | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal($"availability CPU per city search, gRPC direct ({city.HotelCount} hotels, concurrency 32) ≤ 150 µs", cpu, "0.0 µs", cpu <= 150));
        Console.WriteLine(table);
        return results.Values.SelectMany(r => r).Sum(r => r.Errors) == 0 ? 0 : 1;
    }

    private static async Task<Proto.City> BiggestCityAsync(Uri availability)
    {
        using var channel = GrpcChannel.ForAddress(availability);
        var cities = await new Proto.AvailabilityService.AvailabilityServiceClient(channel).ListCitiesAsync(new Proto.ListCitiesRequest());
        return cities.Cities.OrderByDescending(c => c.HotelCount).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("ListCities returned no city.");
    }

    /// <summary>The search's pool holds the city where a hotel id would be.</summary>
    private static Func<int, Func<int, Task>> Grpc(Uri address, StayPool pool) => _ =>
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false, UseProxy = false },
        });
        var client = new Proto.AvailabilityService.AvailabilityServiceClient(channel);
        var request = pool.Prepared(q => new Proto.SearchHotelsRequest
        {
            City = q.HotelId,
            CheckIn = q.GrpcRequest.CheckIn,
            CheckOut = q.GrpcRequest.CheckOut,
            Guests = q.Guests,
        });
        return async sequence => await client.SearchHotelsAsync(request(sequence));
    };
}
