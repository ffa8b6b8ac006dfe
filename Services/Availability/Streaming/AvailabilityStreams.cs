using System.Diagnostics;
using Grpc.Core;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Quotes;
using Microsoft.Extensions.Options;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Availability.Streaming;

/// <summary>
/// The two streams that push availability: WatchAvailability (server streaming) and StreamQuotes
/// (bidirectional). Both re-quote after a change, at most once per <see cref="StreamingOptions.RequoteInterval"/>,
/// and on a timer, and send only what differs from what the caller already has. One span per stream (the
/// call's), with an event per message.
/// </summary>
public sealed class AvailabilityStreams(
    StayQuoter quoter,
    AvailabilityChanges changes,
    StreamTracker tracker,
    TimeProvider time,
    IOptions<StreamingOptions> options)
{
    public async Task WatchAsync(Proto.WatchAvailabilityRequest request,
        IServerStreamWriter<Proto.WatchAvailabilityResponse> responses, CancellationToken cancellationToken)
    {
        using var open = tracker.Track("WatchAvailability");
        var stay = quoter.Validate(request.CheckIn, request.CheckOut, request.Guests);
        var hotel = await quoter.FindHotelAsync(request.HotelId, cancellationToken);
        using var subscription = changes.Subscribe();

        Proto.StayAvailability? last = null;
        while (true)
        {
            var quotedAt = time.GetUtcNow();
            var quote = await quoter.QuoteAsync(hotel, stay, request.Guests, cancellationToken);
            if (!quote.Equals(last))
            {
                await responses.WriteAsync(new() { Availability = quote }, cancellationToken);
                Activity.Current?.AddEvent(new ActivityEvent("availability sent"));
                last = quote;
            }

            await NextChangeAsync(subscription, quotedAt, cancellationToken);
            tracker.CountRequote();
        }
    }

    public async Task QuoteAsync(IAsyncStreamReader<Proto.StreamQuotesRequest> requests,
        IServerStreamWriter<Proto.StreamQuotesResponse> responses, CancellationToken cancellationToken)
    {
        using var open = tracker.Track("StreamQuotes");
        using var subscription = changes.Subscribe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The reader and the pusher share one DbContext and one response stream: one at a time.
        var gate = new SemaphoreSlim(1, 1);
        (Hotel Hotel, Stay Stay, int Guests)? current = null;
        Proto.StayAvailability? last = null;
        var quotedAt = time.GetUtcNow();

        async Task SendAsync(Proto.StreamQuotesResponse response)
        {
            await responses.WriteAsync(response, cancellationToken);
            Activity.Current?.AddEvent(new ActivityEvent(response.Pushed ? "quote pushed" : "quote sent"));
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
            await foreach (var request in requests.ReadAllAsync(cancellationToken))
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var stay = quoter.Validate(request.CheckIn, request.CheckOut, request.Guests);
                    var hotel = await quoter.FindHotelAsync(request.HotelId, cancellationToken);
                    current = (hotel, stay, request.Guests);
                    last = await quoter.QuoteAsync(hotel, stay, request.Guests, cancellationToken);
                    await SendAsync(new() { Quote = last });
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound)
                {
                    // Bad criteria are answered on the stream, which goes on.
                    await SendAsync(new() { Error = ex.Status.Detail });
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
                    if (current is not { } criteria)
                    {
                        continue;
                    }

                    quotedAt = time.GetUtcNow();
                    tracker.CountRequote();
                    var quote = await quoter.QuoteAsync(criteria.Hotel, criteria.Stay, criteria.Guests, stop.Token);
                    if (!quote.Equals(last))
                    {
                        last = quote;
                        await SendAsync(new() { Quote = quote, Pushed = true });
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
            // The reader shares the DbContext: it must be done before the call (and its scope) ends.
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
                // The re-check timer: look again in case another instance changed something.
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
