using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HotelBooking.Bench.Scenarios;

// dotnet run -c Release --project bench -- <scenario> [options]
//   payload                     bytes on the wire, JSON vs Protobuf, raw, gzip, Brotli
//   serialization [--smoke]     BenchmarkDotNet: Google.Protobuf vs System.Text.Json (source-generated)
var scenario = args.FirstOrDefault() ?? "payload";
switch (scenario)
{
    case "payload":
        Console.WriteLine(PayloadScenario.Run());
        return 0;
    case "serialization":
        // --smoke: one in-process iteration of each benchmark, to prove they run (CI); no figures from it.
        var config = args.Contains("--smoke")
            ? ManualConfig.CreateMinimumViable().AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
            : DefaultConfig.Instance;
        var summary = BenchmarkRunner.Run<SerializationBenchmarks>(config);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}'. Available: payload, serialization.");
        return 2;
}
