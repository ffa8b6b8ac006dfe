using System.Diagnostics;
using System.Text;
using HotelBooking.Bench.Harness;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// What tracing costs: random reads through the gateway (REST, concurrency 32) and the booking saga
/// (concurrency 8) with OpenTelemetry off, as shipped (the exporter's endpoint set, every other setting the
/// services' own), and sampling every trace, exported (OTLP/HTTP to a sink). One system per setting, all
/// started and warmed together (a smoke: one after the other); the arms alternate within each of at least five
/// rounds, since they come close.
/// </summary>
public static class TracingScenario
{
    private sealed record Round(ReadPathsScenario.Round Read, BookingScenario.Round Booking, double ExportedKilobytesPerSecond)
    {
        public int Errors => Read.Errors + Booking.Errors;
    }

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
            // No sampler variables: what ships (ServiceDefaults/Telemetry/TraceSampling.cs, parent-based 10%).
            ("as shipped, exported", new(exporter)),
            ("every trace, exported", new(exporter) { ["OTEL_TRACES_SAMPLER"] = "always_on" }),
        };

        var readConcurrency = options.Concurrency ?? 32;
        var bookingConcurrency = options.Concurrency ?? 8;
        var rounds = new Dictionary<string, List<Round>>();
        WarmUpResult? warmUp = null;
        // A smoke starts one setting's system at a time: twelve cold servers on one core answer a first booking
        // after the gateway's deadline. A measurement keeps them side by side, so the arms can alternate.
        foreach (var group in options.Smoke ? settings.Select(s => new[] { s }) : [settings])
        {
            var groupWarmUp = await MeasureSideBySideAsync(group, options, sink, readConcurrency, bookingConcurrency, rounds);
            warmUp ??= groupWarmUp;
        }

        Console.WriteLine(Report(rounds, options, warmUp!, readConcurrency, bookingConcurrency));
        return rounds.Values.SelectMany(r => r).Sum(r => r.Errors) == 0 ? 0 : 1;
    }

    private static async Task<WarmUpResult> MeasureSideBySideAsync((string Name, Dictionary<string, string> Environment)[] settings, BenchOptions options,
        OtlpSink sink, int readConcurrency, int bookingConcurrency, Dictionary<string, List<Round>> rounds)
    {
        var arms = new List<(string Name, ReadPathsScenario.Arm Read, Func<int, Task> ReadCall, BookingScenario.Booker Booker)>();
        var systems = new List<BenchSystem>();
        try
        {
            foreach (var (name, environment) in settings)
            {
                var system = await BenchSystem.StartAsync(new SystemOptions { Bookings = true, Environment = environment, Label = name });
                systems.Add(system);
                var pool = await StayPool.FromCatalogueAsync(system.AvailabilityGrpc);
                var read = ReadPathsScenario.Arms(system, pool).Single(a => a.Name == "REST via gateway");
                arms.Add((name, read, read.CallAt(readConcurrency), await BookingScenario.Booker.CreateAsync(system)));
            }

            await ReadPathsScenario.ProbeAsync(arms.Select(a => a.Read));
            var warmUp = await WarmUp.UntilJitSettlesAsync(systems, options, async slice =>
            {
                foreach (var arm in arms)
                {
                    await Load.RunAsync(readConcurrency, slice / arms.Count / 2, arm.ReadCall);
                    await Load.RunAsync(bookingConcurrency, slice / arms.Count / 2, arm.Booker.BookAsync);
                }
            });

            arms.ForEach(a => rounds[a.Name] = []);
            for (var round = 0; round < options.Rounds; round++)
            {
                foreach (var arm in arms)
                {
                    var exportedBefore = sink.Bytes;
                    var clock = Stopwatch.StartNew();
                    var read = await ReadPathsScenario.MeasureRoundAsync(arm.Read, arm.ReadCall, readConcurrency, options.Duration);
                    var booking = await arm.Booker.MeasureAsync(bookingConcurrency, options.Duration);
                    rounds[arm.Name].Add(new Round(read, booking, (sink.Bytes - exportedBefore) / 1024.0 / clock.Elapsed.TotalSeconds));
                }
            }

            return warmUp;
        }
        finally
        {
            arms.ForEach(a => a.Booker.Dispose());
            foreach (var system in systems)
            {
                await system.DisposeAsync();
            }
        }
    }

    private static string Report(Dictionary<string, List<Round>> rounds, BenchOptions options, WarmUpResult warmUp, int readConcurrency, int bookingConcurrency)
    {
        var off = rounds.First().Value;
        double Ratio(List<Round> arm, Func<Round, double> value) => Statistics.Median(arm.Select(value)) / Statistics.Median(off.Select(value));
        var table = new StringBuilder()
            .AppendLine($"### tracing: random reads, REST via gateway at concurrency {readConcurrency}, booking at concurrency {bookingConcurrency}; {options.Rounds} alternating rounds of {options.Duration.TotalSeconds:0.#} s")
            .AppendLine()
            .AppendLine($"One system per setting, side by side; servers {warmUp}. CPU per read is the gateway's and availability's together; " +
                "CPU per booking is every process's. An idle system's periodic metric exports fall into the exported bytes of whichever arm runs.")
            .AppendLine()
            .AppendLine("| OpenTelemetry | reads/s | read p50 µs | gateway CPU µs/read | CPU µs/read | bookings/s | booking p50 ms | CPU ms/booking | exported KB/s | bookings/s ÷ off | reads/s ÷ off | errors |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, results) in rounds)
        {
            table.AppendLine($"| {name} | {Statistics.Spread([.. results.Select(r => r.Read.PerSecond)])} | {Statistics.Spread([.. results.Select(r => r.Read.P50)])} | " +
                $"{Statistics.Spread([.. results.Select(r => r.Read.CpuPerCall["gateway"])], "N1")} | {Statistics.Spread([.. results.Select(r => r.Read.TotalCpu)], "N1")} | " +
                $"{Statistics.Spread([.. results.Select(r => r.Booking.PerSecond)], "N1")} | {Statistics.Spread([.. results.Select(r => r.Booking.P50 / 1000)], "N1")} | " +
                $"{Statistics.Spread([.. results.Select(r => r.Booking.TotalCpu)], "N2")} | {Statistics.Spread([.. results.Select(r => r.ExportedKilobytesPerSecond)], "N1")} | " +
                $"{Ratio(results, r => r.Booking.PerSecond):0.00} | {Ratio(results, r => r.Read.PerSecond):0.00} | {results.Sum(r => r.Errors)} |");
        }

        foreach (var failure in rounds.Values.SelectMany(r => r).SelectMany(r => new[] { r.Read.FirstError, r.Booking.FirstError }).OfType<string>().Distinct())
        {
            table.AppendLine().AppendLine($"error: {failure}");
        }

        var shipped = rounds["as shipped, exported"];
        var everything = rounds["every trace, exported"];
        var shippedReads = Ratio(shipped, r => r.Read.PerSecond);
        var shippedBookings = Ratio(shipped, r => r.Booking.PerSecond);
        var everythingBookings = Ratio(everything, r => r.Booking.PerSecond);
        return table.AppendLine()
            .AppendLine("| goal | measured | met |")
            .AppendLine("|---|---|---|")
            .AppendLine(Summary.Goal("reads/s with tracing as shipped ÷ tracing off ≥ 0.90", shippedReads, "0.00", shippedReads >= 0.9, detail: PerRound(shipped, off, r => r.Read.PerSecond)))
            .AppendLine(Summary.Goal("bookings/s with tracing as shipped ÷ tracing off ≥ 0.90", shippedBookings, "0.00", shippedBookings >= 0.9,
                detail: PerRound(shipped, off, r => r.Booking.PerSecond)))
            .AppendLine(Summary.Goal("tracing everything costs ≤ 10% of the booking throughput (bookings/s ÷ off ≥ 0.90)", everythingBookings, "0.00", everythingBookings >= 0.9,
                detail: PerRound(everything, off, r => r.Booking.PerSecond)))
            .ToString();
    }

    /// <summary>The per-round ratios' range: arms next to each other in one round are the fairest pair this machine gives.</summary>
    private static string PerRound(List<Round> arm, List<Round> off, Func<Round, double> value)
    {
        var ratios = arm.Zip(off, (a, o) => value(a) / value(o)).Where(double.IsFinite).ToArray();
        return ratios.Length == 0 ? "–" : $"rounds {ratios.Min():0.00}–{ratios.Max():0.00}";
    }
}
