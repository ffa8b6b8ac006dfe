using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using HotelBooking.EndToEnd.Telemetry;
using HotelBooking.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HotelBooking.EndToEnd.Infrastructure;

/// <summary>Starts the real AppHost once for the whole run, over fresh SQLite databases in a temporary folder.</summary>
public class SystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hotelbooking-e2e-").FullName;
    private readonly byte[] _signingKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    /// <summary>A bearer token for the admin API, with the given role.</summary>
    public string Token(string role = "admin") => new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(
        new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "hotelbooking",
            Audience = "hotelbooking",
            Claims = new Dictionary<string, object> { ["role"] = role },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new(new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(_signingKey),
                Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });

    /// <summary>POST /api/admin/inventory with an admin token.</summary>
    public Task<HttpResponseMessage> ImportAsync(string ndjson, string contentType = "application/x-ndjson")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/inventory")
        {
            Content = new StringContent(ndjson, System.Text.Encoding.UTF8, contentType),
        };
        request.Headers.Authorization = new("Bearer", Token());
        return Api.SendAsync(request);
    }

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where every service's traces, logs and metrics go during the run.</summary>
    public OtlpReceiver Telemetry { get; private set; } = null!;

    /// <summary>The public REST API (port 5080).</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>How long the system took from start to a healthy gateway.</summary>
    public TimeSpan StartupTime { get; private set; }

    public Uri GrpcEdge => App.GetEndpoint("gateway", "GrpcEdge");

    public const int StreamLimitTotal = 60;

    public GrpcChannel CreateEdgeChannel() => GrpcChannel.ForAddress(GrpcEdge);

    /// <summary>The database provider the services run on, as a file-name-friendly word.</summary>
    public virtual string Provider => "sqlite";

    /// <summary>Extra AppHost arguments: where the services' databases are.</summary>
    protected virtual IEnumerable<string> DatabaseArguments() => [];

    /// <summary>Opens a service's database, to check invariants against what is really stored.</summary>
    public virtual DbConnection OpenDatabase(string connectionName)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, connectionName + ".sqlite")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Sets a service's injected faults (its /_faults endpoint, HTTP/2 like the rest of it).</summary>
    public async Task SetFaultsAsync(string service, object settings)
    {
        using var response = await ServiceClient.PutAsJsonAsync(new Uri(App.GetEndpoint(service, "http"), "/_faults"), settings);
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync(string service)
    {
        using var response = await ServiceClient.DeleteAsync(new Uri(App.GetEndpoint(service, "http"), "/_faults"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Open gRPC streams per method in the availability service (its /_diagnostics/streams endpoint).</summary>
    public async Task<int> OpenStreamsAsync()
    {
        var open = await ServiceClient.GetFromJsonAsync<Dictionary<string, int>>(new Uri(App.GetEndpoint("availability", "http"), "/_diagnostics/streams"));
        return open!.Values.Sum();
    }

    /// <summary>The resident memory of a service's process tree, from /proc (Linux).</summary>
    public async Task<long> ResidentBytesAsync(string name)
    {
        return ProcessTree(await ProcessIdAsync(name)).Sum(p =>
        {
            var line = File.ReadLines($"/proc/{p}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        });
    }

    /// <summary>The process Aspire started for a running resource.</summary>
    private async Task<int> ProcessIdAsync(string name)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var running = await App.ResourceNotifications.WaitForResourceAsync(name, e => e.Snapshot.State?.Text == "Running", timeout.Token);
        return Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value);
    }

    private static IEnumerable<int> ProcessTree(int pid) =>
        Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var n) ? n : -1).Where(n => n > 0)
            .Where(child => File.Exists($"/proc/{child}/stat") && ParentOf(child) == pid).SelectMany(ProcessTree).Prepend(pid);

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    /// <summary>How many faults a service has injected so far.</summary>
    public async Task<long> InjectedFailuresAsync(string service)
    {
        var state = await ServiceClient.GetFromJsonAsync<JsonElement>(new Uri(App.GetEndpoint(service, "http"), "/_faults"));
        return state.GetProperty("counters").GetProperty("failures").GetInt64();
    }

    private static readonly HttpClient ServiceClient = new()
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public virtual async Task InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        Telemetry = await OtlpReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [$"HotelBooking:DataDirectory={_dataDirectory}", .. DatabaseArguments()]);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString().TrimEnd('/');
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                // Parent-based at ratio 1.0, the shipped sampler's kind: every trace that starts in the system is
                // recorded, and a caller's decision is followed, as in production (SamplingTests). Named explicitly:
                // the AppHost (Aspire) sets OTEL_TRACES_SAMPLER=always_on for its dashboard, which ignores callers.
                context.EnvironmentVariables["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
                context.EnvironmentVariables["OTEL_TRACES_SAMPLER_ARG"] = "1.0";
                context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            });
        }

        // The admin API accepts tokens signed with a key made for this run (the way `dotnet user-jwts` works).
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "gateway"))
            .WithEnvironment("Authentication__Schemes__Bearer__SigningKeys__0__Issuer", "hotelbooking")
            .WithEnvironment("Authentication__Schemes__Bearer__SigningKeys__0__Value", Convert.ToBase64String(_signingKey))
            // Heartbeats every 2 s instead of 15, so a test can see one.
            .WithEnvironment("Gateway__SseHeartbeat", "00:00:02")
            // A gateway-wide stream limit a test can reach (the shipped 2000 is far above what the tests open).
            .WithEnvironment("StreamLimits__Total", StreamLimitTotal.ToString(System.Globalization.CultureInfo.InvariantCulture));

        App = await builder.BuildAsync();

        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        StartupTime = clock.Elapsed;
        Artifacts.Write($"startup-{Provider}.md", $"AppHost start to a healthy gateway: {StartupTime.TotalSeconds:F1} s\n");

        Api = new HttpClient { BaseAddress = App.GetEndpoint("gateway", "Rest"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Waits until a service that died on its own has exited, starts it again and waits until it is healthy.</summary>
    public async Task RestartAfterCrashAsync(string name)
    {
        var resource = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await App.ResourceNotifications.WaitForResourceAsync(name,
            e => e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart", timeout.Token);
        // The orchestrator occasionally reports a restart right after a kill as failed to start (seen once in CI,
        // not reproduced); the test is about the system after the restart, so it tries again, and says so.
        for (var attempt = 1; ; attempt++)
        {
            var started = await App.Services.GetRequiredService<ResourceCommandService>()
                .ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
            Assert.True(started.Success, $"Starting {name}: {started.Message}");
            try
            {
                await App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
                await WaitUntilTheGatewayReachesAsync(name);
                return;
            }
            catch (DistributedApplicationException ex) when (attempt < 3)
            {
                Console.Error.WriteLine($"Restarting {name} (attempt {attempt}) failed: {ex.Message}; trying again.");
                await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
            }
        }
    }

    /// <summary>
    /// A restarted service is healthy before the gateway's channel has reconnected to it (the channel retries a
    /// refused connection at most 1 s apart, ServiceDefaults/GrpcClientExtensions.cs), and until then the gateway
    /// answers 503. Waits until a call through the gateway reaches the service again, so that the test and the
    /// ones after it meet the whole system: a fresh-clone CI run failed on a request made at once, and on the
    /// next test. Payment is not behind a route of its own; booking reaches it with its own retries.
    /// </summary>
    private async Task WaitUntilTheGatewayReachesAsync(string name)
    {
        var (path, answer) = name switch
        {
            "availability" => ($"/api/hotels/{TestData.Lisbon}", HttpStatusCode.OK),
            "booking" => ("/api/bookings/bk_00000000000000000000000000000000", HttpStatusCode.NotFound),
            _ => (null, default),
        };
        if (path is null)
        {
            return;
        }

        var status = await Eventually.ReadAsync(async () =>
        {
            using var response = await Api.GetAsync(path);
            return response.StatusCode;
        }, status => status == answer, within: TimeSpan.FromSeconds(10));
        Assert.True(status == answer, $"{name} is healthy, but GET {path} through the gateway still answers {(int)status} after 10 s.");
    }

    /// <summary>
    /// Kills a service's process tree (a crash, not a polite stop), runs <paramref name="whileDown"/>, then
    /// starts it again and waits until it is healthy.
    /// </summary>
    public async Task WithResourceKilledAsync(string name, Func<Task> whileDown)
    {
        using (var process = Process.GetProcessById(await ProcessIdAsync(name)))
        {
            process.Kill(entireProcessTree: true);
        }

        try
        {
            await whileDown();
        }
        finally
        {
            await RestartAfterCrashAsync(name);
        }
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment; the folder is in /tmp.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}

/// <summary>
/// The same AppHost with <c>HotelBooking:Database=postgres</c>, its three databases on the test run's
/// PostgreSQL server (Testcontainers). It binds the same ports, so it runs alone, after the SQLite system.
/// </summary>
public sealed class PostgresSystemFixture : SystemFixture
{
    public override string Provider => "postgres";

    /// <summary>This fixture, once its tests may run: skips them when no Docker engine is reachable (fails on CI).</summary>
    public PostgresSystemFixture Started()
    {
        PostgresServer.SkipIfUnavailable();
        return this;
    }

    protected override IEnumerable<string> DatabaseArguments() =>
        ["HotelBooking:Database=postgres", $"ConnectionStrings:postgres-server={PostgresServer.ConnectionString}"];

    public override DbConnection OpenDatabase(string connectionName)
    {
        var connection = new NpgsqlConnection(PostgresServer.ConnectionStringFor(connectionName.Replace("-db", "", StringComparison.Ordinal)));
        connection.Open();
        return connection;
    }

    public override Task InitializeAsync() => PostgresServer.IsAvailable ? base.InitializeAsync() : Task.CompletedTask;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresSystemCollection : ICollectionFixture<PostgresSystemFixture>
{
    public const string Name = "system on PostgreSQL";
}
