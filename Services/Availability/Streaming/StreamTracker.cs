using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace HotelBooking.Availability.Streaming;

/// <summary>
/// Counts the gRPC streams open now, per method: the metric <c>hotelbooking.streams.open</c>, and the number
/// the tests read to prove that a client going away ends its server stream.
/// </summary>
public sealed class StreamTracker
{
    private readonly UpDownCounter<long> _open;
    private readonly ConcurrentDictionary<string, int> _byMethod = new();

    public StreamTracker(IMeterFactory meters) =>
        _open = meters.Create("HotelBooking.Availability.Streams")
            .CreateUpDownCounter<long>("hotelbooking.streams.open", "{stream}", "gRPC streams open now, by method.");

    public IReadOnlyDictionary<string, int> Open => _byMethod;

    public IDisposable Track(string method)
    {
        _byMethod.AddOrUpdate(method, 1, (_, n) => n + 1);
        _open.Add(1, new KeyValuePair<string, object?>("rpc.method", method));
        return new Closer(() =>
        {
            _byMethod.AddOrUpdate(method, 0, (_, n) => n - 1);
            _open.Add(-1, new KeyValuePair<string, object?>("rpc.method", method));
        });
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
