using System.Net;
using System.Text;
using Grpc.Net.Client;
using HotelBooking.Bench.Harness;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// The same availability query five ways, arms alternating within each round: gRPC and REST/JSON straight
/// to the availability service, REST through the gateway (translated to gRPC), gRPC through the gateway's
/// YARP passthrough, and the REST comparison endpoint through YARP (a plain proxy hop, the yardstick for
/// the translation's cost). Requests/s, p50, p99, and CPU per request of each process from /proc.
/// </summary>
public static class ReadPathsScenario
{
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

    public sealed record Arm(string Name, string Path, Func<int, Func<int, Task>> CallAt, params string[] OnPath);

    public sealed record Round(double PerSecond, double P50, double P99, Dictionary<string, double> CpuPerCall, int Errors, string? FirstError);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var system = await BenchSystem.StartAsync(new SystemOptions());
        var (results, warmUp) = await MeasureAsync(system, Arms(system), options, options.Concurrencies(1, 32));

        var report = new StringBuilder()
            .AppendLine(Table(results, options, warmUp))
            .AppendLine(Goals(results));
        if (!options.Smoke)
        {
            report.AppendLine(await CrossCheck.RunAsync(system, options));
        }

        Console.WriteLine(report);
        return results.Values.SelectMany(r => r).Sum(r => r.Errors) == 0 ? 0 : 1;
    }

    public static List<Arm> Arms(BenchSystem system)
    {
        var restPath = $"/api/hotels/{Hotel}/availability?{Query}";
        var comparisonPath = $"/comparison/hotels/{Hotel}/availability?{Query}";
        return
        [
            new("gRPC direct", "client → availability (HTTP/2, one connection)", Grpc(system.AvailabilityGrpc), "availability"),
            new("REST direct", "client → availability's JSON endpoint (HTTP/1.1)", Rest(system.AvailabilityRest, comparisonPath), "availability"),
            new("REST via gateway", "client → gateway (JSON) → gRPC → availability", Rest(system.GatewayRest, restPath), "gateway", "availability"),
            new("gRPC via YARP", "client → gateway's YARP (HTTP/2) → availability", Grpc(system.GatewayGrpc), "gateway", "availability"),
            new("REST via YARP", "client → gateway's YARP (HTTP/1.1) → availability's JSON endpoint", Rest(system.GatewayRest, comparisonPath), "gateway", "availability"),
        ];
    }

    /// <summary>One multiplexed HTTP/2 connection whatever the concurrency, as gRPC clients use.</summary>
    private static Func<int, Func<int, Task>> Grpc(Uri address) => _ =>
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false, UseProxy = false },
        });
        var client = new Proto.AvailabilityService.AvailabilityServiceClient(channel);
        var request = Request;
        return async _ => await client.GetAvailabilityAsync(request);
    };

    /// <summary>HTTP/1.1 keep-alive: one connection per concurrent request, as browsers and REST clients use.</summary>
    private static Func<int, Func<int, Task>> Rest(Uri address, string path) => concurrency =>
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version11,
        };
        return async _ =>
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
        };
    };

    /// <summary>
    /// At each concurrency, warms every arm until the JIT is quiet (at the first that takes long; after it, the
    /// <c>--warmup</c> time), then runs the arms in turn (A B C … A B C …) for each round. The warm-up reported is the first.
    /// </summary>
    public static async Task<(Dictionary<(string Arm, int Concurrency), List<Round>> Results, WarmUpResult WarmUp)> MeasureAsync(
        BenchSystem system, List<Arm> arms, BenchOptions options, int[] concurrencies)
    {
        var results = new Dictionary<(string, int), List<Round>>();
        WarmUpResult? firstWarmUp = null;
        foreach (var concurrency in concurrencies)
        {
            var calls = arms.ToDictionary(a => a.Name, a => a.CallAt(concurrency));
            var warmUp = await WarmUp.UntilJitSettlesAsync(system, options, async slice =>
            {
                foreach (var arm in arms)
                {
                    await Load.RunAsync(concurrency, slice / arms.Count, calls[arm.Name]);
                }
            });
            firstWarmUp ??= warmUp;

            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var arm in arms)
                {
                    var before = system.Processes.ToDictionary(p => p.Name, p => p.CpuTime);
                    var load = await Load.RunAsync(concurrency, options.Duration, calls[arm.Name]);
                    var cpu = system.Processes.ToDictionary(p => p.Name,
                        p => arm.OnPath.Contains(p.Name) && load.Calls > 0 ? (p.CpuTime - before[p.Name]).TotalMicroseconds / load.Calls : double.NaN);
                    (results.TryGetValue((arm.Name, concurrency), out var list) ? list : results[(arm.Name, concurrency)] = [])
                        .Add(new Round(load.PerSecond, load.Percentile(0.50), load.Percentile(0.99), cpu, load.Errors, load.FirstError));
                }
            }
        }

        return (results, firstWarmUp!);
    }

    private static string Table(Dictionary<(string Arm, int Concurrency), List<Round>> results, BenchOptions options, WarmUpResult warmUp)
    {
        var table = new StringBuilder()
            .AppendLine($"### read-paths: one availability query (3 nights, {Hotel}), {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine($"Servers {warmUp}. Medians of the rounds, (min–max) across them. CPU is the process's user + system time over the round, divided by the calls.")
            .AppendLine()
            .AppendLine("| path | concurrency | requests/s | p50 µs | p99 µs | gateway CPU µs/request | availability CPU µs/request | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var ((arm, concurrency), rounds) in results)
        {
            table.AppendLine($"| {arm} | {concurrency} | {Statistics.Spread([.. rounds.Select(r => r.PerSecond)])} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.P50)])} | {Statistics.Spread([.. rounds.Select(r => r.P99)])} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.CpuPerCall["gateway"])], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.CpuPerCall["availability"])], "N1")} | {rounds.Sum(r => r.Errors)} |");
        }

        var failures = results.Values.SelectMany(r => r).Select(r => r.FirstError).OfType<string>().Distinct().ToList();
        foreach (var failure in failures)
        {
            table.AppendLine().AppendLine($"error: {failure}");
        }

        return table.ToString();
    }

    private static string Goals(Dictionary<(string Arm, int Concurrency), List<Round>> results)
    {
        double Median(string arm, int concurrency, Func<Round, double> value) =>
            results.TryGetValue((arm, concurrency), out var rounds) ? Statistics.Median(rounds.Select(value)) : double.NaN;

        // A latency difference means something only when the arms' own p50s hold still from round to round.
        double Spread(string arm, int concurrency) =>
            results.TryGetValue((arm, concurrency), out var rounds) ? rounds.Max(r => r.P50) - rounds.Min(r => r.P50) : double.NaN;
        double Noise(params string[] arms) => arms.Max(a => Spread(a, 1));

        // Met or missed only when the difference stays on its side of the goal however far the rounds moved.
        bool? Within(double measured, double goal, double noise) =>
            measured - noise > goal ? false : measured + noise <= goal ? true : null;

        var translationCpu = Median("REST via gateway", 32, r => r.CpuPerCall["gateway"]) / Median("REST via YARP", 32, r => r.CpuPerCall["gateway"]);
        var translationLatency = Median("REST via gateway", 1, r => r.P50) - Median("REST direct", 1, r => r.P50);
        var passthroughLatency = Median("gRPC via YARP", 1, r => r.P50) - Median("gRPC direct", 1, r => r.P50);
        var grpcEdge = Median("gRPC direct", 32, r => r.PerSecond) / Median("REST direct", 32, r => r.PerSecond);
        var gatewayThroughput = Median("REST via gateway", 32, r => r.PerSecond) / Median("REST direct", 32, r => r.PerSecond);

        return new StringBuilder()
            .AppendLine("| goal | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal("translation's gateway CPU ÷ plain YARP hop's, per request (concurrency 32) ≤ 0.8", translationCpu, "0.00", translationCpu <= 0.8))
            .AppendLine(Summary.Goal("REST via gateway p50 − REST direct p50 (concurrency 1) ≤ 50 µs", translationLatency, "0 µs",
                Within(translationLatency, 50, Noise("REST via gateway", "REST direct")), $"{Noise("REST via gateway", "REST direct"):0} µs"))
            .AppendLine(Summary.Goal("gRPC via YARP p50 − gRPC direct p50 (concurrency 1) ≤ 100 µs", passthroughLatency, "0 µs",
                Within(passthroughLatency, 100, Noise("gRPC via YARP", "gRPC direct")), $"{Noise("gRPC via YARP", "gRPC direct"):0} µs"))
            .AppendLine(Summary.Goal("gRPC direct ÷ REST direct requests/s (concurrency 32) ≥ 1.5", grpcEdge, "0.00×", grpcEdge >= 1.5))
            .AppendLine(Summary.Goal("REST via gateway ÷ REST direct requests/s (concurrency 32; YARP's published hop: 0.51)", gatewayThroughput, "0.00×", null, reference: true))
            .ToString();
    }
}
