using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using HotelBooking.Bench.Scenarios;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// The read paths again at saturation, driven by outside load generators pinned to the client's core:
/// Debian's wrk for the REST arms (HTTP/1.1, 32 connections, cycling through the bench's random queries
/// with a Lua script) and h2load (nghttp2-client) for the gRPC arms (one connection, 32 streams, one fixed
/// query: h2load sends one body). The bench's own .NET client costs more per request than the servers it
/// measures, so on this 2-core machine it cannot fill the servers' core, and CPU per request measured
/// under it includes the servers' idle wake-ups; these C clients can. The goals on CPU per request and
/// on the gateway's rate are judged here. Skipped, saying so, where the tools are not installed.
/// </summary>
public static partial class CrossCheck
{
    private sealed record ToolArm(string Name, BenchSystem System, string Tool, Func<int, Task<ToolRun?>> RunAsync);

    private sealed record ToolRun(double PerSecond, string P50, long Requests, long Failed, Dictionary<string, double> CpuPerRequest)
    {
        public double Cpu(string process) => CpuPerRequest.GetValueOrDefault(process, double.NaN);

        public double TotalCpu => CpuPerRequest.Values.Sum();
    }

    public static async Task<string> RunAsync(BenchSystem system, BenchSystem stub, StayPool pool, BenchOptions options)
    {
        var seconds = Math.Max(1, (int)options.Duration.TotalSeconds);
        var scripts = new List<string>();
        try
        {
            ToolArm Rest(string name, BenchSystem on, Func<StayQuery, string> form, params string[] onPath)
            {
                var script = WrkScript(pool, form);
                scripts.Add(script);
                return new(name, on, "wrk", s => MeasureAsync(on, onPath, "wrk", ["-t1", "-c32", $"-d{s}s", "--latency", "-s", script, on.GatewayRest.ToString()], ParseWrk));
            }

            ToolArm RestDirect(string name, BenchSystem on, Func<StayQuery, string> form)
            {
                var script = WrkScript(pool, form);
                scripts.Add(script);
                return new(name, on, "wrk", s => MeasureAsync(on, ["availability"], "wrk", ["-t1", "-c32", $"-d{s}s", "--latency", "-s", script, on.AvailabilityRest.ToString()], ParseWrk));
            }

            ToolArm Grpc(string name, BenchSystem on, Uri address, params string[] onPath)
            {
                var body = GrpcBody();
                scripts.Add(body);
                return new(name, on, "h2load", s => MeasureAsync(on, onPath, "h2load", ["-c1", "-m32", "-D", s.ToString(CultureInfo.InvariantCulture), "-d", body,
                    "-H", "content-type: application/grpc", "-H", "te: trailers",
                    new Uri(address, "/hotelbooking.availability.v1.AvailabilityService/GetAvailability").ToString()], ParseH2load));
            }

            List<ToolArm> arms =
            [
                Grpc("gRPC direct", system, system.AvailabilityGrpc, "availability"),
                RestDirect("REST direct", system, system.Checkout.DirectRestPath),
                Rest("REST via gateway", system, q => q.GatewayPath, "gateway", "availability"),
                Grpc("gRPC via YARP", system, system.GatewayGrpc, "gateway", "availability"),
                Rest("REST via YARP", system, system.Checkout.DirectRestPath, "gateway", "availability"),
                Rest("REST via gateway → stub", stub, q => q.GatewayPath, "gateway", "availability"),
                Grpc("gRPC via YARP → stub", stub, stub.GatewayGrpc, "gateway", "availability"),
            ];

            if (await arms[0].RunAsync(1) is null || await arms[1].RunAsync(1) is null)
            {
                return "Saturation run with outside tools: skipped, wrk or h2load is not installed (apt-get install wrk nghttp2-client).";
            }

            // A-B-C … A-B-C …, as the bench's own rounds; each arm first warms its new connections for a second.
            var results = arms.ToDictionary(a => a.Name, _ => new List<ToolRun>());
            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var arm in arms)
                {
                    if (round == 0)
                    {
                        await arm.RunAsync(1);
                    }

                    results[arm.Name].Add(await arm.RunAsync(seconds) ?? throw new InvalidOperationException($"{arm.Tool} stopped answering."));
                }
            }

