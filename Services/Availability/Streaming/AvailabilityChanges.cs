using System.Collections.Concurrent;
using System.Threading.Channels;

namespace HotelBooking.Availability.Streaming;

/// <summary>Something changed for a hotel's nights in [From, To); a null hotel means "any hotel".</summary>
public readonly record struct AvailabilityChange(string? HotelId, DateOnly From, DateOnly To);

/// <summary>
/// Tells open streams that availability changed, so they re-quote at once instead of polling.
/// Published by the read model whenever it applies a change, this process's or another's (ReadModel/ReadModelFeed).
/// A subscriber's channel holds one pending signal: a burst of changes costs one re-quote, not one per change.
/// </summary>
public sealed class AvailabilityChanges
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    public void Publish(AvailabilityChange change)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            subscription.Offer(change);
        }
    }

    public Subscription Subscribe()
    {
        var subscription = new Subscription(this);
        _subscriptions.TryAdd(subscription, 0);
        return subscription;
    }

    public sealed class Subscription(AvailabilityChanges owner) : IDisposable
    {
        private readonly Channel<AvailabilityChange> _signals = Channel.CreateBounded<AvailabilityChange>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

        public ChannelReader<AvailabilityChange> Changes => _signals.Reader;

        internal void Offer(AvailabilityChange change) => _signals.Writer.TryWrite(change);

        public void Dispose() => owner._subscriptions.TryRemove(this, out _);
    }
}
