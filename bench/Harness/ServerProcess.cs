using System.Diagnostics;
using System.Net;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// A service or the gateway as a real process (<c>dotnet App.dll</c> from its build output), pinned to
/// the given cores with <c>taskset</c>, as Production with its shipped appsettings.json (logging included)
/// unless the environment given says otherwise. Its CPU time comes from /proc/&lt;pid&gt;/stat.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private ServerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    /// <summary>The cores the process may run on, as the kernel says (<c>Cpus_allowed_list</c>, e.g. "0" or "0-1").</summary>
    public static string AllowedCoresOf(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))["Cpus_allowed_list:".Length..].Trim();

    public static ServerProcess Start(string name, string assemblyPath, IReadOnlyDictionary<string, string> environment, string? cpus, string[] arguments)
    {
        var info = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!, // its appsettings.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (cpus is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(assemblyPath);
        arguments.ToList().ForEach(info.ArgumentList.Add);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new ServerProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}."));
    }

    /// <summary>Polls /health until it answers 200; HTTP/2 with prior knowledge for the gRPC services.</summary>
    public async Task WaitHealthyAsync(Uri baseAddress, bool http2, TimeSpan timeout)
    {
        using var client = new HttpClient
        {
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(2),
        };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{string.Join('\n', _lastLines)}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(baseAddress, "/health"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} was not healthy after {timeout.TotalSeconds} s:\n{string.Join('\n', _lastLines)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>User plus system CPU time of the whole process so far (fields 14 and 15 of /proc/pid/stat).</summary>
    public TimeSpan CpuTime => TimeSpan.FromSeconds(ProcStat.UserAndSystem(ProcStat.Fields(File.ReadAllText($"/proc/{Pid}/stat"))) / ProcStat.TicksPerSecond);

    /// <summary>
    /// CPU time of the runtime's tiered-compilation thread: the background JIT that recompiles hot methods
    /// optimized. While it is busy the process is still warming up.
    /// </summary>
    public TimeSpan JitCpuTime
    {
        get
        {
            long ticks = 0;
            foreach (var thread in Directory.EnumerateDirectories($"/proc/{Pid}/task"))
            {
                try
                {
                    // Linux keeps 15 characters of a thread's name: ".NET Tiered Compilation Worker" is ".NET Tiered Com".
                    if (File.ReadAllText(Path.Combine(thread, "comm")).TrimEnd() == ".NET Tiered Com")
                    {
                        ticks += ProcStat.UserAndSystem(ProcStat.Fields(File.ReadAllText(Path.Combine(thread, "stat"))));
                    }
                }
                catch (IOException)
                {
                    // the thread ended while we looked
                }
            }

            return TimeSpan.FromSeconds(ticks / ProcStat.TicksPerSecond);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
