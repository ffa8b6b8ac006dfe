using HotelBooking.Availability.Quotes;
using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace HotelBooking.Availability.Streaming;

/// <summary>An answer on a quotes stream: a quote, or why the criteria it answers cannot be quoted.</summary>
public readonly record struct QuoteAnswer(StayAvailability? Quote, CriteriaResult? Refused, bool Pushed);

/// <summary>
/// The two streams that push availability: WatchAvailability (server streaming) and StreamQuotes
/// (bidirectional). Both re-quote after a change, at most once per <see cref="StreamingOptions.RequoteInterval"/>,
/// and on a timer, and send only what differs from what the caller already has. One span per stream (the
/// call's), with an event per message. The caller's transport reads and writes the messages: these methods
/// take criteria and hand over what to send.
/// </summary>
public sealed class AvailabilityStreams(
    StayQuoter quoter,
    AvailabilityChanges changes,
    StreamTracker tracker,
    TimeProvider time,
    IOptions<StreamingOptions> options)
{
    /// <summary>Sends the stay's availability now, then whenever it differs, until cancelled.</summary>
    public async Task WatchAsync(QuoteTarget target, Func<StayAvailability, Task> send, CancellationToken cancellationToken)
    {
        using var subscription = changes.Subscribe();

        StayAvailability? last = null;
        while (true)
        {
            var quotedAt = time.GetUtcNow();
            var quote = quoter.Quote(target);
            if (!quote.Equals(last))
            {
                await send(quote);
                SpanEvents.AddToCurrent("availability sent");
                last = quote;
            }

            await NextChangeAsync(subscription, quotedAt, cancellationToken);
            tracker.CountRequote();
        }
    }

    /// <summary>
    /// Answers each of <paramref name="requests"/> with a quote (or why it cannot be quoted), and pushes a quote
    /// for the latest criteria whenever it differs; ends when the requests end.
    /// </summary>
    public async Task QuoteAsync(IAsyncEnumerable<QuoteCriteria> requests, Func<QuoteAnswer, Task> send, CancellationToken cancellationToken)
    {
        using var subscription = changes.Subscribe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The reader and the pusher share one response stream: one at a time.
        var gate = new SemaphoreSlim(1, 1);
        QuoteTarget? current = null;
        StayAvailability? last = null;
        var quotedAt = time.GetUtcNow();

        async Task SendAsync(QuoteAnswer answer)
        {
            await send(answer);
            SpanEvents.AddToCurrent(answer.Pushed ? "quote pushed" : "quote sent");
        }

        var reader = Task.Run(async () =>
        {
            try
            {
                await ReadCriteriaAsync();
            }
            finally
            {
                // The caller closed its side, or reading failed: either way the stream ends.
                await stop.CancelAsync();
            }
        }, cancellationToken);

        async Task ReadCriteriaAsync()
        {
            await foreach (var criteria in requests.WithCancellation(cancellationToken))
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var checkedCriteria = quoter.Check(criteria);
                    if (checkedCriteria.Target is not { } target)
                    {
                        // Bad criteria are answered on the stream, which goes on.
                        await SendAsync(new(null, checkedCriteria, Pushed: false));
                        continue;
                    }

                    current = target;
                    last = quoter.Quote(target);
                    await SendAsync(new(last, null, Pushed: false));
                }
                finally
                {
                    gate.Release();
                }
            }
        }

        try
        {
            while (!stop.IsCancellationRequested)
            {
                await NextChangeAsync(subscription, quotedAt, stop.Token);
                await gate.WaitAsync(stop.Token);
                try
                {
                    // Read under the gate: criteria that arrived meanwhile were answered already, and
                    // the push must be for them, never for the ones they replaced.
                    if (current is not { } target)
                    {
                        continue;
                    }

                    quotedAt = time.GetUtcNow();
                    tracker.CountRequote();
                    var quote = quoter.Quote(target);
                    if (!quote.Equals(last))
                    {
                        last = quote;
                        await SendAsync(new(quote, null, Pushed: true));
                    }
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Ended by the caller completing its requests.
        }
        finally
        {
            // The reader shares the response stream: it must be done before the call ends.
            try
            {
                await reader;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>
    /// Waits for any change signal, or the re-check timer, and then until <see cref="StreamingOptions.RequoteInterval"/>
    /// has passed since <paramref name="quotedAt"/>: changes that arrive meanwhile are covered by the one re-quote
    /// that follows. Any signal, not only one for this stay: a subscriber keeps one pending signal, so filtering
    /// here could drop a relevant change behind an unrelated one; only a difference is sent.
    /// </summary>
    private async Task NextChangeAsync(AvailabilityChanges.Subscription subscription, DateTimeOffset quotedAt, CancellationToken cancellationToken)
    {
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(options.Value.RecheckInterval);
            try
            {
                await subscription.Changes.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The re-check timer: look again, for a hold that passed its expiry since the last quote.
            }
        }

        var wait = quotedAt + options.Value.RequoteInterval - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        subscription.Changes.TryRead(out _);
    }
}
