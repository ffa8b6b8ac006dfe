using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;
using Xunit.Abstractions;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Reliability;

[Collection(SystemCollection.Name)]
public sealed class SoakOnSqlite(SystemFixture system, ITestOutputHelper output) : SoakTests(system, output);

[Collection(PostgresSystemCollection.Name)]
public sealed class SoakOnPostgres(PostgresSystemFixture system, ITestOutputHelper output) : SoakTests(system.Started(), output);

/// <summary>
/// A correctness soak, not a benchmark: hundreds of concurrent bookings while payment and availability
/// fail and stall at random, then every invariant checked against the databases; on SQLite and on PostgreSQL.
/// </summary>
public abstract class SoakTests(SystemFixture system, ITestOutputHelper output)
{
    private const int Attempts = 500;
    private const int Concurrency = 16;
    private static readonly string[] BerlinRoomTypes = ["spree-loft-single", "spree-loft-double", "spree-loft-loft", "spree-loft-penthouse"];

    [SkippableFact]
    public async Task Soak_500BookingsWithInjectedFaults_EveryInvariantHolds()
    {
        var stays = Enumerable.Range(0, 5).Select(_ => UniqueStay(nights: 2)).ToArray();
        await system.SetFaultsAsync("payment", new { failureRate = 0.2, maxLatency = "00:00:00.050" });
        await system.SetFaultsAsync("availability", new { failureRate = 0.05, maxLatency = "00:00:00.010" });
        var faultsBefore = await system.InjectedFailuresAsync("payment") + await system.InjectedFailuresAsync("availability");

        var statuses = new ConcurrentBag<HttpStatusCode>();
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Attempts), new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
                async (i, _) =>
                {
                    var random = new Random(i);
                    var (checkIn, checkOut) = stays[random.Next(stays.Length)];
                    var body = BookingBody(checkIn, checkOut, hotelId: Berlin, roomTypeId: BerlinRoomTypes[random.Next(BerlinRoomTypes.Length)],
                        guests: 1, token: random.NextDouble() < 0.15 ? "tok_chargeDeclined" : "tok_visa");
                    var attempt = Stopwatch.StartNew();
                    var status = await BookWithRetriesAsync(Guid.NewGuid().ToString(), body);
                    latencies.Add(attempt.Elapsed.TotalMilliseconds);
                    statuses.Add(status);
                });
        }
        finally
        {
            await system.ClearFaultsAsync("payment");
            await system.ClearFaultsAsync("availability");
        }

        var elapsed = clock.Elapsed;
        var faults = await system.InjectedFailuresAsync("payment") + await system.InjectedFailuresAsync("availability") - faultsBefore;
        var settleTime = await WaitUntilEverythingSettledAsync(TimeSpan.FromSeconds(60));
        var violations = Invariants.Check(system);

        var histogram = statuses.GroupBy(s => (int)s).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        var sorted = latencies.Order().ToArray();
        var report = new StringBuilder()
            .AppendLine($"| attempts | confirmed (201) | declined (402) | 409 | 503/504 | faults injected | invariant violations | p50 | p99 | bookings/s | settled after |")
            .AppendLine("|---|---|---|---|---|---|---|---|---|---|---|")
            .AppendLine($"| {Attempts} | {histogram.GetValueOrDefault(201)} | {histogram.GetValueOrDefault(402)} | {histogram.GetValueOrDefault(409)} | " +
                $"{histogram.GetValueOrDefault(503) + histogram.GetValueOrDefault(504)} | {faults} | {violations.Count} | " +
                $"{Statistics.Percentile(sorted, 0.50):F0} ms | {Statistics.Percentile(sorted, 0.99):F0} ms | {Attempts / elapsed.TotalSeconds:F1} | {settleTime.TotalSeconds:F1} s |")
            .ToString();
        output.WriteLine(report);
        output.WriteLine(string.Join(Environment.NewLine, violations));
        Artifacts.Write($"soak-{system.Provider}.md", report);

        Assert.Empty(violations);
        Assert.All(histogram.Keys, status => Assert.Contains(status, new[] { 201, 402, 409, 503, 504 }));
        Assert.True(histogram.GetValueOrDefault(201) > 0, "Nothing was booked at all.");
        Assert.True(faults > 0, "No fault was injected.");
    }

    /// <summary>Like a careful client: a 503 or 504 is retried with the same Idempotency-Key.</summary>
    private async Task<HttpStatusCode> BookWithRetriesAsync(string key, object body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await system.Api.PostBookingAsync(body, key);
            if (attempt == 3 || response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
            {
                return response.StatusCode;
            }

            await Task.Delay(200 * attempt);
        }
    }

    private async Task<TimeSpan> WaitUntilEverythingSettledAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using (var bookings = system.OpenDatabase("booking-db"))
            {
                if (Invariants.Scalar(bookings, "SELECT COUNT(*) FROM \"Bookings\" WHERE \"Step\" <> 'Done'") == 0)
                {
                    return clock.Elapsed;
                }
            }

            Assert.True(clock.Elapsed < limit, $"Bookings were still unsettled {limit.TotalSeconds} s after the run.");
            await Task.Delay(500);
        }
    }
}
