using System.Globalization;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// <c>[scenario] [--duration s] [--concurrency n] [--rounds n] [--warmup s] [--smoke] [--no-build] [--postgres "server connection string"]</c>
/// </summary>
public sealed record BenchOptions(
    string Scenario, TimeSpan Duration, int? Concurrency, int Rounds, TimeSpan Warmup, bool Smoke, bool Build, string? Postgres)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        double? Number(string name) => Value(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

        var smoke = args.Contains("--smoke");
        return new BenchOptions(
            Scenario: args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "payload",
            Duration: TimeSpan.FromSeconds(Number("--duration") ?? (smoke ? 0.5 : 5)),
            Concurrency: (int?)Number("--concurrency"),
            // A smoke proves the scenario runs; figures come from alternating rounds, three at least.
            Rounds: (int?)Number("--rounds") ?? (smoke ? 1 : 3),
            // The least warm-up; the scenarios that start servers go on until their JIT has settled (WarmUp).
            Warmup: TimeSpan.FromSeconds(Number("--warmup") ?? (smoke ? 0.2 : 8)),
            Smoke: smoke,
            Build: !args.Contains("--no-build"),
            Postgres: Value("--postgres"));
    }

    /// <summary>The concurrencies to measure: the one asked for, or the scenario's own.</summary>
    public int[] Concurrencies(params int[] defaults) => Concurrency is { } one ? [one] : defaults;
}
