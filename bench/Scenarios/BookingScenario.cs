using System.Net;
using System.Net.Http.Json;
using System.Text;
using Grpc.Net.Client;
using HotelBooking.Bench.Harness;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// The whole saga through the gateway (REST → booking → availability hold → payment charge → confirm,
/// three databases): bookings/s and latency at concurrency 1, 8 and 32, arms alternating, on SQLite and,
/// given <c>--postgres "server connection string"</c>, on PostgreSQL too. Each booking is a different
/// stay, and the run first imports plenty of rooms, so bookings compete for the database, not for the last
/// room; a 409 (sold out) is counted apart and is not a booking.
/// </summary>
public static class BookingScenario
{
    /// <summary>The seeded room types the run books: (hotel id, room type id).</summary>
    private static readonly (string Hotel, string RoomType)[] RoomTypes =
    [
        .. new[]
        {
            "alfama-riverside/single", "alfama-riverside/double", "alfama-riverside/family",
            "spree-loft/single", "spree-loft/double", "spree-loft/loft", "spree-loft/penthouse",
            "harbour-view/double", "harbour-view/twin",
        }.Select(r => r.Split('/') switch { var p => (p[0], $"{p[0]}-{p[1]}") }),
    ];

    /// <summary>Rooms per night the run imports for every room type it books, far more than a run sells.</summary>
    private const int RoomsPerNight = 5_000;
    private const int FirstNight = 10;
    private const int LastNight = 357;

    /// <summary>One round: confirmed bookings/s, latency of every call, and CPU per confirmed booking.</summary>
    public sealed record Round(double PerSecond, double P50, double P99, int SoldOut, int Errors, string? FirstError, Dictionary<string, double> CpuPerBooking);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var report = new StringBuilder();
        var errors = 0;
        foreach (var (provider, server) in Providers(options))
        {
            await using var system = await BenchSystem.StartAsync(new SystemOptions { Bookings = true, PostgresServer = server });
            var (results, warmUp) = await MeasureAsync(system, options, options.Concurrencies(1, 8, 32));
            errors += results.Values.SelectMany(r => r).Sum(r => r.Errors);
            report.AppendLine(Table($"{provider}", results, options, warmUp));
        }

        Console.WriteLine(report);
        return errors == 0 ? 0 : 1;
    }

    public static IEnumerable<(string Provider, string? Server)> Providers(BenchOptions options) =>
        options.Postgres is null ? [("SQLite", null)] : [("SQLite", null), ("PostgreSQL", options.Postgres)];

    public static async Task<(Dictionary<int, List<Round>> Results, WarmUpResult WarmUp)> MeasureAsync(
        BenchSystem system, BenchOptions options, int[] concurrencies)
    {
        await ImportRoomsAsync(system);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false })
        {
            BaseAddress = system.GatewayRest,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var soldOut = 0;
        async Task Book(int sequence)
        {
            var (hotel, room) = RoomTypes[Random.Shared.Next(RoomTypes.Length)];
            var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(Random.Shared.Next(FirstNight, LastNight - 2));
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
            {
                Content = JsonContent.Create(new
                {
                    hotelId = hotel,
                    roomTypeId = room,
                    checkIn,
                    checkOut = checkIn.AddDays(Random.Shared.Next(1, 3)),
                    guests = 1,
                    guest = new { name = "Bench Guest", email = "bench@example.com" },
                    paymentToken = "tok_visa",
                }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                Interlocked.Increment(ref soldOut);
                return;
            }

            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        var results = concurrencies.ToDictionary(c => c, _ => new List<Round>());
        var warmUp = await WarmUp.UntilJitSettlesAsync(system, options, async slice =>
        {
            foreach (var concurrency in concurrencies)
            {
                await Load.RunAsync(concurrency, slice / concurrencies.Length, Book);
            }
        });

        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var concurrency in concurrencies)
            {
                var soldOutBefore = soldOut;
                var cpuBefore = system.Processes.ToDictionary(p => p.Name, p => p.CpuTime);
                var load = await Load.RunAsync(concurrency, options.Duration, Book);
                var booked = load.Calls - (soldOut - soldOutBefore);
                var cpu = system.Processes.ToDictionary(p => p.Name,
                    p => booked > 0 ? (p.CpuTime - cpuBefore[p.Name]).TotalMilliseconds / booked : double.NaN);
                results[concurrency].Add(new Round(booked / load.Elapsed.TotalSeconds, load.Percentile(0.50), load.Percentile(0.99),
                    soldOut - soldOutBefore, load.Errors, load.FirstError, cpu));
            }
        }

        return (results, warmUp);
    }

    /// <summary>Raises every booked room type to <see cref="RoomsPerNight"/> rooms a night, through the service's own import.</summary>
    private static async Task ImportRoomsAsync(BenchSystem system)
    {
        using var channel = GrpcChannel.ForAddress(system.AvailabilityGrpc);
        var client = new Proto.AvailabilityService.AvailabilityServiceClient(channel);
        using var import = client.ImportInventory();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var line = 0;
        foreach (var (hotel, room) in RoomTypes)
        {
            for (var night = FirstNight; night < LastNight; night++)
            {
                await import.RequestStream.WriteAsync(new Proto.ImportInventoryRequest
                {
                    HotelId = hotel,
                    RoomTypeId = room,
                    Date = today.AddDays(night).ToProtoDate(),
                    Rooms = RoomsPerNight,
                    Line = ++line,
                });
            }
        }

        await import.RequestStream.CompleteAsync();
        var summary = await import;
        if (summary.Rejected > 0)
        {
            throw new InvalidOperationException($"The room import rejected {summary.Rejected} lines: {summary.Errors.FirstOrDefault()?.Message}");
        }
    }

    public static string Table(string title, Dictionary<int, List<Round>> results, BenchOptions options, WarmUpResult warmUp)
    {
        var table = new StringBuilder()
            .AppendLine($"### booking on {title}: POST /api/bookings through the gateway, {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine($"Servers {warmUp}. Bookings/s counts confirmed bookings (201); CPU is each process's user + system time over the round per confirmed booking.")
            .AppendLine()
            .AppendLine("| concurrency | bookings/s | p50 ms | p99 ms | sold out (409) | errors | CPU ms per booking: gateway / booking / availability / payment |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (concurrency, rounds) in results)
        {
            table.AppendLine($"| {concurrency} | {Statistics.Spread([.. rounds.Select(r => r.PerSecond)], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.P50 / 1000)], "N1")} | {Statistics.Spread([.. rounds.Select(r => r.P99 / 1000)], "N1")} | " +
                $"{rounds.Sum(r => r.SoldOut)} | {rounds.Sum(r => r.Errors)} | " +
                string.Join(" / ", new[] { "gateway", "booking", "availability", "payment" }.Select(p =>
                    Statistics.Median(rounds.Select(r => r.CpuPerBooking.GetValueOrDefault(p, double.NaN))).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))) + " |");
        }

        foreach (var failure in results.Values.SelectMany(r => r).Select(r => r.FirstError).OfType<string>().Distinct())
        {
            table.AppendLine().AppendLine($"error: {failure}");
        }

        return table.ToString();
    }
}
