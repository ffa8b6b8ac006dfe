using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Net.Client;
using HotelBooking.Bench.Scenarios;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// The read paths again, driven by outside load generators pinned to the client's core: Debian's wrk for
/// the REST arms (HTTP/1.1, 32 connections, cycling through the bench's random queries with a Lua script)
/// and h2load (nghttp2-client) for the gRPC arms (one connection, 32 streams, one fixed query: h2load sends
/// one body). A second client on the same servers: where the bench's own .NET client cannot keep the
/// servers' core busy, CPU per request measured under it carries the servers' idle wake-ups, and the
/// "busy" column shows whether these C clients did better. Runs only when the bench pinned the servers;
/// says so and skips an arm whose tool is not installed.
/// </summary>
public static partial class CrossCheck
{
    private sealed record ToolArm(string Name, BenchSystem System, string Tool, Func<int, Task<ToolRun?>> RunAsync);

    private sealed record ToolRun(double PerSecond, string P50, long Failed, Dictionary<string, double> CpuPerRequest)
    {
        public double Cpu(string process) => CpuPerRequest.GetValueOrDefault(process, double.NaN);

        public double TotalCpu => CpuPerRequest.Values.Sum();
    }

    public sealed record Outcome(string Report, long Failed);

    public static async Task<Outcome> RunAsync(BenchSystem system, BenchSystem stub, StayPool pool, BenchOptions options)
    {
        if (!CorePinning.Relaunched)
        {
            return new("Saturation run with outside tools: skipped, the servers are not pinned apart from the client.", 0);
        }

        try
        {
            return await MeasureAllAsync(system, stub, pool, options);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or Grpc.Core.RpcException)
        {
            // The figures above are printed already; this run's failure is reported, and fails the bench.
            return new($"Saturation run with outside tools: failed: {e.Message}", 1);
        }
    }

    private static async Task<Outcome> MeasureAllAsync(BenchSystem system, BenchSystem stub, StayPool pool, BenchOptions options)
    {
        var seconds = Math.Max(1, (int)options.Duration.TotalSeconds);
        var scripts = new List<string>();
        try
        {
            ToolArm Rest(string name, BenchSystem on, Uri address, Func<StayQuery, string> form, params string[] onPath)
            {
                var script = WrkScript(pool, form);
                scripts.Add(script);
                return new(name, on, "wrk", s => MeasureAsync(on, onPath, "wrk", ["-t1", "-c32", $"-d{s}s", "--latency", "-s", script, address.ToString()], ParseWrk));
            }

            var body = GrpcBody();
            scripts.Add(body);
            ToolArm Grpc(string name, BenchSystem on, Uri address, params string[] onPath)
            {
                return new(name, on, "h2load", s => MeasureAsync(on, onPath, "h2load", ["-c1", "-m32", "-D", s.ToString(CultureInfo.InvariantCulture), "-d", body,
                    "-H", "content-type: application/grpc", "-H", "te: trailers",
                    new Uri(address, "/hotelbooking.availability.v1.AvailabilityService/GetAvailability").ToString()], ParseH2load));
            }

            List<ToolArm> arms =
            [
                Grpc("gRPC direct", system, system.AvailabilityGrpc, "availability"),
                Rest("REST direct", system, system.AvailabilityRest, system.Checkout.DirectRestPath, "availability"),
                Rest("REST via gateway", system, system.GatewayRest, q => q.GatewayPath, "gateway", "availability"),
                Grpc("gRPC via YARP", system, system.GatewayGrpc, "gateway", "availability"),
                Rest("REST via YARP", system, system.GatewayRest, system.Checkout.DirectRestPath, "gateway", "availability"),
                Rest("REST via gateway → stub", stub, stub.GatewayRest, q => q.GatewayPath, "gateway", "availability"),
                Grpc("gRPC via YARP → stub", stub, stub.GatewayGrpc, "gateway", "availability"),
            ];

            // h2load sees a gRPC error only as a 200 with a status in its trailers: the fixed query is asked once
            // through each gRPC address with a real client first, so a broken route fails here, not as fast "successes".
            foreach (var address in new[] { system.AvailabilityGrpc, system.GatewayGrpc, stub.GatewayGrpc })
            {
                using var channel = GrpcChannel.ForAddress(address);
                await new Proto.AvailabilityService.AvailabilityServiceClient(channel).GetAvailabilityAsync(ReadPathsScenario.Request);
            }

            // A-B-C … A-B-C …, as the bench's own rounds; a second of load per arm first, on connections of its own.
            var results = arms.ToDictionary(a => a.Name, _ => new List<ToolRun>());
            var missing = new HashSet<string>();
            foreach (var arm in arms)
            {
                if (await arm.RunAsync(1) is null)
                {
                    missing.Add(arm.Name);
                }
            }

            if (missing.Count == arms.Count)
            {
                return new("Saturation run with outside tools: skipped, neither wrk nor h2load is installed (apt-get install wrk nghttp2-client).", 0);
            }

            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var arm in arms.Where(a => !missing.Contains(a.Name)))
                {
                    results[arm.Name].Add(await arm.RunAsync(seconds) ?? throw new InvalidOperationException($"{arm.Tool} could not be started."));
                }
            }

