using System.Diagnostics;

namespace HotelBooking.Bench.Harness;

/// <summary>The load generator runs on core 1 and the servers on core 0, so they never share a core.</summary>
public static class CorePinning
{
    private const string PinnedVariable = "HOTELBOOKING_BENCH_PINNED";

    /// <summary>
    /// Two cores or more, and taskset to pin with. The relaunched process knows from its variable: pinned to
    /// core 1, its <see cref="Environment.ProcessorCount"/> is 1 (the cores it may use), and asking that again
    /// there once started every server unpinned, on the load generator's core.
    /// </summary>
    public static bool Available { get; } = Relaunched || (Environment.ProcessorCount > 1 && File.Exists("/usr/bin/taskset"));

    /// <summary>This is the relaunched process, on core 1: every server it starts must be on core 0.</summary>
    public static bool Relaunched => Environment.GetEnvironmentVariable(PinnedVariable) is not null;

    /// <summary>
    /// Starts this program again under <c>taskset -c 1</c> and returns its exit code, or null when this
    /// process is already pinned (or there is one core, or no taskset) and should do the work itself.
    /// Affinity has to be set before the runtime starts its threads, hence a new process.
    /// </summary>
    public static int? RelaunchPinned(string[] args)
    {
        if (Relaunched || !Available)
        {
            return null;
        }

        var executable = Environment.ProcessPath!;
        var arguments = Path.GetFileNameWithoutExtension(executable) == "dotnet"
            ? [Environment.GetCommandLineArgs()[0], .. args] // dotnet Bench.dll …
            : args;
        var info = new ProcessStartInfo("/usr/bin/taskset", ["-c", "1", executable, .. arguments]);
        info.Environment[PinnedVariable] = "1";
        using var child = Process.Start(info)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>
    /// Checked, not assumed: a server on the load generator's core is measured together with it. Throws when
    /// the relaunched bench's server <paramref name="pid"/> may run anywhere but <see cref="BenchSystem.ServerCores"/>.
    /// </summary>
    public static void EnsureOnServerCores(string name, int pid)
    {
        if (Relaunched && ServerProcess.AllowedCoresOf(pid) is var cores && cores != BenchSystem.ServerCores)
        {
            throw new InvalidOperationException($"{name} runs on core(s) {cores}, not on core {BenchSystem.ServerCores} as the bench pins servers.");
        }
    }
}
