using System.Globalization;
using System.Text;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// One build (or setting) against another, from arms run alternately within every round: per figure, the
/// median of each, the ratio of the medians, and the min–max of the per-round ratios (round i of one ÷
/// round i of the other, measured next to each other).
/// </summary>
public static class BeforeAfter
{
    public sealed record Figure<TRound>(string Name, Func<TRound, double> Value, string Format);

    /// <param name="rows">Per row (an arm at a concurrency): its rounds for the reference and for the compared variant.</param>
    public static string Table<TRound>(string title, string reference, string compared,
        IEnumerable<(string Row, IReadOnlyList<TRound> Reference, IReadOnlyList<TRound> Compared)> rows, params Figure<TRound>[] figures)
    {
        var table = new StringBuilder()
            .AppendLine(title)
            .AppendLine()
            .AppendLine($"| arm | figure | {reference} (median) | {compared} (median) | {compared} ÷ {reference} | per-round ratios (min–max) |")
            .AppendLine("|---|---|---|---|---|---|");
        foreach (var (row, before, after) in rows)
        {
            foreach (var figure in figures)
            {
                var old = Statistics.Median(before.Select(figure.Value));
                var @new = Statistics.Median(after.Select(figure.Value));
                if (double.IsNaN(old) && double.IsNaN(@new))
                {
                    continue;
                }

                var ratios = before.Zip(after, (b, a) => figure.Value(a) / figure.Value(b)).Where(double.IsFinite).ToArray();
                var spread = ratios.Length == 0 ? "–" : $"{ratios.Min().ToString("0.00", CultureInfo.InvariantCulture)}–{ratios.Max().ToString("0.00", CultureInfo.InvariantCulture)}";
                table.AppendLine($"| {row} | {figure.Name} | {Format(old, figure.Format)} | {Format(@new, figure.Format)} | " +
                    $"{(@new / old).ToString("0.00", CultureInfo.InvariantCulture)}× | {spread} |");
            }
        }

        return table.ToString();
    }

    private static string Format(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);
}
