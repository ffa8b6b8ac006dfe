using System.Diagnostics;

namespace HotelBooking.Bench.Harness;

/// <summary>How a warm-up ended: after how long, and whether the servers' JIT had gone quiet by then (null: a smoke, not waited for).</summary>
public sealed record WarmUpResult(TimeSpan Elapsed, bool? Settled)
{
    public override string ToString() => Settled switch
    {
        true => $"warmed up for {Elapsed.TotalSeconds:0} s, until tiered compilation had settled in every server",
        false => $"warmed up for {Elapsed.TotalSeconds:0} s; tiered compilation was still busy, so the figures include JIT work",
        null => $"warmed up for {Elapsed.TotalSeconds:0.#} s only (a smoke, not waiting for the JIT): the figures are not measurements",
    };
}

/// <summary>
/// Runs load until the servers are warm. On a core shared by four servers, .NET's tiered compilation
/// (tier 0, then instrumented, then optimized code for hot methods) took about 100 s under load to settle, and
/// until then it used a quarter of the core: measured earlier, that is a measurement of the JIT.
/// </summary>
public static class WarmUp
{
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(4);

    /// <summary>A server's JIT is quiet when its tiered-compilation thread used at most this share of a core over a slice.</summary>
    private const double QuietShare = 0.01;

    /// <summary>
    /// Calls <paramref name="load"/> with a slice of time, again and again, for at least the <c>--warmup</c> time and until
    /// no server's JIT used more than 1% of a core over the last slice (at most four minutes). A smoke warms once.
    /// </summary>
    public static Task<WarmUpResult> UntilJitSettlesAsync(BenchSystem system, BenchOptions options, Func<TimeSpan, Task> load) =>
        UntilJitSettlesAsync([system], options, load);

    /// <summary>The same, for systems that run side by side (old and new builds, settings compared): every server of all of them.</summary>
    public static async Task<WarmUpResult> UntilJitSettlesAsync(IReadOnlyList<BenchSystem> systems, BenchOptions options, Func<TimeSpan, Task> load)
    {
        if (options.Smoke)
        {
            await load(options.Warmup);
            return new(options.Warmup, Settled: null);
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            var processes = systems.SelectMany(s => s.Processes).ToList();
            var before = processes.ToDictionary(p => p.Pid, p => p.JitCpuTime);
            var slice = Stopwatch.StartNew();
            await load(Slice);
            var busiest = processes.Max(p => (p.JitCpuTime - before[p.Pid]) / slice.Elapsed);
            if (clock.Elapsed >= options.Warmup && busiest <= QuietShare)
            {
                return new(clock.Elapsed, Settled: true);
            }

            if (clock.Elapsed >= Longest)
            {
                return new(clock.Elapsed, Settled: false);
            }
        }
    }
}
