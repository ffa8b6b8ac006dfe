using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HotelBooking.Bench.Harness;
using HotelBooking.Bench.Scenarios;
using HotelBooking.Bench.Stub;

// dotnet run -c Release --project bench -- <scenario> [--duration s] [--concurrency n] [--rounds n] [--smoke] [--baseline path]
//                                            [--server-env NAME=VALUE]
//   read-paths      random availability queries: gRPC / REST direct, REST via the gateway (to the service and to an
//                   in-memory stub), gRPC / REST via YARP; then
//                   the same arms at saturation with wrk and h2load, where installed
//   search          a city's offers: GET /api/search via the gateway and SearchHotels direct
//   streaming       WatchAvailability vs polling GetAvailability at the same freshness
//   booking         the whole saga through the gateway at concurrency 1, 8, 32 (--postgres [local|"…"] for PostgreSQL)
//   tracing         read path and booking with OpenTelemetry off, as shipped, sampling everything
//   freshness       a change through one availability process until another's stream shows it (--postgres needed)
//   scaling         docker compose under per-container CPU limits: reads/s and bookings/s with 1, 2, 4 replicas
//                   (needs the Docker engine and root; not pinned: the containers use both cores)
//   payload         bytes on the wire, JSON vs Protobuf, raw, gzip, Brotli
//   serialization   BenchmarkDotNet: Google.Protobuf vs System.Text.Json (source-generated)
// --baseline <another checkout>: builds it too and runs its arms alternately with this checkout's (read-paths, booking).
// --server-env NAME=VALUE: a second system of this build with that variable in every server, alternated with the
//                   default (read-paths, booking): runtime settings such as DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0.
// The scenarios that start processes build the services in the bench's configuration (Release; a Debug bench is
// only for smokes), pin them to core 0 and this process to core 1 (taskset), and alternate the arms of each
// comparison within the run.
if (args.FirstOrDefault() == StubAvailabilityServer.Mode)
{
    return await StubAvailabilityServer.RunAsync();
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

string[] measured = ["read-paths", "search", "streaming", "booking", "tracing", "freshness"];

if (measured.Contains(options.Scenario))
{
    if (CorePinning.RelaunchPinned(args) is { } exitCode)
    {
        return exitCode;
    }

    if (Checkout.Configuration != "Release")
    {
        Console.WriteLine($"> A {Checkout.Configuration} build of the bench runs {Checkout.Configuration} servers: a smoke, not figures (dotnet run -c Release).");
    }

    if (options.Build)
    {
        options.Checkouts.ToList().ForEach(checkout => checkout.Build());
    }
}

switch (options.Scenario)
{
    case "read-paths":
        return await ReadPathsScenario.RunAsync(options);
    case "search":
        return await SearchScenario.RunAsync(options);
    case "streaming":
        return await StreamingScenario.RunAsync(options);
    case "booking":
        return await BookingScenario.RunAsync(options);
    case "tracing":
        return await TracingScenario.RunAsync(options);
    case "freshness":
        return await FreshnessScenario.RunAsync(options);
    case "scaling":
        return await ScalingScenario.RunAsync(options);
    case "payload":
        Console.WriteLine(PayloadScenario.Run());
        return 0;
    case "serialization":
        // --smoke: one in-process iteration of each benchmark, to prove they run (CI); no figures from it.
        var config = options.Smoke
            ? ManualConfig.CreateMinimumViable().AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
            : DefaultConfig.Instance;
        var summary = BenchmarkRunner.Run<SerializationBenchmarks>(config);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    default:
        Console.Error.WriteLine($"Unknown scenario '{options.Scenario}'. Available: {string.Join(", ", measured)}, scaling, payload, serialization.");
        return 2;
}
