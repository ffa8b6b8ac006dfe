namespace HotelBooking.Bench.Harness;

/// <summary>Reading /proc/&lt;pid&gt;/stat: CPU times in clock ticks.</summary>
public static class ProcStat
{
    /// <summary>USER_HZ: /proc reports CPU time in 1/100 s on Linux.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>The fields after the command name (which may hold spaces): [0] is the state (field 3), [1] the parent's pid.</summary>
    public static string[] Fields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>utime + stime (fields 14 and 15).</summary>
    public static long UserAndSystem(string[] fields) => long.Parse(fields[11]) + long.Parse(fields[12]);
}
