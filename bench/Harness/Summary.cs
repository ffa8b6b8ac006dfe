using System.Globalization;

namespace HotelBooking.Bench.Harness;

public static class Summary
{
    /// <summary>
    /// A row of a goals table: "–" where an arm was not measured (a single-concurrency run), and
    /// "inconclusive" where the rounds moved enough to put the measurement on either side of the goal
    /// (<paramref name="noise"/> says how much they moved). A goal with no threshold yet is <paramref name="reference"/>: reported.
    /// </summary>
    public static string Goal(string goal, double measured, string format, bool? met, string? noise = null, bool reference = false, string? detail = null)
    {
        if (double.IsNaN(measured) || double.IsInfinity(measured))
        {
            return $"| {goal} | – | – |";
        }

        var verdict = reference ? "(reference)" : met switch
        {
            true => noise is null ? "yes" : $"yes, by more than the {noise} the p50s moved between rounds",
            false => noise is null ? "**no**" : $"**no**, by more than the {noise} the p50s moved between rounds",
            null => $"inconclusive: p50 moved {noise} between rounds",
        };
        var shown = measured.ToString(format, CultureInfo.InvariantCulture) + (detail is null ? "" : $" ({detail})");
        return $"| {goal} | {shown} | {verdict} |";
    }
}
