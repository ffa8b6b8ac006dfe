using System.Globalization;

namespace HotelBooking.Bench.Harness;

public static class Summary
{
    /// <summary>
    /// A row of a goals table: "–" where an arm was not measured (a single-concurrency run), and
    /// "inconclusive" where the rounds moved more than the goal's size (<paramref name="noise"/> says how much).
    /// </summary>
    public static string Goal(string goal, double measured, string format, bool? met, string? noise = null, bool reference = false)
    {
        if (double.IsNaN(measured) || double.IsInfinity(measured))
        {
            return $"| {goal} | – | – |";
        }

        var verdict = reference ? "(reference)" : met switch
        {
            true => "yes",
            false => "**no**",
            null => $"inconclusive: p50 moved {noise} between rounds",
        };
        return $"| {goal} | {measured.ToString(format, CultureInfo.InvariantCulture)} | {verdict} |";
    }
}