            return Report(results, arms, options);
        }
        finally
        {
            scripts.ForEach(File.Delete);
        }
    }

    private static string Report(Dictionary<string, List<ToolRun>> results, List<ToolArm> arms, BenchOptions options)
    {
        var report = new StringBuilder()
            .AppendLine($"### read-paths at saturation: outside load generators, concurrency 32, {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine("wrk (REST: the same random queries, one connection per concurrent request) and h2load (gRPC: one connection, 32 streams, " +
                "one fixed query) on the client's core, against the same servers. CPU as above, per completed request. " +
                "\"Busy\" is the share of the servers' core the processes on the path used: near 100% the servers are saturated.")
            .AppendLine()
            .AppendLine("| path | tool | requests/s | p50 | gateway CPU µs/request | availability CPU µs/request | CPU µs/request, all on the path | busy | failed |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var arm in arms)
        {
            var rounds = results[arm.Name];
            var busy = rounds.Select(r => r.TotalCpu * r.PerSecond / 10_000).ToArray();
            report.AppendLine($"| {arm.Name} | {arm.Tool} | {Statistics.Spread([.. rounds.Select(r => r.PerSecond)])} | " +
                $"{string.Join(", ", rounds.Select(r => r.P50))} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.Cpu("gateway"))], "N1")} | {Statistics.Spread([.. rounds.Select(r => r.Cpu("availability"))], "N1")} | " +
                $"{Statistics.Spread([.. rounds.Select(r => r.TotalCpu)], "N1")} | {Statistics.Median(busy):0}% | {rounds.Sum(r => r.Failed)} |");
        }

        double Median(string arm, Func<ToolRun, double> value) => Statistics.Median(results[arm].Select(value));
        var translated = Median("REST via gateway", r => r.Cpu("gateway"));
        var forwarded = Median("REST via YARP", r => r.Cpu("gateway"));
        var gatewayRate = Median("REST via gateway", r => r.PerSecond);
        var grpcEdge = Median("gRPC direct", r => r.PerSecond) / Median("REST direct", r => r.PerSecond);
        return report
            .AppendLine()
            .AppendLine("| goal, at saturation | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal("availability CPU per GetAvailability, gRPC direct (h2load) ≤ 60 µs", Median("gRPC direct", r => r.Cpu("availability")), "0.0 µs",
                Median("gRPC direct", r => r.Cpu("availability")) <= 60))
            .AppendLine(Summary.Goal("gateway CPU per translated request (wrk) ≤ 40 µs", translated, "0.0 µs", translated <= 40))
            .AppendLine(Summary.Goal("gateway CPU per translated request ÷ YARP's REST forward (wrk) ≤ 1.0", translated / forwarded, "0.00",
                translated / forwarded <= 1.0, detail: $"{translated:0.0} µs ÷ {forwarded:0.0} µs"))
            .AppendLine(Summary.Goal("gateway CPU per translated request with an in-memory availability (wrk)", Median("REST via gateway → stub", r => r.Cpu("gateway")),
                "0.0 µs", null, reference: true))
            .AppendLine(Summary.Goal("REST via gateway requests/s (wrk) ≥ 8,000", gatewayRate, "N0", gatewayRate >= 8000))
            .AppendLine(Summary.Goal("gRPC direct (h2load, one query) ÷ REST direct (wrk, random queries) requests/s ≥ 1.5", grpcEdge, "0.00×", grpcEdge >= 1.5))
            .ToString();
    }

    private static async Task<ToolRun?> MeasureAsync(BenchSystem system, string[] onPath, string tool, string[] arguments,
        Func<string, (double PerSecond, string P50, long Requests, long Failed)?> parse)
    {
        var path = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }

        var before = system.CpuTimes();
        var info = new ProcessStartInfo("taskset", ["-c", "1", path, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var after = system.CpuTimes();
        var parsed = parse(output) ?? throw new InvalidOperationException($"{tool} printed nothing this bench can read:\n{output}\n{errors}");
        var cpu = onPath.ToDictionary(p => p, p => parsed.Requests > 0 ? (after[p] - before[p]).TotalMicroseconds / parsed.Requests : double.NaN);
        return new ToolRun(parsed.PerSecond, parsed.P50, parsed.Requests, parsed.Failed, cpu);
    }

    /// <summary>A wrk script sending the pool's queries in turn, in the form an arm sends them.</summary>
    private static string WrkScript(StayPool pool, Func<StayQuery, string> form)
    {
        var script = new StringBuilder("local paths = {\n");
        foreach (var path in pool.All(form))
        {
            script.Append("  \"").Append(path).AppendLine("\",");
        }

        script.AppendLine("""
            }
            local i = 0
            request = function()
              i = i % #paths + 1
              return wrk.format("GET", paths[i])
            end
            """);
        var file = Path.Combine(Path.GetTempPath(), $"bench-wrk-{Guid.NewGuid():N}.lua");
        File.WriteAllText(file, script.ToString());
        return file;
    }

    /// <summary>h2load sends this file as each request's body: one gRPC frame (flag, length, message).</summary>
    private static string GrpcBody()
    {
        var message = ReadPathsScenario.Request.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        var file = Path.Combine(Path.GetTempPath(), $"bench-h2load-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(file, frame);
        return file;
    }

    private static (double, string, long, long)? ParseWrk(string output)
    {
        if (WrkRequests().Match(output) is not { Success: true } requests || WrkRate().Match(output) is not { Success: true } rate)
        {
            return null;
        }

        var failed = (WrkNon2xx().Match(output) is { Success: true } non2xx ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
            + (WrkSocketErrors().Match(output) is { Success: true } socket
                ? Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture))
                : 0);
        return (double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Text(WrkMedian(), output),
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture), failed);
    }

    private static (double, string, long, long)? ParseH2load(string output)
    {
        if (H2loadRequests().Match(output) is not { Success: true } requests || H2loadRate().Match(output) is not { Success: true } rate)
        {
            return null;
        }

        long Count(int group) => long.Parse(requests.Groups[group].Value, CultureInfo.InvariantCulture);
        var not2xx = H2loadStatuses().Match(output) is { Success: true } statuses
            ? Enumerable.Range(2, 3).Sum(g => long.Parse(statuses.Groups[g].Value, CultureInfo.InvariantCulture))
            : 0;
        return (double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Text(H2loadMean(), output) + " (mean)",
            Count(1), Count(2) + Count(3) + Count(4) + not2xx);
    }

    private static string Text(Regex pattern, string output) => pattern.Match(output) is { Success: true } m ? m.Groups[1].Value : "?";

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex WrkRate();

    [GeneratedRegex(@"50%\s+(\S+)")]
    private static partial Regex WrkMedian();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex WrkSocketErrors();

    [GeneratedRegex(@"finished in [^,]+, ([\d.]+) req/s")]
    private static partial Regex H2loadRate();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")]
    private static partial Regex H2loadRequests();

    [GeneratedRegex(@"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx")]
    private static partial Regex H2loadStatuses();

    [GeneratedRegex(@"time for request:\s+\S+\s+\S+\s+(\S+)")]
    private static partial Regex H2loadMean();
}
