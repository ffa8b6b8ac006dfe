namespace HotelBooking.EndToEnd.Infrastructure;

public static class Statistics
{
    /// <summary>The nearest-rank percentile of an ascending array (p = 0.5 for the median).</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
