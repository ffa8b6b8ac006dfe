using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HotelBooking.Bench.Harness;

/// <summary>What to start: the read path (availability and the gateway) or the whole booking path too.</summary>
public sealed record SystemOptions
{
    /// <summary>Whose build runs: this checkout, or the <c>--baseline</c> one.</summary>
    public Checkout Checkout { get; init; } = Checkout.Current;

    /// <summary>Payment and booking as well, for the saga.</summary>
    public bool Bookings { get; init; }

    /// <summary>The bench's in-memory stub in place of the availability service (the gateway's own cost).</summary>
    public bool StubAvailability { get; init; }

    /// <summary>A PostgreSQL server's connection string; without one each service gets a SQLite file.</summary>
    public string? PostgresServer { get; init; }

    /// <summary>The bench's own PostgreSQL server, when it runs one: its CPU is counted with the system's.</summary>
    public PrivatePostgres? PrivatePostgres { get; init; }

    /// <summary>A second availability process on the same database (<see cref="BenchSystem.AvailabilityGrpcB"/>): the freshness scenario.</summary>
    public bool SecondAvailability { get; init; }

    /// <summary>Environment for every process (the tracing scenario's OpenTelemetry settings).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>What the tables call this system: the arm's suffix.</summary>
    public string Label { get; init; } = "";
}

