using System.Diagnostics;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using HotelBooking.Bench.Harness;
using HotelBooking.Contracts;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Bench.Scenarios;

/// <summary>
/// Availability changes (a hold taken, then given back, every 200 ms) seen two ways: pushed by
/// WatchAvailability, or found by polling GetAvailability every 2 × the stream's median latency, so that
/// the poll's average staleness matches the stream's. Arms alternate; the availability service's CPU
/// and the messages or calls it took are what freshness costs each way.
/// </summary>
public static class StreamingScenario
{
    private const string Hotel = "alfama-riverside";
    private const string RoomType = "alfama-riverside-double";
    private static readonly TimeSpan ChangeEvery = TimeSpan.FromMilliseconds(200);

    private sealed record Round(int Changes, int Detected, double P50, double P99, double MessagesPerSecond, double CpuMillisecondsPerSecond);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using var system = await BenchSystem.StartAsync(new SystemOptions());
        using var channel = GrpcChannel.ForAddress(system.AvailabilityGrpc);
        var client = new Proto.AvailabilityService.AvailabilityServiceClient(channel);

        // Warm both paths, and learn the stream's latency to set the polling interval from it.
        var warm = await MeasureAsync(system, client, watch: true, pollEvery: TimeSpan.Zero, options.Warmup + ChangeEvery * 5);
        var pollEvery = TimeSpan.FromMicroseconds(Math.Max(1000, 2 * warm.P50));
        await MeasureAsync(system, client, watch: false, pollEvery, options.Warmup + ChangeEvery * 5);

        var rounds = new Dictionary<string, List<Round>> { ["WatchAvailability (server stream)"] = [], [$"polling GetAvailability every {pollEvery.TotalMilliseconds:0.#} ms"] = [] };
        var duration = options.Duration < ChangeEvery * 5 ? ChangeEvery * 5 : options.Duration;
        for (var round = 0; round < options.Rounds; round++)
        {
            rounds.Values.First().Add(await MeasureAsync(system, client, watch: true, pollEvery, duration));
            rounds.Values.Last().Add(await MeasureAsync(system, client, watch: false, pollEvery, duration));
        }

        var table = new StringBuilder()
            .AppendLine($"### streaming: a change every {ChangeEvery.TotalMilliseconds:0} ms, {options.Rounds} alternating rounds of {duration.TotalSeconds:0.#} s per arm")
            .AppendLine()
            .AppendLine("Latency is from sending the change (CreateHold or ReleaseHold) to seeing it; medians (min–max) of the rounds.")
            .AppendLine()
            .AppendLine("| arm | changes | seen | change-to-receipt p50 ms | p99 ms | messages or calls/s | availability CPU ms/s |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (arm, results) in rounds)
        {
            table.AppendLine($"| {arm} | {results.Sum(r => r.Changes)} | {results.Sum(r => r.Detected)} | " +
                $"{Statistics.Spread([.. results.Select(r => r.P50 / 1000)], "N2")} | {Statistics.Spread([.. results.Select(r => r.P99 / 1000)], "N2")} | " +
                $"{Statistics.Spread([.. results.Select(r => r.MessagesPerSecond)], "N1")} | {Statistics.Spread([.. results.Select(r => r.CpuMillisecondsPerSecond)], "N1")} |");
        }

        Console.WriteLine(table);
        // Every change must be seen by the stream; polling at the stream's freshness may merge two.
        return rounds.Values.First().All(r => r.Detected == r.Changes && r.Changes > 0) ? 0 : 1;
    }

