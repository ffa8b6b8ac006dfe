using System.Diagnostics;

namespace HotelBooking.Bench.Harness;

/// <summary>What one closed-loop run measured: every call's latency, and the failures.</summary>
public sealed record LoadResult(int Calls, int Errors, string? FirstError, TimeSpan Elapsed, double[] LatenciesMicroseconds)
{
    public double PerSecond => Calls / Elapsed.TotalSeconds;

    public double Percentile(double p) => Statistics.Percentile(LatenciesMicroseconds, p);
}

public static class Load
{
    /// <summary>
    /// <paramref name="concurrency"/> workers each call <paramref name="call"/> back to back for
    /// <paramref name="duration"/> (a closed loop: a new call starts when the last one ends).
    /// </summary>
    public static async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, Func<int, Task> call)
    {
        var errors = 0;
        string? firstError = null;
        var perWorker = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = perWorker[worker] = new List<double>(4096);
            var iteration = 0;
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await call(worker * 1_000_000 + iteration++);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        })));

        var elapsed = clock.Elapsed;
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(all.Length, errors, firstError, elapsed, all);
    }
}