/// <summary>
/// The real services and gateway as processes on loopback, built in the bench's configuration (Release for figures), on fresh databases, pinned
/// to core 0 while this process runs on core 1. Ports are free ones, so a running AppHost is no obstacle.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    public const string ServerCores = "0";

    /// <summary>Permits per window (the shipped minute) for both rate-limiter policies: a million, beyond any arm's reach.</summary>
    public const int RateLimitPermits = 1_000_000;
    private readonly List<ServerProcess> _processes = [];
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hotelbooking-bench-").FullName;

    private readonly SystemOptions _options;

    private BenchSystem(SystemOptions options) => _options = options;

    public Checkout Checkout => _options.Checkout;

    public string Label => _options.Label;

    public Uri AvailabilityGrpc { get; } = FreeLoopbackUri();
    public Uri AvailabilityRest { get; } = FreeLoopbackUri();
    public Uri AvailabilityGrpcB { get; } = FreeLoopbackUri();
    public Uri GatewayRest { get; } = FreeLoopbackUri();
    public Uri GatewayGrpc { get; } = FreeLoopbackUri();
    private Uri PaymentGrpc { get; } = FreeLoopbackUri();
    private Uri BookingGrpc { get; } = FreeLoopbackUri();

    public ServerProcess Availability { get; private set; } = null!;
    public ServerProcess Gateway { get; private set; } = null!;
    public IReadOnlyList<ServerProcess> Processes => _processes;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// Each process's CPU time so far, by name, and PostgreSQL's as "postgres" when the bench runs the server
    /// (while two systems share it, whichever is under load is charged: the other is idle).
    /// </summary>
    public Dictionary<string, TimeSpan> CpuTimes()
    {
        var times = _processes.ToDictionary(p => p.Name, p => p.CpuTime);
        if (_options.PrivatePostgres is { } postgres)
        {
            times["postgres"] = postgres.CpuTime;
        }

        return times;
    }

    public static async Task<BenchSystem> StartAsync(SystemOptions options)
    {
        var system = new BenchSystem(options);
        try
        {
            await system.StartProcessesAsync(options);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync(SystemOptions options)
    {
        var suffix = Path.GetFileName(_dataDirectory).Replace('-', '_');
        Dictionary<string, string> Service(string connectionName, Uri grpc) => new(options.Environment)
        {
            ["Kestrel__Endpoints__Grpc__Url"] = grpc.GetLeftPart(UriPartial.Authority),
            ["Kestrel__Endpoints__Grpc__Protocols"] = "Http2",
            ["Database__Provider"] = options.PostgresServer is null ? "Sqlite" : "Postgres",
            [$"ConnectionStrings__{connectionName}"] = options.PostgresServer is null
                ? $"Data Source={Path.Combine(_dataDirectory, connectionName + ".sqlite")}"
                : $"{options.PostgresServer};Database={connectionName.Replace("-db", "")}_{suffix}",
        };

        if (options.StubAvailability)
        {
            Availability = await StartAsync("availability", typeof(Stub.StubAvailabilityServer).Assembly.Location,
                new() { ["STUB_URL"] = AvailabilityGrpc.GetLeftPart(UriPartial.Authority) }, AvailabilityGrpc, http2: true, arguments: [Stub.StubAvailabilityServer.Mode]);
        }
        else
        {
            var availability = Service("availability-db", AvailabilityGrpc);
            availability["Kestrel__Endpoints__Rest__Url"] = AvailabilityRest.GetLeftPart(UriPartial.Authority);
            availability["Kestrel__Endpoints__Rest__Protocols"] = "Http1";
            if (options.Checkout.HasComparisonEndpoint)
            {
                // An old build maps its REST comparison endpoint only in this environment, Production but for it.
                availability["ASPNETCORE_ENVIRONMENT"] = "Benchmark";
                availability["Comparison__RestEndpoint"] = "true";
            }

            Availability = await StartAsync("availability", ("Services/Availability", "Availability.dll"), availability, AvailabilityGrpc, http2: true);

            if (options.SecondAvailability)
            {
                var second = Service("availability-db", AvailabilityGrpcB); // the same database: the connection string names it
                await StartAsync("availability-b", ("Services/Availability", "Availability.dll"), second, AvailabilityGrpcB, http2: true);
            }
        }

        if (options.Bookings)
        {
            await StartAsync("payment", ("Services/Payment", "Payment.dll"), Service("payment-db", PaymentGrpc), PaymentGrpc, http2: true);
            var booking = Service("booking-db", BookingGrpc);
            booking["services__availability__http__0"] = AvailabilityGrpc.GetLeftPart(UriPartial.Authority);
            booking["services__payment__http__0"] = PaymentGrpc.GetLeftPart(UriPartial.Authority);
            await StartAsync("booking", ("Services/Booking", "Booking.dll"), booking, BookingGrpc, http2: true);
        }

        Gateway = await StartAsync("gateway", ("Gateway", "Gateway.dll"), new Dictionary<string, string>(options.Environment)
        {
            ["Kestrel__Endpoints__Rest__Url"] = GatewayRest.GetLeftPart(UriPartial.Authority),
            ["Kestrel__Endpoints__GrpcEdge__Url"] = GatewayGrpc.GetLeftPart(UriPartial.Authority),
            ["services__availability__http__0"] = AvailabilityGrpc.GetLeftPart(UriPartial.Authority),
            ["services__booking__http__0"] = BookingGrpc.GetLeftPart(UriPartial.Authority),
            // The limiter stays on, as shipped, so every arm pays for it; its limits are raised out of reach
            // (all load comes from one address), the same for the translated routes and the YARP ones.
            ["RateLimiting__Enabled"] = "true",
            ["RateLimiting__SearchesPerWindow"] = $"{RateLimitPermits}",
            ["RateLimiting__BookingsPerWindow"] = $"{RateLimitPermits}",
            // The plain-proxy arm: YARP forwarding availability's own REST/JSON over HTTP/1.1, as is, under the
            // searches limiter like the translated route; ordered first, should the gateway ship such a route too.
            ["ReverseProxy__Routes__bench-rest__ClusterId"] = "bench-rest",
            ["ReverseProxy__Routes__bench-rest__Order"] = "-1",
            ["ReverseProxy__Routes__bench-rest__RateLimiterPolicy"] = "searches",
            ["ReverseProxy__Routes__bench-rest__Match__Path"] = options.Checkout.HasComparisonEndpoint ? "/comparison/{**rest}" : "/v1/{**rest}",
            ["ReverseProxy__Clusters__bench-rest__HttpRequest__Version"] = "1.1",
            ["ReverseProxy__Clusters__bench-rest__Destinations__rest__Address"] = AvailabilityRest.GetLeftPart(UriPartial.Authority),
        }, GatewayRest, http2: false);
    }

    /// <summary>A server of the checkout, with its image's runtime settings under the bench's own environment.</summary>
    private Task<ServerProcess> StartAsync(string name, (string Directory, string Dll) project, Dictionary<string, string> environment, Uri health, bool http2)
    {
        var settings = _options.Checkout.ImageRuntimeSettings(project.Directory);
        foreach (var (key, value) in environment)
        {
            settings[key] = value; // --server-env and the scenarios' settings win over the image's
        }

        return StartAsync(name, _options.Checkout.BuiltDll(project.Directory, project.Dll), settings, health, http2);
    }

    private async Task<ServerProcess> StartAsync(string name, string path, Dictionary<string, string> environment, Uri health, bool http2, string[]? arguments = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: build in {Checkout.Configuration} first (the bench does unless --no-build).");
        }

        var process = ServerProcess.Start(name, path, environment, CorePinning.Available ? ServerCores : null, arguments ?? []);
        _processes.Add(process);
        await process.WaitHealthyAsync(health, http2, TimeSpan.FromMinutes(2));
        CorePinning.EnsureOnServerCores(name, process.Pid);

        return process;
    }

    private static Uri FreeLoopbackUri()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HotelBooking.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("HotelBooking.sln not found above the bench's output folder.");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file may still be held for a moment; it is in the temp folder
        }
    }
}
