using System.Diagnostics;
using Grpc.Core;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Quotes;
using Microsoft.Extensions.Options;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Availability.Streaming;

/// <summary>
/// The two streams that push availability: WatchAvailability (server streaming) and StreamQuotes
/// (bidirectional). Both re-quote when a change touches their stay, and on a timer, and send only what
/// differs from what the caller already has. One span per stream (the call's), with an event per message.
/// </summary>
public sealed class AvailabilityStreams(
    StayQuoter quoter,
    AvailabilityChanges changes,
    StreamTracker tracker,
    IOptions<StreamingOptions> options)
{
    public async Task WatchAsync(Proto.WatchAvailabilityRequest request,
        IServerStreamWriter<Proto.WatchAvailabilityResponse> responses, CancellationToken cancellationToken)
    {
        var stay = quoter.Validate(request.CheckIn, request.CheckOut, request.Guests);
        var hotel = await quoter.FindHotelAsync(request.HotelId, cancellationToken);
        using var open = tracker.Track("WatchAvailability");
        using var subscription = changes.Subscribe();

        Proto.StayAvailability? last = null;
        while (true)
        {
            var quote = await quoter.QuoteAsync(hotel, stay, request.Guests, cancellationToken);
            if (!quote.Equals(last))
            {
                await responses.WriteAsync(new() { Availability = quote }, cancellationToken);
                Activity.Current?.AddEvent(new ActivityEvent("availability sent"));
                last = quote;
            }

            await NextChangeAsync(subscription, hotel.Id, stay, cancellationToken);
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

        async Task SendAsync(Proto.StreamQuotesResponse response)
        {
            await responses.WriteAsync(response, cancellationToken);
            Activity.Current?.AddEvent(new ActivityEvent(response.Pushed ? "quote pushed" : "quote sent"));
        }

        var reader = Task.Run(async () =>
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

            // The caller closed its side: close ours.
            await stop.CancelAsync();
        }, cancellationToken);

        try
        {
            while (!stop.IsCancellationRequested)
            {
                var watched = current;
                await NextChangeAsync(subscription, watched?.Hotel.Id, watched?.Stay, stop.Token);
                if (current is not { } criteria)
                {
                    continue;
                }

                await gate.WaitAsync(stop.Token);
                try
                {
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

        await reader;
    }

    /// <summary>Waits for a change that touches the stay (any change when there is none yet), or the re-check timer.</summary>
    private async Task NextChangeAsync(AvailabilityChanges.Subscription subscription, string? hotelId, Stay? stay, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RecheckInterval);
        try
        {
            while (true)
            {
                var change = await subscription.Changes.ReadAsync(timeout.Token);
                if (hotelId is null || stay is not { } s || change.Affects(hotelId, s.CheckIn, s.CheckOut))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The re-check timer: look again in case another instance changed something.
        }
    }
}
