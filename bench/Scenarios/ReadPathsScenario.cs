using System.Net;
using System.Text;
using Grpc.Net.Client;
using HotelBooking.Bench.Harness;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// Random availability queries (hotels from ListHotels, stays from a seeded Random), arms alternating within
/// each round: gRPC and REST/JSON straight to the availability service (its gRPC JSON transcoding, or the
/// comparison endpoint of older builds), REST through the gateway (translated to gRPC), gRPC through the
/// gateway's YARP passthrough, availability's REST through YARP (a plain proxy hop, the yardstick for the
/// translation), and REST and gRPC through a gateway whose availability is an in-memory stub (the gateway's
/// own cost). Requests/s, p50, p99, and CPU per request of each process from /proc. With <c>--baseline</c>
/// every arm runs against both builds, one after the other, in every round; with <c>--server-env</c> against a
/// second system of this build with that variable set in every server.
/// </summary>
public static class ReadPathsScenario
{
    /// <summary>The fixed query of the streaming scenario and of h2load in the saturation run: a hotel every catalogue has.</summary>
    private const string Hotel = "alfama-riverside";
    public static readonly DateOnly CheckIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
    public static readonly DateOnly CheckOut = CheckIn.AddDays(3);
    public static readonly string Query = $"checkIn={CheckIn:yyyy-MM-dd}&checkOut={CheckOut:yyyy-MM-dd}&guests=2";

    public static Proto.GetAvailabilityRequest Request => new()
    {
        HotelId = Hotel,
        CheckIn = CheckIn.ToProtoDate(),
        CheckOut = CheckOut.ToProtoDate(),
        Guests = 2,
    };

    public sealed record Arm(string Name, string Variant, string Path, BenchSystem System, Func<int, Func<int, Task>> CallAt, params string[] OnPath)
    {
        public string Title => Variant == "" ? Name : $"{Name} ({Variant})";
    }

