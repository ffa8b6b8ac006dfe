using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using HotelBooking.Contracts;
using HotelBooking.Gateway.Security;
using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Gateway.Apis;

/// <summary>
/// The browser's face of StreamQuotes (bidirectional streaming): a WebSocket carrying JSON both ways.
/// The page sends criteria <c>{hotelId, checkIn, checkOut, guests}</c>; it receives
/// <c>{type: "quote", pushed, availability}</c> or <c>{type: "error", message}</c>. Closing either side closes the other.
/// </summary>
public static class QuotesSocketApi
{
    private const int MaxMessageBytes = 16 * 1024;

    /// <summary>A client that does not read what it is sent for this long is dropped (the socket is aborted).</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapQuotesSocketApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/quotes/ws", HandleAsync)
            .WithTags("Quotes")
            .WithName("QuotesWebSocket")
            .RequireRateLimiting(RateLimitingOptions.SearchesPolicy)
            .LimitOpenStreams()
            .WithSummary("WebSocket: send search criteria as JSON, receive quotes for each, and fresh quotes when availability changes. "
                + "A socket sending faster than its message budget is closed with 1008 (policy violation).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<IResult> HandleAsync(HttpContext http, Proto.AvailabilityService.AvailabilityServiceClient availability,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, StreamLimits limits, ICorsPolicyProvider cors, CancellationToken cancellationToken)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem("Connect with a WebSocket client.", statusCode: StatusCodes.Status400BadRequest,
                title: "A WebSocket upgrade is required.");
        }

        if (!await WebSocketOrigin.IsAllowedAsync(http, cors))
        {
            return TypedResults.Problem($"Pages from {http.Request.Headers.Origin} may not open this socket.",
                statusCode: StatusCodes.Status403Forbidden, title: "This origin is not allowed.");
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var messageBudget = limits.NewSocketMessageBudget();
        // Cancelled to stop the quotes when the gateway closes the socket itself.
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = availability.StreamQuotes(cancellationToken: closing.Token);
        var options = json.Value.SerializerOptions;
        var sending = new SemaphoreSlim(1, 1);

        async Task SendAsync(object message)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message, options);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closing.Token);
            timeout.CancelAfter(SendTimeout);
            await sending.WaitAsync(timeout.Token);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                SpanEvents.AddToCurrent("websocket message sent");
            }
            finally
            {
                sending.Release();
            }
        }

        // Ends the receive loop when the quotes stream breaks, so the page is told instead of left waiting.
        using var broken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toBrowser = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync(closing.Token))
                {
                    object message = response.ResultCase switch
                    {
                        Proto.StreamQuotesResponse.ResultOneofCase.Quote =>
                            new QuoteMessage("quote", response.Pushed, AvailabilityDto.From(response.Quote)),
                        Proto.StreamQuotesResponse.ResultOneofCase.Error => new QuoteErrorMessage("error", response.Error.Message),
                        // An availability service older than this contract sends its error where this gateway does not read.
                        _ => new QuoteErrorMessage("error", "These criteria could not be quoted."),
                    };
                    await SendAsync(message);
                }
            }
            catch (RpcException) when (!closing.IsCancellationRequested)
            {
                await SendAsync(new QuoteErrorMessage("error", "Quotes are unavailable right now; reconnect shortly."));
                await broken.CancelAsync();
            }
        }, cancellationToken);

        try
        {
            var buffer = new byte[MaxMessageBytes];
            while (await ReceiveAsync(socket, buffer, broken.Token) is { } message)
            {
                using var permit = messageBudget.AttemptAcquire();
                if (!permit.IsAcquired)
                {
                    // Each criteria message is a quote, a query inside: a socket may not turn into a query pump.
                    // Stopping the quotes first leaves the socket to this close (a send blocked on a client
                    // that does not read is cancelled, which aborts the socket instead).
                    await closing.CancelAsync();
                    await toBrowser.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation,
                        $"More than {limits.Options.SocketMessagesPerSecond} messages a second.", CancellationToken.None);
                    await DrainUntilClosedAsync(socket, buffer);
                    return TypedResults.Empty;
                }

                if (message.Error is not null)
                {
                    await SendAsync(new QuoteErrorMessage("error", message.Error));
                    continue;
                }

                var (request, error) = ParseCriteria(message.Text!, options);
                if (request is not null)
                {
                    await call.RequestStream.WriteAsync(request, broken.Token);
                }
                else
                {
                    await SendAsync(new QuoteErrorMessage("error", error));
                }
            }

            // The browser closed: close the gRPC side, let the last quotes drain, then close the socket.
            await call.RequestStream.CompleteAsync();
            await toBrowser;
            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RpcException or WebSocketException or OperationCanceledException)
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived && !cancellationToken.IsCancellationRequested)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, "quotes unavailable", CancellationToken.None);
            }
        }
        finally
        {
            // Never leave the sender running on a socket about to be disposed.
            try
            {
                await toBrowser;
            }
            catch (Exception ex) when (ex is RpcException or WebSocketException or OperationCanceledException)
            {
            }
        }

        return TypedResults.Empty;
    }

    private static (Proto.StreamQuotesRequest? Request, string Error) ParseCriteria(string text, JsonSerializerOptions options)
    {
        QuoteCriteria? criteria;
        try
        {
            criteria = JsonSerializer.Deserialize<QuoteCriteria>(text, options);
        }
        catch (JsonException)
        {
            return (null, "The message is not valid JSON; send {\"hotelId\", \"checkIn\", \"checkOut\", \"guests\"}.");
        }

        var parsing = new RequestParsing();
        var request = new Proto.StreamQuotesRequest
        {
            HotelId = parsing.Required("hotelId", criteria?.HotelId),
            CheckIn = parsing.Date("checkIn", criteria?.CheckIn).ToProtoDate(),
            CheckOut = parsing.Date("checkOut", criteria?.CheckOut).ToProtoDate(),
            Guests = parsing.Required("guests", criteria?.Guests),
        };
        return parsing.HasErrors
            ? (null, string.Join(" ", parsing.Errors.SelectMany(e => e.Value)))
            : (request, "");
    }

    /// <summary>
    /// After the gateway's own Close, reads and drops what the client still sends until its Close arrives,
    /// so the connection ends with the closing handshake rather than a reset that could lose the close reason.
    /// </summary>
    private static async Task DrainUntilClosedAsync(WebSocket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    /// <summary>One whole text message, an error for one that is too large or binary, or null when the socket closes.</summary>
    private static async Task<(string? Text, string? Error)?> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(Math.Min(length, buffer.Length - 1)), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (!result.EndOfMessage)
            {
                if (length >= buffer.Length - 1)
                {
                    length = buffer.Length - 1; // keep reading to the end of the message, discarding it
                }

                continue;
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                return (null, "Send criteria as a JSON text message.");
            }

            return length >= buffer.Length - 1
                ? (null, $"Messages are limited to {MaxMessageBytes / 1024} KiB.")
                : (Encoding.UTF8.GetString(buffer, 0, length), null);
        }
    }
}

/// <summary>Search criteria sent on the quotes WebSocket: the availability query's own names.</summary>
public sealed record QuoteCriteria(string? HotelId, string? CheckIn, string? CheckOut, int? Guests);

/// <summary>A quote sent on the socket: <c>{"type": "quote", "pushed": false, "availability": {…}}</c>.</summary>
public sealed record QuoteMessage(string Type, bool Pushed, AvailabilityDto Availability);

/// <summary>An error sent on the socket: <c>{"type": "error", "message": "…"}</c>.</summary>
public sealed record QuoteErrorMessage(string Type, string Message);
