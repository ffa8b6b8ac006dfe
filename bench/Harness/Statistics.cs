using System.Globalization;

namespace HotelBooking.Bench.Harness;

public static class Statistics
{
    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>"median (min–max)" of the rounds, e.g. "1,234 (1,200–1,260)".</summary>
    public static string Spread(IReadOnlyCollection<double> rounds, string format = "N0")
    {
        var valid = rounds.Where(v => !double.IsNaN(v)).ToArray();
        if (valid.Length == 0)
        {
            return "–";
        }

        var median = Median(valid).ToString(format, CultureInfo.InvariantCulture);
        return valid.Length == 1
            ? median
            : $"{median} ({valid.Min().ToString(format, CultureInfo.InvariantCulture)}–{valid.Max().ToString(format, CultureInfo.InvariantCulture)})";
    }
}
