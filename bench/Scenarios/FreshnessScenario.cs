using System.Diagnostics;
using System.Text;
using Grpc.Net.Client;
using HotelBooking.Bench.Harness;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// How soon a change made through one availability process is seen by another on the same PostgreSQL
/// database: holds taken and given back through A, one at a time, each timed from sending it until B's
/// WatchAvailability stream shows it (change log, NOTIFY, B's read model, B's stream). A pause between
/// changes keeps the stream's own re-quote throttle (Streaming:RequoteInterval) out of the figure.
/// </summary>
public static class FreshnessScenario
{
    private const string Hotel = "alfama-riverside";
    private const string RoomType = "alfama-riverside-double";
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        if (options.Postgres is null)
        {
            Console.Error.WriteLine("freshness needs --postgres local (the bench's own server) or --postgres \"Host=…;Username=…;Password=…\": two processes share one PostgreSQL database.");
            return 2;
        }

        await using var privatePostgres = options.Postgres == BenchOptions.LocalPostgres ? await PrivatePostgres.StartAsync() : null;
        await using var system = await BenchSystem.StartAsync(new SystemOptions
        {
            PostgresServer = privatePostgres?.ConnectionString ?? options.Postgres,
            PrivatePostgres = privatePostgres,
            SecondAvailability = true,
        });
        using var channelA = GrpcChannel.ForAddress(system.AvailabilityGrpc);
        using var channelB = GrpcChannel.ForAddress(system.AvailabilityGrpcB);
        var a = new Proto.AvailabilityService.AvailabilityServiceClient(channelA);
        var b = new Proto.AvailabilityService.AvailabilityServiceClient(channelB);
        var stay = ReadPathsScenario.Request;
        using var stop = new CancellationTokenSource();
        using var watch = b.WatchAvailability(new Proto.WatchAvailabilityRequest { HotelId = Hotel, CheckIn = stay.CheckIn, CheckOut = stay.CheckOut, Guests = 2 },
            cancellationToken: stop.Token);

        var changes = options.Smoke ? 6 : 200;
        var delays = new double[changes];
        Assert(await watch.ResponseStream.MoveNext(stop.Token), "B's stream ended before its first message");
        var free = Free(watch.ResponseStream.Current);
        for (var change = 0; change < changes; change++)
        {
            var requestId = $"freshness-{change / 2}";
            var clock = Stopwatch.StartNew();
            if (change % 2 == 0)
            {
                await a.CreateHoldAsync(new Proto.CreateHoldRequest
                {
                    RequestId = requestId,
                    HotelId = Hotel,
                    RoomTypeId = RoomType,
                    CheckIn = stay.CheckIn,
                    CheckOut = stay.CheckOut,
                    Guests = 2,
                    Rooms = 1,
                });
            }
            else
            {
                await a.ReleaseHoldAsync(new Proto.ReleaseHoldRequest { RequestId = requestId });
            }

            var expected = change % 2 == 0 ? free - 1 : free;
            using var timeout = new CancellationTokenSource(Patience);
            while (Free(watch.ResponseStream.Current) != expected)
            {
                Assert(await watch.ResponseStream.MoveNext(timeout.Token), "B's stream ended");
            }

            delays[change] = clock.Elapsed.TotalMilliseconds;
            await Task.Delay(Pause);
        }

        await stop.CancelAsync();
        Array.Sort(delays);
        Console.WriteLine(new StringBuilder()
            .AppendLine($"### freshness: {changes} changes through availability A, seen on availability B's WatchAvailability (one PostgreSQL database)")
            .AppendLine()
            .AppendLine("| changes | A-call-sent to B-stream-shows p50 ms | p99 ms | max ms |")
            .AppendLine("|---|---|---|---|")
            .AppendLine($"| {changes} | {Statistics.Percentile(delays, 0.50):N1} | {Statistics.Percentile(delays, 0.99):N1} | {delays[^1]:N1} |"));
        return 0;
    }

    private static int Free(Proto.WatchAvailabilityResponse response) =>
        response.Availability.Rooms.Single(r => r.RoomTypeId == RoomType).Available;

    private static void Assert(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
