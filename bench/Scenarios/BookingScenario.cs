using System.Globalization;
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
/// given <c>--postgres</c>, on PostgreSQL too (<c>local</c>: a server of the bench's own, pinned with the
/// services, whose CPU is counted with theirs). Each booking is a different stay, and the run first imports
/// plenty of rooms, so bookings compete for the database, not for the last room; a 409 (sold out) is
/// counted apart and is not a booking. With <c>--baseline</c> both builds run, alternating within every round;
/// with <c>--server-env</c> a second system of this build with that variable in every server does.
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
    private static readonly string[] CpuColumns = ["gateway", "booking", "availability", "payment", "postgres"];

    /// <summary>One round: confirmed bookings/s, latency of every call, and CPU per confirmed booking.</summary>
    public sealed record Round(double PerSecond, double P50, double P99, int SoldOut, int Errors, string? FirstError, Dictionary<string, double> CpuPerBooking)
    {
        public double TotalCpu => CpuPerBooking.Values.Sum();
    }

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var report = new StringBuilder();
        var errors = 0;
        var goals = new List<string>();
        await using var privatePostgres = options.Postgres == BenchOptions.LocalPostgres ? await PrivatePostgres.StartAsync() : null;
        foreach (var (provider, server) in Providers(options, privatePostgres))
        {
            var systems = new List<BenchSystem>();
            try
            {
                foreach (var checkout in options.Checkouts)
                {
                    systems.Add(await BenchSystem.StartAsync(new SystemOptions
                    {
                        Checkout = checkout,
                        Label = options.Baseline is null ? "" : checkout.Label,
                        Bookings = true,
                        PostgresServer = server,
                        PrivatePostgres = server is null ? null : privatePostgres,
                    }));
                }

                // The current build is systems[^1] until a variant joins: the goals are judged on it, as shipped.
                var main = systems[^1];
                if (options.ServerEnvironment is { } setting)
                {
                    systems.Add(await BenchSystem.StartAsync(new SystemOptions
                    {
                        Checkout = Checkout.Current,
                        Label = options.VariantLabel!,
                        Environment = new Dictionary<string, string> { [setting.Key] = setting.Value },
                        Bookings = true,
                        PostgresServer = server,
                        PrivatePostgres = server is null ? null : privatePostgres,
                    }));
                }

                var (results, warmUp) = await MeasureAsync(systems, options, options.Concurrencies(1, 8, 32));
                errors += results.Values.SelectMany(r => r).Sum(r => r.Errors);
                foreach (var system in systems)
                {
                    var title = system.Label == "" ? provider
                        : system.Label == options.VariantLabel ? $"{provider}, {system.Label}"
                        : $"{provider}, {system.Label} build";
                    report.AppendLine(Table(title, results.Where(r => r.Key.System == system).ToDictionary(r => r.Key.Concurrency, r => r.Value),
                        options, warmUp, postgresCounted: server is not null && privatePostgres is not null));
                }

                goals.Add(Goal(provider, results.GetValueOrDefault((main, 32)), postgresCounted: server is not null && privatePostgres is not null));
                if (options.Baseline is not null)
                {
                    report.AppendLine(Comparison($"#### booking on {provider}, before ({options.Baseline}) and after (this checkout), alternated within every round",
                        "old", systems[0], "new", main, results, options));
                }

                if (options.VariantLabel is { } variantLabel)
                {
                    report.AppendLine(Comparison($"#### booking on {provider}, with {variantLabel} in every server against the default, alternated within every round",
                        "default", main, variantLabel, systems[^1], results, options));
                }
            }
            finally
            {
                foreach (var system in systems)
                {
                    await system.DisposeAsync();
                }
            }
        }

        report.AppendLine("| goal | measured | met |").AppendLine("|---|---|---|");
        goals.ForEach(g => report.AppendLine(g));
        Console.WriteLine(report);
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Two systems' rounds side by side: the reference's medians, the compared one's, their ratios.</summary>
    private static string Comparison(string title, string reference, BenchSystem referenceSystem, string compared, BenchSystem comparedSystem,
        Dictionary<(BenchSystem System, int Concurrency), List<Round>> results, BenchOptions options) =>
        BeforeAfter.Table(title, reference, compared,
            options.Concurrencies(1, 8, 32).Select(c => ($"concurrency {c}", (IReadOnlyList<Round>)results[(referenceSystem, c)], (IReadOnlyList<Round>)results[(comparedSystem, c)])),
            new BeforeAfter.Figure<Round>("bookings/s", r => r.PerSecond, "N1"),
            new BeforeAfter.Figure<Round>("p50 ms", r => r.P50 / 1000, "N1"),
            new BeforeAfter.Figure<Round>("p99 ms", r => r.P99 / 1000, "N1"),
            new BeforeAfter.Figure<Round>("CPU ms per booking, all processes", r => r.TotalCpu, "N2"));

    private static IEnumerable<(string Provider, string? Server)> Providers(BenchOptions options, PrivatePostgres? privatePostgres) =>
        options.Postgres is null ? [("SQLite", null)] : [("SQLite", null), ("PostgreSQL", privatePostgres?.ConnectionString ?? options.Postgres)];

    /// <summary>Books random stays of the imported room types through one system's gateway, counting 409s apart.</summary>
    public sealed class Booker : IDisposable
    {
        private readonly HttpClient _client;
        private int _soldOut;

        private Booker(BenchSystem system)
        {
            System = system;
            _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false })
            {
                BaseAddress = system.GatewayRest,
                Timeout = TimeSpan.FromSeconds(30),
            };
        }

        public BenchSystem System { get; }

        public static async Task<Booker> CreateAsync(BenchSystem system)
        {
            await ImportRoomsAsync(system);
            return new Booker(system);
        }

        public async Task BookAsync(int sequence)
        {
            var (hotel, room) = RoomTypes[Random.Shared.Next(RoomTypes.Length)];
            var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(Random.Shared.Next(FirstNight, LastNight - 2));
            using var request = Request(hotel, room, checkIn);
            using var response = await _client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                Interlocked.Increment(ref _soldOut);
                return;
            }

            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        /// <summary>One round of load; CPU per confirmed booking of every process, PostgreSQL's too when the bench runs it.</summary>
        public async Task<Round> MeasureAsync(int concurrency, TimeSpan duration)
        {
            var soldOutBefore = _soldOut;
            var cpuBefore = System.CpuTimes();
            var load = await Load.RunAsync(concurrency, duration, BookAsync);
            var cpuAfter = System.CpuTimes();
            var soldOut = _soldOut - soldOutBefore;
            var booked = load.Calls - soldOut;
            var cpu = cpuAfter.ToDictionary(p => p.Key, p => booked > 0 ? (p.Value - cpuBefore[p.Key]).TotalMilliseconds / booked : double.NaN);
            return new Round(booked / load.Elapsed.TotalSeconds, load.Percentile(0.50), load.Percentile(0.99), soldOut, load.Errors, load.FirstError, cpu);
        }

        public void Dispose() => _client.Dispose();

        /// <summary>POST /api/bookings for one guest, one or two nights from <paramref name="checkIn"/>, with a new Idempotency-Key.</summary>
        public static HttpRequestMessage Request(string hotel, string roomType, DateOnly checkIn)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
            {
                Content = JsonContent.Create(new
                {
                    hotelId = hotel,
                    roomTypeId = roomType,
                    checkIn,
                    checkOut = checkIn.AddDays(Random.Shared.Next(1, 3)),
                    guests = 1,
                    guest = new { name = "Bench Guest", email = "bench@example.com" },
                    paymentToken = "tok_visa",
                }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return request;
        }
    }

    public static async Task<(Dictionary<(BenchSystem System, int Concurrency), List<Round>> Results, WarmUpResult WarmUp)> MeasureAsync(
        IReadOnlyList<BenchSystem> systems, BenchOptions options, int[] concurrencies)
    {
        var bookers = new List<Booker>();
        try
        {
            foreach (var system in systems)
            {
                bookers.Add(await Booker.CreateAsync(system));
            }

            var warmUp = await WarmUp.UntilJitSettlesAsync(systems, options, async slice =>
            {
                foreach (var concurrency in concurrencies)
                {
                    foreach (var booker in bookers)
                    {
                        await Load.RunAsync(concurrency, slice / concurrencies.Length / bookers.Count, booker.BookAsync);
                    }
                }
            });

            var results = bookers.SelectMany(b => concurrencies.Select(c => (b.System, c))).ToDictionary(k => k, _ => new List<Round>());
            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var concurrency in concurrencies)
                {
                    foreach (var booker in bookers)
                    {
                        results[(booker.System, concurrency)].Add(await booker.MeasureAsync(concurrency, options.Duration));
                    }
                }
            }

            return (results, warmUp);
        }
        finally
        {
            bookers.ForEach(b => b.Dispose());
        }
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

    private static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Table(string title, Dictionary<int, List<Round>> results, BenchOptions options, WarmUpResult warmUp, bool postgresCounted)
    {
        var table = new StringBuilder()
            .AppendLine($"### booking on {title}: POST /api/bookings through the gateway, {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine($"Servers {warmUp}. Bookings/s counts confirmed bookings (201); CPU is each process's user + system time over the round per confirmed booking" +
                (postgresCounted ? ", PostgreSQL's (the postmaster and its backends, on the servers' core) included." : title.StartsWith("PostgreSQL", StringComparison.Ordinal)
                    ? "; PostgreSQL's is not counted (an outside server: use --postgres local to count it)." : "."))
            .AppendLine()
            .AppendLine($"| concurrency | bookings/s | p50 ms | p99 ms | sold out (409) | errors | CPU ms per booking: {string.Join(" / ", CpuColumns)} | CPU ms per booking, all |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (concurrency, rounds) in results)
        {
            table.AppendLine($"| {concurrency} | {Statistics.Spread([.. rounds.Select(r => r.PerSecond)], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.P50 / 1000)], "N1")} | {Statistics.Spread([.. rounds.Select(r => r.P99 / 1000)], "N1")} | " +
                $"{rounds.Sum(r => r.SoldOut)} | {rounds.Sum(r => r.Errors)} | " +
                string.Join(" / ", CpuColumns.Select(p => Ms(Statistics.Median(rounds.Select(r => r.CpuPerBooking.GetValueOrDefault(p, double.NaN)))))) +
                $" | {Ms(Statistics.Median(rounds.Select(r => r.TotalCpu)))} |");
        }

        foreach (var failure in results.Values.SelectMany(r => r).Select(r => r.FirstError).OfType<string>().Distinct())
        {
            table.AppendLine().AppendLine($"error: {failure}");
        }

        return table.ToString();
    }

    /// <summary>
    /// The goals' rows (issue 16): on SQLite ≥ 300 bookings/s with p99 ≤ 250 ms; on PostgreSQL ≥ 400 with every
    /// process's CPU per booking, PostgreSQL's included, ≤ 3 ms.
    /// </summary>
    private static string Goal(string provider, List<Round>? rounds, bool postgresCounted)
    {
        var sqlite = provider == "SQLite";
        var floor = sqlite ? 300 : 400;
        var perSecond = rounds is null ? double.NaN : Statistics.Median(rounds.Select(r => r.PerSecond));
        var p99 = rounds is null ? double.NaN : Statistics.Median(rounds.Select(r => r.P99 / 1000));
        var cpu = rounds is null ? double.NaN : Statistics.Median(rounds.Select(r => r.TotalCpu));
        var detail = rounds is null ? null
            : $"p99 {p99:0} ms; {cpu:0.0} ms CPU per booking, all processes" +
              (sqlite ? "" : postgresCounted ? ", PostgreSQL's included" : ", PostgreSQL's not counted");
        var met = sqlite ? perSecond >= floor && p99 <= 250 : perSecond >= floor && postgresCounted && cpu <= 3;
        var goal = sqlite ? $"bookings/s on SQLite (concurrency 32) ≥ {floor}, p99 ≤ 250 ms" : $"bookings/s on PostgreSQL (concurrency 32) ≥ {floor}, CPU per booking ≤ 3 ms";
        return Summary.Goal(goal, perSecond, "N1", met, detail: detail);
    }
}
