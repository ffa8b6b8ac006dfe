using System.Globalization;

namespace HotelBooking.Bench.Harness;

public static class Summary
{
    public static int Errors(IEnumerable<Scenarios.ReadPathsScenario.Round> rounds) => rounds.Sum(r => r.Errors);

    /// <summary>A row of a goals table; "–" where an arm was not measured (a single-concurrency run).</summary>
    public static string Goal(string goal, double measured, string format, bool? met) =>
        double.IsNaN(measured) || double.IsInfinity(measured)
            ? $"| {goal} | – | – |"
            : $"| {goal} | {measured.ToString(format, CultureInfo.InvariantCulture)} | {(met is null ? "(reference)" : met.Value ? "yes" : "**no**")} |";
}
