using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// A PostgreSQL server of the bench's own (<c>--postgres local</c>): Debian's PostgreSQL binaries, a fresh
/// cluster (initdb) in a temporary folder, default settings but for the port and room for two systems'
/// connection pools, pinned to the servers' core. Its CPU is countable: the postmaster's own time, the time
/// of the backends it has reaped (cutime, cstime) and that of the backends still running.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _data;
    private readonly Process _server;

    private PrivatePostgres(string folder, int port, Process server)
    {
        _folder = folder;
        _data = Path.Combine(folder, "data");
        _server = server;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres";
    }

    public string ConnectionString { get; }

    public static bool Installed => BinDirectory is not null;

    private static string? BinDirectory =>
        Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault() : null;

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = BinDirectory ?? throw new InvalidOperationException("--postgres local needs PostgreSQL's binaries (apt-get install postgresql).");
        var folder = Directory.CreateTempSubdirectory("hotelbooking-bench-pg-").FullName;
        var data = Path.Combine(folder, "data");
        // initdb and the server refuse to run as root: as root, run them as the postgres user, who owns the folder.
        if (Environment.UserName == "root")
        {
            await RunAsync(new ProcessStartInfo("chown", ["-R", "postgres:postgres", folder]));
        }

        await RunAsync(AsPostgres(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"));
        var port = FreePort();
        var start = AsPostgres(Path.Combine(bin, "postgres"), "-D", data, "-p", port.ToString(), "-k", folder,
            "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=400");
        var pinned = new ProcessStartInfo("taskset", ["-c", BenchSystem.ServerCores, start.FileName, .. start.ArgumentList])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var server = Process.Start(pinned)!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var postgres = new PrivatePostgres(folder, port, server);
        var clock = Stopwatch.StartNew();
        while (!await AcceptsAsync(port))
        {
            if (server.HasExited || clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                await postgres.DisposeAsync();
                throw new InvalidOperationException($"The private PostgreSQL server did not start (see {data}/log or run initdb by hand).");
            }

            await Task.Delay(200);
        }

        try
        {
            CorePinning.EnsureOnServerCores("PostgreSQL", int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First()));
        }
        catch (InvalidOperationException)
        {
            await postgres.DisposeAsync();
            throw;
        }

        return postgres;
    }

    /// <summary>The server's CPU time so far: the postmaster with the backends it reaped, and the live ones.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First());
            long ticks = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    continue;
                }

                try
                {
                    var fields = ProcStat.Fields(File.ReadAllText(Path.Combine(directory, "stat")));
                    if (pid == postmaster)
                    {
                        ticks += ProcStat.UserAndSystem(fields) + long.Parse(fields[13]) + long.Parse(fields[14]); // + reaped children
                    }
                    else if (int.Parse(fields[1]) == postmaster)
                    {
                        ticks += ProcStat.UserAndSystem(fields);
                    }
                }
                catch (IOException)
                {
                    // the process ended while we looked
                }
            }

            return TimeSpan.FromSeconds(ticks / ProcStat.TicksPerSecond);
        }
    }

    private static ProcessStartInfo AsPostgres(string program, params string[] arguments) =>
        Environment.UserName == "root"
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", program, .. arguments])
            : new ProcessStartInfo(program, arguments);

    private static async Task RunAsync(ProcessStartInfo info, bool checkExit = true)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (checkExit && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{info.FileName} {string.Join(' ', info.ArgumentList)} failed:\n{output}");
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited && File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            // SIGQUIT to the postmaster: immediate shutdown of it and every backend; the cluster is thrown away.
            var postmaster = File.ReadLines(Path.Combine(_data, "postmaster.pid")).First();
            await RunAsync(new ProcessStartInfo("kill", ["-QUIT", postmaster]), checkExit: false);
        }

        await _server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _server.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // left in the temp folder
        }
    }
}
