using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace HotelBooking.Availability.Streaming;

/// <summary>
/// Admits and counts the gRPC streams open now, per method (the metric <c>hotelbooking.streams.open</c>), up
/// to <see cref="StreamingOptions.MaxOpenStreams"/>; and counts re-quotes, after a change or on the recheck
/// timer (<c>hotelbooking.streams.requotes</c>): the quoting work streams add to their callers' own queries (from memory, no database).
/// </summary>
public sealed class StreamTracker
{
    private readonly UpDownCounter<long> _open;
    private readonly Counter<long> _requotes;
    private readonly ConcurrentDictionary<string, int> _byMethod = new();
    private readonly int _max;
    private int _total;
    private long _requoteCount;

    public StreamTracker(IMeterFactory meters, IOptions<StreamingOptions> options)
    {
        var meter = meters.Create("HotelBooking.Availability.Streams");
        _open = meter.CreateUpDownCounter<long>("hotelbooking.streams.open", "{stream}", "gRPC streams open now, by method.");
        _requotes = meter.CreateCounter<long>("hotelbooking.streams.requotes", "{quote}", "Quotes that open streams made again, after a change or on the recheck timer: the queries streams add.");
        _max = options.Value.MaxOpenStreams;
    }

    public IReadOnlyDictionary<string, int> Open => _byMethod;

    public int MaxOpenStreams => _max;

    public long Requotes => Interlocked.Read(ref _requoteCount);

    /// <summary>
    /// Admits one more stream: a lease to dispose when the stream ends, or null when this process already
    /// serves <see cref="MaxOpenStreams"/>.
    /// </summary>
    public IDisposable? TryOpen(string method)
    {
        if (Interlocked.Increment(ref _total) > _max)
        {
            Interlocked.Decrement(ref _total);
            return null;
        }

        _byMethod.AddOrUpdate(method, 1, (_, n) => n + 1);
        _open.Add(1, new KeyValuePair<string, object?>("rpc.method", method));
        return new Closer(() =>
        {
            Interlocked.Decrement(ref _total);
            _byMethod.AddOrUpdate(method, 0, (_, n) => n - 1);
            _open.Add(-1, new KeyValuePair<string, object?>("rpc.method", method));
        });
    }

    public void CountRequote()
    {
        Interlocked.Increment(ref _requoteCount);
        _requotes.Add(1);
    }

    private sealed class Closer(Action close) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                close();
            }
        }
    }
}
