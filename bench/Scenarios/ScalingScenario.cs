using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HotelBooking.Bench.Harness;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// docker-compose.yml on the local Docker engine with a CPU limit per container (bench/scaling.compose.yml:
/// 0.25 of a core per availability, booking and payment replica, 1 for the gateway): reads/s and bookings/s
/// through the gateway's REST API with 1, 2 and 4 replicas of availability and booking (payment stays at 2),
/// the replica counts alternating within every round. Each container's CPU over the window comes from its
/// cgroup, so the table says where the curve bends: replicas at their limit, the gateway, PostgreSQL, or the
/// machine's two cores (the bench's own load generator shares them). Needs a running engine, the images
/// (<c>docker compose build</c>) and root for the cgroup files.
/// </summary>
public static class ScalingScenario
{
    private const string Project = "hotelbooking-scaling";
    private static readonly int[] Replicas = [1, 2, 4];
    private static readonly string[] Services = ["gateway", "availability", "booking", "payment", "postgres", "dashboard"];
    // The services whose replicas the table varies: their CPU per request says what spreading the load costs.
    private static readonly string[] Scaled = ["availability", "booking"];
    private static readonly Uri Gateway = new("http://localhost:5080");

    private sealed record Window(double PerSecond, int Errors, string? FirstError, Dictionary<string, double> Cores);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        // A throwaway stack's passwords; docker-compose.yml requires them.
        foreach (var (name, value) in new[] { ("POSTGRES_PASSWORD", "bench"), ("AVAILABILITY_DB_PASSWORD", "bench-a"), ("BOOKING_DB_PASSWORD", "bench-b"), ("PAYMENT_DB_PASSWORD", "bench-p") })
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        var duration = options.Duration;
        var reads = new Dictionary<int, List<Window>>();
        var bookings = new Dictionary<int, List<Window>>();
        try
        {
            Compose("up", "-d", "--build", "--scale", "availability=1", "--scale", "booking=1", "--scale", "payment=2");
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseProxy = false })
            {
                BaseAddress = Gateway,
                Timeout = TimeSpan.FromSeconds(30),
            };
            await WaitHealthyAsync(1);
            var rooms = await RoomTypesAsync(client);
            var stays = StayPool.Draw([.. rooms.Select(r => r.Hotel).Distinct()]);
            var readPaths = stays.Prepared(q => q.GatewayPath);

            for (var round = 0; round < options.Rounds; round++)
            {
                // 1, 2, 4 then 4, 2, 1: no replica count always runs first or last.
                foreach (var n in round % 2 == 0 ? Replicas : Replicas.Reverse())
                {
                    Compose("up", "-d", "--scale", $"availability={n}", "--scale", $"booking={n}", "--scale", "payment=2");
                    await WaitHealthyAsync(n);
                    // The gateway and booking ask DNS for the replicas every 15 s (ServiceDefaults/GrpcClientExtensions.cs).
                    await Task.Delay(TimeSpan.FromSeconds(options.Smoke ? 1 : 16));
                    await Load.RunAsync(32, options.Warmup, s => ReadAsync(client, readPaths(s)));
                    await Load.RunAsync(16, options.Warmup, s => BookAsync(client, rooms, s));
                    Add(reads, n, await MeasureAsync(32, duration, s => ReadAsync(client, readPaths(s))));
                    Add(bookings, n, await MeasureAsync(16, duration, s => BookAsync(client, rooms, s)));
                    Console.Error.WriteLine($"round {round + 1}, {n} replica(s): {reads[n][^1].PerSecond:N0} reads/s, {bookings[n][^1].PerSecond:N0} bookings/s");
                }
            }
        }
        finally
        {
            Compose("down", "-v", "--remove-orphans");
        }

        var report = new StringBuilder()
            .AppendLine($"### Scaling out under CPU limits (docker compose, {options.Rounds} rounds of {duration.TotalSeconds:N0} s, replica counts alternated)")
            .AppendLine()
            .AppendLine("Limits: 0.25 core per availability, booking and payment replica, 1 core for the gateway, none for PostgreSQL; payment at 2 replicas. " +
                        $"Reads: GET /api/hotels/{{id}}/availability at concurrency 32 ({StayPool.Describe}); bookings: POST /api/bookings at concurrency 16, random stays of every hotel's room types, a 201 or a 409 (sold out) counting as answered. " +
                        "Cores: each service's containers' CPU over the window, from their cgroups (median of rounds); \"bench\" is the load generator. " +
                        "\"Their CPU per request\": availability's and booking's cores over the rate, all replicas together.")
            .AppendLine();
        Table(report, "reads/s", reads);
        Table(report, "bookings/s", bookings);
        Console.WriteLine(report);
        return reads.Values.Concat(bookings.Values).SelectMany(w => w).Sum(w => w.Errors) == 0 ? 0 : 1;
    }

    private static void Add(Dictionary<int, List<Window>> results, int n, Window window) =>
        (results.TryGetValue(n, out var list) ? list : results[n] = []).Add(window);

    private static void Table(StringBuilder report, string figure, Dictionary<int, List<Window>> results)
    {
        var one = Statistics.Median(results[1].Select(w => w.PerSecond));
        report.AppendLine($"| availability and booking replicas | {figure} | ÷ 1 replica | errors | their CPU per request | {string.Join(" | ", Services.Append("bench").Select(s => $"{s} cores"))} |")
            .AppendLine($"|---|---|---|---|---|{string.Concat(Enumerable.Repeat("---|", Services.Length + 1))}");
        foreach (var (n, windows) in results.OrderBy(r => r.Key))
        {
            var ratios = windows.Select(w => w.PerSecond / one).ToArray();
            var cores = Services.Append("bench").Select(s => Statistics.Median(windows.Select(w => w.Cores.GetValueOrDefault(s))).ToString("N2", CultureInfo.InvariantCulture));
            var perRequest = Statistics.Median(windows.Select(w => Scaled.Sum(s => w.Cores.GetValueOrDefault(s)) / w.PerSecond * 1e6));
            report.AppendLine($"| {n} | {Statistics.Spread(windows.Select(w => w.PerSecond).ToArray())} | {Statistics.Spread(ratios, "N2")} | " +
                              $"{windows.Sum(w => w.Errors)}{(windows.FirstOrDefault(w => w.FirstError is not null)?.FirstError is { } e ? $" ({e})" : "")} | " +
                              $"{perRequest.ToString("N0", CultureInfo.InvariantCulture)} µs | {string.Join(" | ", cores)} |");
        }

        report.AppendLine();
    }

    private static async Task<Window> MeasureAsync(int concurrency, TimeSpan duration, Func<int, Task> call)
    {
        var before = CpuByService();
        var benchBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var load = await Load.RunAsync(concurrency, duration, call);
        var seconds = clock.Elapsed.TotalSeconds;
        var after = CpuByService();
        var cores = after.ToDictionary(p => p.Key, p => (p.Value - before.GetValueOrDefault(p.Key)).TotalSeconds / seconds);
        cores["bench"] = (Process.GetCurrentProcess().TotalProcessorTime - benchBefore).TotalSeconds / seconds;
        return new Window(load.PerSecond, load.Errors, load.FirstError, cores);
    }

    private static async Task ReadAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"{(int)response.StatusCode} on {path}");
        }
    }

    /// <summary>A booking of a random stay; a 409 (that room type is sold out that night) is no error, and counts as an answered request.</summary>
    private static async Task BookAsync(HttpClient client, (string Hotel, string RoomType)[] rooms, int sequence)
    {
        var (hotel, room) = rooms[Random.Shared.Next(rooms.Length)];
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(Random.Shared.Next(10, 355));
        using var request = BookingScenario.Booker.Request(hotel, room, checkIn);
        using var response = await client.SendAsync(request);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Every hotel's room types, from the REST API (one availability query per hotel, before any load).</summary>
    private static async Task<(string Hotel, string RoomType)[]> RoomTypesAsync(HttpClient client)
    {
        var hotels = await client.GetFromJsonAsync<JsonElement>("/api/hotels");
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        var rooms = new List<(string, string)>();
        foreach (var hotel in hotels.EnumerateArray().Select(h => h.GetProperty("id").GetString()!))
        {
            var stay = await client.GetFromJsonAsync<JsonElement>($"/api/hotels/{hotel}/availability?checkIn={checkIn:yyyy-MM-dd}&checkOut={checkIn.AddDays(1):yyyy-MM-dd}&guests=1");
            rooms.AddRange(stay.GetProperty("rooms").EnumerateArray().Select(r => (hotel, r.GetProperty("roomTypeId").GetString()!)));
        }

        return [.. rooms];
    }

    private static async Task WaitHealthyAsync(int n)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            var containers = Services.Take(4).SelectMany(ContainersOf).ToArray();
            var healthy = containers.Count(c => Docker("inspect", "-f", "{{.State.Health.Status}}", c).Trim() == "healthy");
            if (healthy == 1 + n + n + 2 && containers.Length == healthy)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{healthy} of {containers.Length} containers healthy, expected {1 + n + n + 2}.");
            }

            await Task.Delay(1000);
        }
    }

    /// <summary>CPU time of each service's running containers so far, from cgroup v1's cpuacct (or v2's cpu.stat).</summary>
    private static Dictionary<string, TimeSpan> CpuByService() => Services.ToDictionary(s => s, s => ContainersOf(s).Aggregate(TimeSpan.Zero, (sum, id) => sum + CpuOf(id)));

    private static TimeSpan CpuOf(string id)
    {
        var v1 = $"/sys/fs/cgroup/cpuacct/docker/{id}/cpuacct.usage";
        if (File.Exists(v1))
        {
            return TimeSpan.FromTicks(long.Parse(File.ReadAllText(v1).Trim(), CultureInfo.InvariantCulture) / 100);
        }

        // cgroup v2: the systemd driver's scope, or the cgroupfs driver's directory.
        var scope = $"/sys/fs/cgroup/system.slice/docker-{id}.scope/cpu.stat";
        var v2 = File.ReadLines(File.Exists(scope) ? scope : $"/sys/fs/cgroup/docker/{id}/cpu.stat").First(l => l.StartsWith("usage_usec", StringComparison.Ordinal));
        return TimeSpan.FromMicroseconds(long.Parse(v2.Split(' ')[1], CultureInfo.InvariantCulture));
    }

    private static string[] ContainersOf(string service) =>
        Docker("ps", "-q", "--no-trunc", "--filter", $"label=com.docker.compose.project={Project}", "--filter", $"label=com.docker.compose.service={service}")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static void Compose(params string[] args) =>
        Run("docker", ["compose", "-p", Project, "-f", "docker-compose.yml", "-f", "bench/scaling.compose.yml", .. args]);

    private static string Docker(params string[] args) => Run("docker", args);

    private static string Run(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Checkout.Current.Root };
        args.ToList().ForEach(start.ArgumentList.Add);
        start.Environment["COMPOSE_DOCKER_CLI_BUILD"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {errors.Result}");
        }

        return output.Result;
    }
}