    private static async Task<Round> MeasureAsync(BenchSystem system, Proto.AvailabilityService.AvailabilityServiceClient client,
        bool watch, TimeSpan pollEvery, TimeSpan duration)
    {
        var stay = new Proto.GetAvailabilityRequest { HotelId = Hotel, CheckIn = ReadPathsScenario.Request.CheckIn, CheckOut = ReadPathsScenario.Request.CheckOut, Guests = 2 };
        var observer = new ChangeObserver();
        using var stop = new CancellationTokenSource();
        var messages = 0;

        Task observing;
        if (watch)
        {
            var call = client.WatchAvailability(new Proto.WatchAvailabilityRequest { HotelId = stay.HotelId, CheckIn = stay.CheckIn, CheckOut = stay.CheckOut, Guests = 2 },
                cancellationToken: stop.Token);
            await call.ResponseStream.MoveNext(stop.Token); // the first message is the current state
            observer.Baseline(Available(call.ResponseStream.Current.Availability.Rooms));
            observing = Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in call.ResponseStream.ReadAllAsync(stop.Token))
                    {
                        Interlocked.Increment(ref messages);
                        observer.Observe(Available(message.Availability.Rooms));
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
                {
                }
            });
        }
        else
        {
            observer.Baseline(Available((await client.GetAvailabilityAsync(stay)).Availability.Rooms));
            observing = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(pollEvery);
                while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
                {
                    var response = await client.GetAvailabilityAsync(stay);
                    Interlocked.Increment(ref messages);
                    observer.Observe(Available(response.Availability.Rooms));
                }
            });
        }

        var cpuBefore = system.Availability.CpuTime;
        var clock = Stopwatch.StartNew();
        string? holdId = null;
        while (clock.Elapsed < duration)
        {
            var next = clock.Elapsed + ChangeEvery;
            if (holdId is null)
            {
                observer.Expect(-1);
                holdId = (await client.CreateHoldAsync(new Proto.CreateHoldRequest
                {
                    RequestId = Guid.NewGuid().ToString(),
                    HotelId = Hotel,
                    RoomTypeId = RoomType,
                    CheckIn = stay.CheckIn,
                    CheckOut = stay.CheckOut,
                    Guests = 2,
                    Rooms = 1,
                })).Hold.HoldId;
            }
            else
            {
                observer.Expect(+1);
                await client.ReleaseHoldAsync(new Proto.ReleaseHoldRequest { HoldId = holdId });
                holdId = null;
            }

            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed);
            }
        }

        var elapsed = clock.Elapsed;
        var cpu = system.Availability.CpuTime - cpuBefore;
        if (holdId is not null)
        {
            await client.ReleaseHoldAsync(new Proto.ReleaseHoldRequest { HoldId = holdId });
        }

        await stop.CancelAsync();
        await observing.ContinueWith(_ => { });
        var latencies = observer.Latencies;
        return new Round(observer.Changes, latencies.Length, Statistics.Percentile(latencies, 0.5), Statistics.Percentile(latencies, 0.99),
            messages / elapsed.TotalSeconds, cpu.TotalMilliseconds / elapsed.TotalSeconds);
    }

    private static int Available(IEnumerable<Proto.RoomAvailability> rooms) => rooms.Single(r => r.RoomTypeId == RoomType).Available;

    /// <summary>Matches what is seen to the change last sent: the first sighting of its value is its latency.</summary>
    private sealed class ChangeObserver
    {
        private readonly List<double> _latencies = [];
        private int _expected;
        private long _sentAt;
        private bool _seen = true;

        public int Changes { get; private set; }

        public double[] Latencies
        {
            get
            {
                lock (_latencies)
                {
                    return [.. _latencies.Order()];
                }
            }
        }

        public void Baseline(int available) => _expected = available;

        public void Expect(int delta)
        {
            lock (_latencies)
            {
                _expected += delta;
                _sentAt = Stopwatch.GetTimestamp();
                _seen = false;
                Changes++;
            }
        }

        public void Observe(int available)
        {
            lock (_latencies)
            {
                if (!_seen && available == _expected)
                {
                    _latencies.Add(Stopwatch.GetElapsedTime(_sentAt).TotalMicroseconds);
                    _seen = true;
                }
            }
        }
    }
}
