using System.Globalization;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// <c>[scenario] [--duration s] [--concurrency n] [--rounds n] [--warmup s] [--smoke] [--no-build]
/// [--postgres local|"server connection string"] [--baseline path] [--server-env NAME=VALUE]</c>
/// </summary>
public sealed record BenchOptions(
    string Scenario, TimeSpan Duration, int? Concurrency, int Rounds, TimeSpan Warmup, bool Smoke, bool Build, string? Postgres,
    string? Baseline, KeyValuePair<string, string>? ServerEnvironment)
{
    /// <summary><c>--postgres local</c>: the bench starts a PostgreSQL server of its own, whose CPU it can count.</summary>
    public const string LocalPostgres = "local";

    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).Take(1).FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        double? Number(string name) => Value(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;

        var smoke = args.Contains("--smoke");
        var scenario = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "payload";
        // An option the scenario does not know would otherwise run it without the comparison asked for.
        if (args.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && !Known.Contains(a)) is { } unknown)
        {
            throw new ArgumentException($"Unknown option {unknown}. Options: {string.Join(", ", Known)}.");
        }

        if ((args.Contains("--baseline") || args.Contains("--server-env")) && scenario is not ("read-paths" or "booking"))
        {
            throw new ArgumentException("--baseline and --server-env compare systems in read-paths and booking only.");
        }

        return new BenchOptions(
            Scenario: scenario,
            Duration: TimeSpan.FromSeconds(Number("--duration") ?? (smoke ? 0.5 : 5)),
            Concurrency: (int?)Number("--concurrency"),
            // A smoke proves the scenario runs; figures come from alternating rounds, three at least, and five
            // for tracing, whose arms come close.
            Rounds: (int?)Number("--rounds") ?? (smoke ? 1 : scenario == "tracing" ? 5 : 3),
            // The least warm-up; the scenarios that start servers go on until their JIT has settled (WarmUp).
            Warmup: TimeSpan.FromSeconds(Number("--warmup") ?? (smoke ? 0.2 : 8)),
            Smoke: smoke,
            Build: !args.Contains("--no-build"),
            // "--postgres" alone means a server of the bench's own.
            Postgres: args.Contains("--postgres") ? Value("--postgres") ?? LocalPostgres : null,
            Baseline: Value("--baseline") is { } path ? Path.GetFullPath(path) : null,
            ServerEnvironment: Value("--server-env") is { } setting ? ParseSetting(setting) : null);
    }

    private static readonly string[] Known =
        ["--duration", "--concurrency", "--rounds", "--warmup", "--smoke", "--no-build", "--postgres", "--baseline", "--server-env"];

    /// <summary>
    /// <c>--server-env NAME=VALUE</c> (read-paths, booking): a second system of this build with the variable set in
    /// every server, its arms alternated with the default's in every round; for runtime settings, which a build
    /// cannot compare (the thread pool's spin-waiting, the GC's budgets).
    /// </summary>
    public string? VariantLabel => ServerEnvironment is { } setting ? $"{setting.Key}={setting.Value}" : null;

    private static KeyValuePair<string, string> ParseSetting(string setting) => setting.Split('=', 2) is [{ Length: > 0 } name, var value]
        ? new(name, value)
        : throw new ArgumentException($"--server-env wants NAME=VALUE, not '{setting}'.");

    /// <summary>The concurrencies to measure: the one asked for, or the scenario's own.</summary>
    public int[] Concurrencies(params int[] defaults) => Concurrency is { } one ? [one] : defaults;

    /// <summary>The builds to run: this checkout, and the <c>--baseline</c> one before it when given.</summary>
    public IReadOnlyList<Checkout> Checkouts => Baseline is null ? [Checkout.Current] : [new Checkout("old", Baseline), Checkout.Current];
}