    public sealed record Round(double PerSecond, double P50, double P99, Dictionary<string, double> CpuPerCall, int Errors, string? FirstError)
    {
        /// <summary>CPU per call of every process on the arm's path together.</summary>
        public double TotalCpu => CpuPerCall.Values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Sum();
    }

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var systems = new List<BenchSystem>();
        try
        {
            var arms = new List<Arm>();
            var kinds = new List<List<Arm>>();
            // The saturation run's servers: this checkout's, the last of the loop.
            (BenchSystem System, BenchSystem Stub, StayPool Pool)? current = null;
            foreach (var checkout in options.Checkouts)
            {
                var label = options.Baseline is null ? "" : checkout.Label;
                var system = await StartAsync(systems, new SystemOptions { Checkout = checkout, Label = label });
                var pool = await StayPool.FromCatalogueAsync(system.AvailabilityGrpc);
                var stub = await StartAsync(systems, new SystemOptions { Checkout = checkout, Label = label, StubAvailability = true });
                current = (system, stub, pool);
                kinds.Add([.. Arms(system, pool), .. StubArms(stub, pool)]);
                if (options.ServerEnvironment is { } setting && checkout == Checkout.Current)
                {
                    var variant = await StartAsync(systems, new SystemOptions
                    {
                        Checkout = checkout,
                        Label = options.VariantLabel!,
                        Environment = new Dictionary<string, string> { [setting.Key] = setting.Value },
                    });
                    kinds.Add([.. Arms(variant, pool)]);
                }
            }

            // A-old, A-new, B-old, B-new …: each arm kind against every system in turn.
            arms.AddRange(kinds.SelectMany(k => k.Select((arm, index) => (arm, index))).OrderBy(a => a.index).Select(a => a.arm));
            await ProbeAsync(arms);
            var (results, warmUp) = await MeasureAsync(systems, arms, options, options.Concurrencies(1, 32));

            var main = options.Baseline is null ? "" : Checkout.Current.Label;
            var report = new StringBuilder()
                .AppendLine(Table(results, arms, options, warmUp))
                .AppendLine(Goals(results, main))
                .AppendLine(Spinning(results, arms.Where(a => a.Variant == main)));
            if (options.Baseline is not null)
            {
                report.AppendLine(Comparison(results, arms, "old", "new",
                    $"#### read-paths, before ({options.Baseline}) and after (this checkout), arms alternated within every round"));
            }

            if (options.VariantLabel is { } variantLabel)
            {
                report.AppendLine(Comparison(results, arms, main, variantLabel,
                    $"#### read-paths with {variantLabel} in every server against the default, alternated within every round"));
            }

            // Printed before the saturation run, so that nothing it does can lose these figures.
            Console.WriteLine(report);
            var saturationFailed = 0L;
            if (!options.Smoke)
            {
                var saturation = await CrossCheck.RunAsync(current!.Value.System, current.Value.Stub, current.Value.Pool, options);
                Console.WriteLine(saturation.Report);
                saturationFailed = saturation.Failed;
            }

            return results.Values.SelectMany(r => r).Sum(r => r.Errors) == 0 && saturationFailed == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var system in systems)
            {
                await system.DisposeAsync();
            }
        }
    }

    private static async Task<BenchSystem> StartAsync(List<BenchSystem> systems, SystemOptions options)
    {
        var system = await BenchSystem.StartAsync(options);
        systems.Add(system);
        return system;
    }

    public static List<Arm> Arms(BenchSystem system, StayPool pool) =>
    [
        new("gRPC direct", system.Label, "client → availability (HTTP/2, one connection)", system, Grpc(system.AvailabilityGrpc, pool), "availability"),
        new("REST direct", system.Label, "client → availability's own REST/JSON (HTTP/1.1)", system,
            Rest(system.AvailabilityRest, pool, system.Checkout.DirectRestPath), "availability"),
        new("REST via gateway", system.Label, "client → gateway (JSON) → gRPC → availability", system, Rest(system.GatewayRest, pool, q => q.GatewayPath), "gateway", "availability"),
        new("gRPC via YARP", system.Label, "client → gateway's YARP (HTTP/2) → availability", system, Grpc(system.GatewayGrpc, pool), "gateway", "availability"),
        new("REST via YARP", system.Label, "client → gateway's YARP (HTTP/1.1) → availability's own REST/JSON", system,
            Rest(system.GatewayRest, pool, system.Checkout.DirectRestPath), "gateway", "availability"),
    ];

    /// <summary>The gateway in front of the in-memory stub: what is left is the gateway's own work.</summary>
    private static List<Arm> StubArms(BenchSystem stub, StayPool pool) =>
    [
        new("REST via gateway → stub", stub.Label, "client → gateway (JSON) → gRPC → in-memory stub", stub, Rest(stub.GatewayRest, pool, q => q.GatewayPath), "gateway", "availability"),
        new("gRPC via YARP → stub", stub.Label, "client → gateway's YARP (HTTP/2) → in-memory stub", stub, Grpc(stub.GatewayGrpc, pool), "gateway", "availability"),
    ];

    /// <summary>One multiplexed HTTP/2 connection whatever the concurrency, as gRPC clients use.</summary>
    private static Func<int, Func<int, Task>> Grpc(Uri address, StayPool pool) => _ =>
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false, UseProxy = false },
        });
        var client = new Proto.AvailabilityService.AvailabilityServiceClient(channel);
        var request = pool.Prepared(q => q.GrpcRequest);
        return async sequence => await client.GetAvailabilityAsync(request(sequence));
    };

    /// <summary>HTTP/1.1 keep-alive: one connection per concurrent request, as browsers and REST clients use.</summary>
    public static Func<int, Func<int, Task>> Rest(Uri address, StayPool pool, Func<StayQuery, string> form) => concurrency =>
    {
        var path = pool.Prepared(form);
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version11,
        };
        return async sequence =>
        {
            using var response = await client.GetAsync(path(sequence), HttpCompletionOption.ResponseContentRead);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)response.StatusCode} from {path(sequence)}: {await response.Content.ReadAsStringAsync()}");
            }
        };
    };

    /// <summary>One call per arm before any load, so that a path a build does not serve says so plainly.</summary>
    public static async Task ProbeAsync(IEnumerable<Arm> arms)
    {
        foreach (var arm in arms)
        {
            try
            {
                await arm.CallAt(1)(0);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{arm.Title} ({arm.Path}) failed its first call: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// At each concurrency, warms every arm until the JIT is quiet (at the first that takes long; after it, the
    /// <c>--warmup</c> time), then runs the arms in turn (A B C … A B C …) for each round. The warm-up reported is the first.
    /// </summary>
    public static async Task<(Dictionary<(string Arm, int Concurrency), List<Round>> Results, WarmUpResult WarmUp)> MeasureAsync(
        IReadOnlyList<BenchSystem> systems, List<Arm> arms, BenchOptions options, int[] concurrencies)
    {
        var results = new Dictionary<(string, int), List<Round>>();
        WarmUpResult? firstWarmUp = null;
        foreach (var concurrency in concurrencies)
        {
            var calls = arms.ToDictionary(a => a.Title, a => a.CallAt(concurrency));
            var warmUp = await WarmUp.UntilJitSettlesAsync(systems, options, async slice =>
            {
                foreach (var arm in arms)
                {
                    await Load.RunAsync(concurrency, slice / arms.Count, calls[arm.Title]);
                }
            });
            firstWarmUp ??= warmUp;

            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var arm in arms)
                {
                    (results.TryGetValue((arm.Title, concurrency), out var list) ? list : results[(arm.Title, concurrency)] = [])
                        .Add(await MeasureRoundAsync(arm, calls[arm.Title], concurrency, options.Duration));
                }
            }
        }

        return (results, firstWarmUp!);
    }

    /// <summary>One round of one arm: its rate, latency, and the CPU per call of each process on its path.</summary>
    public static async Task<Round> MeasureRoundAsync(Arm arm, Func<int, Task> call, int concurrency, TimeSpan duration)
    {
        var before = arm.System.CpuTimes();
        var load = await Load.RunAsync(concurrency, duration, call);
        var after = arm.System.CpuTimes();
        var cpu = arm.OnPath.ToDictionary(p => p, p => load.Calls > 0 ? (after[p] - before[p]).TotalMicroseconds / load.Calls : double.NaN);
        return new Round(load.PerSecond, load.Percentile(0.50), load.Percentile(0.99), cpu, load.Errors, load.FirstError);
    }

    private static double Cpu(Round round, string process) => round.CpuPerCall.GetValueOrDefault(process, double.NaN);

    private static string Table(Dictionary<(string Arm, int Concurrency), List<Round>> results, List<Arm> arms, BenchOptions options, WarmUpResult warmUp)
    {
        var table = new StringBuilder()
            .AppendLine($"### read-paths: random availability queries ({StayPool.Describe}), {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine($"Servers {warmUp}. Every process runs as Production with its shipped appsettings and its image's DOTNET_ settings (the stub, the bench's own, with the runtime's defaults; availability of builds with the comparison endpoint: " +
                $"\"Benchmark\"); the gateway's rate limiter is on for every arm, translated and YARP alike, both policies at {BenchSystem.RateLimitPermits:N0} permits a minute. " +
                "Medians of the rounds, (min–max) across them. CPU is the process's user + system time over the round, divided by the calls; " +
                "\"→ stub\": the gateway in front of an in-memory availability stub.")
            .AppendLine()
            .AppendLine("| path | concurrency | requests/s | p50 µs | p99 µs | gateway CPU µs/request | availability CPU µs/request | CPU µs/request, all on the path | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var ((arm, concurrency), rounds) in results)
        {
            table.AppendLine($"| {arm} | {concurrency} | {Statistics.Spread([.. rounds.Select(r => r.PerSecond)])} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.P50)])} | {Statistics.Spread([.. rounds.Select(r => r.P99)])} | " +
                $"{Statistics.Spread([.. rounds.Select(r => Cpu(r, "gateway"))], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => Cpu(r, "availability"))], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.TotalCpu)], "N1")} | {rounds.Sum(r => r.Errors)} |");
        }

        foreach (var failure in results.Values.SelectMany(r => r).Select(r => r.FirstError).OfType<string>().Distinct())
        {
            table.AppendLine().AppendLine($"error: {failure}");
        }

        return table.ToString();
    }

    private static string Goals(Dictionary<(string Arm, int Concurrency), List<Round>> results, string variant)
    {
        string Title(string arm) => variant == "" ? arm : $"{arm} ({variant})";
        double Median(string arm, int concurrency, Func<Round, double> value) =>
            results.TryGetValue((Title(arm), concurrency), out var rounds) ? Statistics.Median(rounds.Select(value)) : double.NaN;

        // A latency difference means something only when the arms' own p50s hold still from round to round.
        double Spread(string arm, int concurrency) =>
            results.TryGetValue((Title(arm), concurrency), out var rounds) ? rounds.Max(r => r.P50) - rounds.Min(r => r.P50) : double.NaN;
        double Noise(params string[] arms) => arms.Max(a => Spread(a, 1));

        // Met or missed only when the difference stays on its side of the goal however far the rounds moved.
        bool? Within(double measured, double goal, double noise) =>
            measured - noise > goal ? false : measured + noise <= goal ? true : null;

        var availabilityCpu = Median("gRPC direct", 32, r => Cpu(r, "availability"));
        var translatedCpu = Median("REST via gateway", 32, r => Cpu(r, "gateway"));
        var forwardedCpu = Median("REST via YARP", 32, r => Cpu(r, "gateway"));
        var stubCpu = Median("REST via gateway → stub", 32, r => Cpu(r, "gateway"));
        var translationCpu = translatedCpu / forwardedCpu;
        var gatewayRate = Median("REST via gateway", 32, r => r.PerSecond);
        var translationLatency = Median("REST via gateway", 1, r => r.P50) - Median("REST direct", 1, r => r.P50);
        var passthroughLatency = Median("gRPC via YARP", 1, r => r.P50) - Median("gRPC direct", 1, r => r.P50);
        var grpcEdge = Median("gRPC direct", 32, r => r.PerSecond) / Median("REST direct", 32, r => r.PerSecond);
        var gatewayThroughput = gatewayRate / Median("REST direct", 32, r => r.PerSecond);

        return new StringBuilder()
            .AppendLine("| goal | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal("availability CPU per GetAvailability, gRPC direct (concurrency 32) ≤ 60 µs", availabilityCpu, "0.0 µs", availabilityCpu <= 60))
            .AppendLine(Summary.Goal("gateway CPU per translated request (concurrency 32) ≤ 40 µs", translatedCpu, "0.0 µs", translatedCpu <= 40))
            .AppendLine(Summary.Goal("gateway CPU per translated request ÷ YARP's REST forward (concurrency 32) ≤ 1.0", translationCpu, "0.00", translationCpu <= 1.0,
                detail: $"{translatedCpu:0.0} µs ÷ {forwardedCpu:0.0} µs"))
            .AppendLine(Summary.Goal("gateway CPU per translated request with an in-memory availability (concurrency 32)", stubCpu, "0.0 µs", null, reference: true))
            .AppendLine(Summary.Goal("REST via gateway requests/s (concurrency 32) ≥ 8,000", gatewayRate, "N0", gatewayRate >= 8000))
            .AppendLine(Summary.Goal("gRPC direct ÷ REST direct requests/s (concurrency 32) ≥ 1.5", grpcEdge, "0.00×", grpcEdge >= 1.5))
            .AppendLine(Summary.Goal("REST via gateway p50 − REST direct p50 (concurrency 1) ≤ 50 µs", translationLatency, "0 µs",
                Within(translationLatency, 50, Noise("REST via gateway", "REST direct")), $"{Noise("REST via gateway", "REST direct"):0} µs"))
            .AppendLine(Summary.Goal("gRPC via YARP p50 − gRPC direct p50 (concurrency 1) ≤ 100 µs", passthroughLatency, "0 µs",
                Within(passthroughLatency, 100, Noise("gRPC via YARP", "gRPC direct")), $"{Noise("gRPC via YARP", "gRPC direct"):0} µs"))
            .AppendLine(Summary.Goal("REST via gateway ÷ REST direct requests/s (concurrency 32; YARP's published hop: 0.51)", gatewayThroughput, "0.00×", null, reference: true))
            .ToString();
    }

    /// <summary>
    /// CPU per request at concurrency 1 against 32. With one request at a time the servers' thread-pool workers
    /// spin-wait for work that comes a little later, and that spinning lands on every request; at saturation the
    /// workers always have work and the figure is the request's own cost.
    /// </summary>
    private static string Spinning(Dictionary<(string Arm, int Concurrency), List<Round>> results, IEnumerable<Arm> arms)
    {
        var table = new StringBuilder()
            .AppendLine("CPU per request of every process on the path, at concurrency 1 and at saturation (32): the difference is mostly the thread pools' " +
                "spin-waiting between one request and the next (compare `--server-env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0`).")
            .AppendLine()
            .AppendLine("| path | CPU µs/request, concurrency 1 | CPU µs/request, concurrency 32 | 1 ÷ 32 |")
            .AppendLine("|---|---|---|---|");
        foreach (var arm in arms)
        {
            if (results.TryGetValue((arm.Title, 1), out var one) && results.TryGetValue((arm.Title, 32), out var saturated))
            {
                var (idle, busy) = (Statistics.Median(one.Select(r => r.TotalCpu)), Statistics.Median(saturated.Select(r => r.TotalCpu)));
                table.AppendLine($"| {arm.Title} | {idle:0.0} | {busy:0.0} | {idle / busy:0.00}× |");
            }
        }

        return table.ToString();
    }

    private static string Comparison(Dictionary<(string Arm, int Concurrency), List<Round>> results, List<Arm> arms, string reference, string compared, string title)
    {
        var rows = arms.Where(a => a.Variant == compared)
            .SelectMany(a => results.Keys.Where(k => k.Arm == a.Title).Select(k => (a.Name, k.Concurrency)))
            .Select(row => (Row: $"{row.Name}, concurrency {row.Concurrency}",
                Key: (Reference: (reference == "" ? row.Name : $"{row.Name} ({reference})", row.Concurrency), Compared: ($"{row.Name} ({compared})", row.Concurrency))))
            .Where(row => results.ContainsKey(row.Key.Reference))
            .Select(row => (row.Row, (IReadOnlyList<Round>)results[row.Key.Reference], (IReadOnlyList<Round>)results[row.Key.Compared]));
        return BeforeAfter.Table(title, reference == "" ? "default" : reference, compared, rows,
            new BeforeAfter.Figure<Round>("requests/s", r => r.PerSecond, "N0"),
            new BeforeAfter.Figure<Round>("p50 µs", r => r.P50, "N0"),
            new BeforeAfter.Figure<Round>("p99 µs", r => r.P99, "N0"),
            new BeforeAfter.Figure<Round>("gateway CPU µs/request", r => Cpu(r, "gateway"), "N1"),
            new BeforeAfter.Figure<Round>("availability CPU µs/request", r => Cpu(r, "availability"), "N1"));
    }
}