            var failed = results.Values.SelectMany(r => r).Sum(r => r.Failed);
            return new(Report(results, arms.Where(a => !missing.Contains(a.Name)).ToList(), missing, failed, options), failed);
        }
        finally
        {
            scripts.ForEach(File.Delete);
        }
    }

    private static string Report(Dictionary<string, List<ToolRun>> results, List<ToolArm> arms, HashSet<string> missing, long failed, BenchOptions options)
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

        foreach (var name in missing)
        {
            report.AppendLine($"| {name} | not installed | | | | | | | |");
        }

        if (failed > 0 || missing.Count > 0)
        {
            return report.AppendLine().AppendLine(failed > 0
                ? $"Goals not judged: {failed} requests failed."
                : "Goals not judged: an arm's tool is not installed.").ToString();
        }

        double Median(string arm, Func<ToolRun, double> value) => Statistics.Median(results[arm].Select(value));
        var perQuery = Median("gRPC direct", r => r.Cpu("availability"));
        var translated = Median("REST via gateway", r => r.Cpu("gateway"));
        var forwarded = Median("REST via YARP", r => r.Cpu("gateway"));
        var gatewayRate = Median("REST via gateway", r => r.PerSecond);
        var grpcEdge = Median("gRPC direct", r => r.PerSecond) / Median("REST direct", r => r.PerSecond);
        return report
            .AppendLine()
            .AppendLine("| goal, at saturation | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal("availability CPU per GetAvailability, gRPC direct (h2load) ≤ 60 µs", perQuery, "0.0 µs", perQuery <= 60))
            .AppendLine(Summary.Goal("gateway CPU per translated request (wrk) ≤ 40 µs", translated, "0.0 µs", translated <= 40))
            .AppendLine(Summary.Goal("gateway CPU per translated request ÷ YARP's REST forward (wrk) ≤ 1.0", translated / forwarded, "0.00",
                translated / forwarded <= 1.0, detail: $"{translated:0.0} µs ÷ {forwarded:0.0} µs"))
            .AppendLine(Summary.Goal("gateway CPU per translated request with an in-memory availability (wrk)", Median("REST via gateway → stub", r => r.Cpu("gateway")),
                "0.0 µs", null, reference: true))
            .AppendLine(Summary.Goal("REST via gateway requests/s (wrk) ≥ 8,000", gatewayRate, "N0", gatewayRate >= 8000))
            .AppendLine(Summary.Goal("gRPC direct (h2load, one fixed query) ÷ REST direct (wrk, random queries) requests/s", grpcEdge, "0.00×", null, reference: true))
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
        var (outputTask, errorsTask) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        var (output, errors) = (await outputTask, await errorsTask);
        await process.WaitForExitAsync();
        var after = system.CpuTimes();
        var parsed = parse(output) ?? throw new InvalidOperationException($"{tool} printed nothing this bench can read:\n{output}\n{errors}");
        var cpu = onPath.ToDictionary(p => p, p => parsed.Requests > 0 ? (after[p] - before[p]).TotalMicroseconds / parsed.Requests : double.NaN);
        return new ToolRun(parsed.PerSecond, parsed.P50, parsed.Failed, cpu);
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

        // h2load's "failed" holds its errored and timed-out requests and the 4xx and 5xx answers already.
        return (double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Text(H2loadMean(), output) + " (mean)",
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(requests.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private static string Text(Regex pattern, string output) => pattern.Match(output) is { Success: true } m ? m.Groups[1].Value : "?";

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex WrkRequests();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex WrkRate();

    [GeneratedRegex(@"(?m)^\s+50%\s+(\S+)")]
    private static partial Regex WrkMedian();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex WrkNon2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex WrkSocketErrors();

    [GeneratedRegex(@"finished in [^,]+, ([\d.]+) req/s")]
    private static partial Regex H2loadRate();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed")]
    private static partial Regex H2loadRequests();

    [GeneratedRegex(@"time for request:\s+\S+\s+\S+\s+(\S+)")]
    private static partial Regex H2loadMean();
}
