using System.Text;
using HotelBooking.Bench.Harness;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// What tracing costs: the read path through the gateway (concurrency 32) and the booking saga
/// (concurrency 8) with OpenTelemetry off, sampling every trace and exporting it (OTLP/HTTP to a sink),
/// and the shipped default, sampling 10% parent-based. Each arm restarts every process with its settings; arms alternate.
/// </summary>
public static class TracingScenario
{
    private sealed record Round(double ReadPerSecond, double ReadP50, double GatewayCpuPerRead, double BookingsPerSecond, double BookingP50, double ExportedKilobytesPerSecond, int Errors);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var sink = await OtlpSink.StartAsync();
        var exporter = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Endpoint.GetLeftPart(UriPartial.Authority),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        var settings = new (string Name, Dictionary<string, string> Environment)[]
        {
            ("off (OTEL_SDK_DISABLED)", new() { ["OTEL_SDK_DISABLED"] = "true" }),
            ("every trace, exported", new(exporter) { ["OTEL_TRACES_SAMPLER"] = "always_on" }),
            // No sampler variables: what ships (ServiceDefaults/Telemetry/TraceSampling.cs, parent-based 10%).
            ("parent-based 10% (shipped default), exported", new(exporter)),
        };

        var readConcurrency = options.Concurrency ?? 32;
        var bookingConcurrency = options.Concurrency ?? 8;
        var rounds = settings.ToDictionary(s => s.Name, _ => new List<Round>());
        for (var round = 0; round < options.Rounds; round++)
        {
            foreach (var (name, environment) in settings)
            {
                await using var system = await BenchSystem.StartAsync(new SystemOptions { Bookings = true, Environment = environment });
                var gatewayArm = ReadPathsScenario.Arms(system).Single(a => a.Name == "REST via gateway");
                var read = (await ReadPathsScenario.MeasureAsync(system, [gatewayArm], options with { Rounds = 1 }, [readConcurrency]))
                    .Results.Values.Single().Single();
                var exportedBefore = sink.Bytes;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var booking = (await BookingScenario.MeasureAsync(system, options with { Rounds = 1 }, [bookingConcurrency])).Results.Values.Single().Single();
                rounds[name].Add(new Round(read.PerSecond, read.P50, read.CpuPerCall["gateway"], booking.PerSecond, booking.P50,
                    (sink.Bytes - exportedBefore) / 1024.0 / clock.Elapsed.TotalSeconds, read.Errors + booking.Errors));
            }
        }

        var off = rounds[settings[0].Name];
        double Ratio(List<Round> arm, Func<Round, double> value) => Statistics.Median(arm.Select(value)) / Statistics.Median(off.Select(value));
        var table = new StringBuilder()
            .AppendLine($"### tracing: REST via gateway at concurrency {readConcurrency}, booking at concurrency {bookingConcurrency}; {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s")
            .AppendLine()
            .AppendLine("| OpenTelemetry | reads/s | read p50 µs | gateway CPU µs/read | bookings/s | booking p50 ms | exported KB/s | bookings/s ÷ off | reads/s ÷ off | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, results) in rounds)
        {
            table.AppendLine($"| {name} | {Statistics.Spread([.. results.Select(r => r.ReadPerSecond)])} | {Statistics.Spread([.. results.Select(r => r.ReadP50)])} | " +
                $"{Statistics.Spread([.. results.Select(r => r.GatewayCpuPerRead)], "N1")} | {Statistics.Spread([.. results.Select(r => r.BookingsPerSecond)], "N1")} | " +
                $"{Statistics.Spread([.. results.Select(r => r.BookingP50 / 1000)], "N1")} | {Statistics.Spread([.. results.Select(r => r.ExportedKilobytesPerSecond)], "N1")} | " +
                $"{Ratio(results, r => r.BookingsPerSecond):0.00} | {Ratio(results, r => r.ReadPerSecond):0.00} | {results.Sum(r => r.Errors)} |");
        }

        var everything = Ratio(rounds[settings[1].Name], r => r.BookingsPerSecond);
        table.AppendLine()
            .AppendLine("| goal | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal("tracing everything costs ≤ 10% of the booking throughput (bookings/s ÷ off ≥ 0.90)", everything, "0.00", everything >= 0.9));
        Console.WriteLine(table);
        return rounds.Values.SelectMany(r => r).Sum(r => r.Errors) == 0 ? 0 : 1;
    }
}
