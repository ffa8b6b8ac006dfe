using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;
using Xunit.Abstractions;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Streaming;

/// <summary>
/// The streaming figures docs/benchmarks.md reports, measured on the running system. Only the gateway's memory
/// growth during a 100,000-line import is asserted (a resource bound, not a time); the times are reported.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StreamingFiguresTests(SystemFixture system, ITestOutputHelper output)
{
    [Fact]
    public async Task StreamingFigures_MeasuredAndTheLargeImportStaysWithinMemory()
    {
        var sse = await SseLatencyAsync(rounds: 16); // 8 single and 8 double rooms: all of them
        var quote = await QuoteRoundTripAsync(rounds: 50);
        var (linesPerSecond, growthBytes, accepted) = await LargeImportAsync(100_000);

        var report = new StringBuilder()
            .AppendLine("| measure | p50 | p99 / total |")
            .AppendLine("|---|---|---|")
            .AppendLine($"| SSE: booking sent → `availability` event received (16 bookings) | {Statistics.Percentile(sse, 0.5):F1} ms | {Statistics.Percentile(sse, 0.99):F1} ms |")
            .AppendLine($"| WebSocket quote round trip: criteria sent → quote received (50) | {Statistics.Percentile(quote, 0.5):F1} ms | {Statistics.Percentile(quote, 0.99):F1} ms |")
            .AppendLine($"| NDJSON import, 100,000 lines ({accepted} accepted) | {linesPerSecond:F0} lines/s | gateway memory +{growthBytes / 1024.0 / 1024.0:F1} MB |")
            .ToString();
        output.WriteLine(report);
        Artifacts.Write("streaming.md", report);

        Assert.True(growthBytes < 50L * 1024 * 1024, $"The gateway grew by {growthBytes / 1024 / 1024} MB during the import.");
    }

    private async Task<double[]> SseLatencyAsync(int rounds)
    {
        var (checkIn, checkOut) = UniqueStay();
        await using var sse = await SseClient.OpenAsync(system.Api, $"/api/hotels/{Berlin}/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=1");
        await sse.NextEventAsync(CancellationToken.None);
        var latencies = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var roomType = i % 2 == 0 ? "spree-loft-single" : "spree-loft-double";
            var clock = Stopwatch.StartNew();
            var booking = system.Api.PostBookingAsync(BookingBody(checkIn, checkOut, hotelId: Berlin, roomTypeId: roomType, guests: 1));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await sse.NextEventAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No event in round {i}; booking answered {(int)(await booking).StatusCode}: {await (await booking).Content.ReadAsStringAsync()}");
            }
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.Created, (await booking).StatusCode);
            // The confirmation does not change availability, so no second event is pending.
        }

        return latencies.Order().ToArray();
    }

    private async Task<double[]> QuoteRoundTripAsync(int rounds)
    {
        var tests = new StreamingTests(system);
        var latencies = new List<double>();
        // A socket may send a burst of 20 criteria, then 5 a second: a socket per 20 rounds measures at
        // full speed without being closed as a flood.
        foreach (var chunk in Enumerable.Range(0, rounds).Chunk(20))
        {
            using var socket = await tests.ConnectQuotesAsync();
            foreach (var i in chunk)
            {
                var (checkIn, checkOut) = (Iso(Today.AddDays(30 + i)), Iso(Today.AddDays(32 + i)));
                var clock = Stopwatch.StartNew();
                await StreamingTests.SendAsync(socket, new { hotelId = Lisbon, checkIn, checkOut, guests = 2 });
                var quote = await StreamingTests.ReceiveAsync(socket);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
                Assert.Equal("quote", quote.GetProperty("type").GetString());
            }
        }

        return latencies.Order().ToArray();
    }

    private async Task<(double LinesPerSecond, long GrowthBytes, int Accepted)> LargeImportAsync(int lines)
    {
        var (body, accepted, _, _) = StreamingTests.ImportBody(lines);
        var before = await system.ResidentBytesAsync("gateway");
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, await system.ResidentBytesAsync("gateway"));
                await Task.Delay(100);
            }
        });

        var clock = Stopwatch.StartNew();
        var response = await system.ImportAsync(body);
        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(accepted, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        return (lines / elapsed.TotalSeconds, peak - before, accepted);
    }
}
