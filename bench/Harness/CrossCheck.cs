using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using HotelBooking.Bench.Scenarios;

namespace HotelBooking.Bench.Harness;

/// <summary>
/// The same two arms measured by outside load generators, pinned like the bench: Debian's wrk for REST
/// through the gateway (HTTP/1.1, 32 connections) and h2load (nghttp2-client) for direct gRPC (one
/// connection, 32 streams). Skipped, saying so, where the tools are not installed.
/// </summary>
public static partial class CrossCheck
{
    public static async Task<string> RunAsync(BenchSystem system, BenchOptions options)
    {
        var seconds = Math.Max(1, (int)options.Duration.TotalSeconds);
        var report = new StringBuilder()
            .AppendLine("Cross-check with outside tools (concurrency 32, the bench's own figure beside it from the rounds above):")
            .AppendLine()
            .AppendLine("| arm | tool | requests/s | p50 |")
            .AppendLine("|---|---|---|---|");

        var url = new Uri(system.GatewayRest, $"/api/hotels/alfama-riverside/availability?{ReadPathsScenario.Query}");
        var wrk = await ToolAsync("wrk", ["-t1", "-c32", $"-d{seconds}s", "--latency", url.ToString()]);
        report.AppendLine(wrk is null
            ? "| REST via gateway | wrk | not installed (apt-get install wrk) | |"
            : $"| REST via gateway | wrk | {Match(WrkRate(), wrk)} | {Match(WrkMedian(), wrk)} |");

        // h2load sends this file as each request's body: one gRPC frame (flag, length, message).
        var message = ReadPathsScenario.Request.ToByteArray();
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        var body = Path.GetTempFileName();
        await File.WriteAllBytesAsync(body, frame);
        var h2load = await ToolAsync("h2load", ["-c1", "-m32", "-D", seconds.ToString(), "-d", body,
            "-H", "content-type: application/grpc", "-H", "te: trailers",
            new Uri(system.AvailabilityGrpc, "/hotelbooking.availability.v1.AvailabilityService/GetAvailability").ToString()]);
        File.Delete(body);
        report.AppendLine(h2load is null
            ? "| gRPC direct | h2load | not installed (apt-get install nghttp2-client) | |"
            : $"| gRPC direct | h2load | {Match(H2loadRate(), h2load)} | {Match(H2loadMedian(), h2load)} (mean of request times) |");
        return report.ToString();
    }

    private static async Task<string?> ToolAsync(string tool, string[] arguments)
    {
        var path = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            return null;
        }

        var info = new ProcessStartInfo("taskset", ["-c", "1", path, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private static string Match(Regex pattern, string output) => pattern.Match(output) is { Success: true } m ? m.Groups[1].Value : "?";

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex WrkRate();

    [GeneratedRegex(@"50%\s+(\S+)")]
    private static partial Regex WrkMedian();

    [GeneratedRegex(@"finished in [^,]+, ([\d.]+) req/s")]
    private static partial Regex H2loadRate();

    [GeneratedRegex(@"time for request:\s+\S+\s+\S+\s+(\S+)")]
    private static partial Regex H2loadMedian();
}
