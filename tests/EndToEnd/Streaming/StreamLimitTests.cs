using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using HotelBooking.Contracts;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.EndToEnd.Streaming;

/// <summary>
/// Open streams are bounded at the edge: per client (429 / RESOURCE_EXHAUSTED), for the whole gateway (503),
/// and a quotes WebSocket by how fast it may send. Each test is its own clients, from its own 127.x addresses.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StreamLimitTests(SystemFixture system)
{
    private const int PerClient = 20; // StreamLimits:PerClient as shipped

    [Fact]
    public async Task Sse_OneMoreThanTheClientLimit_429WhileAnotherClientIsServed()
    {
        using var greedy = LoopbackClient.Http("127.0.0.21", system.Api.BaseAddress!);
        using var other = LoopbackClient.Http("127.0.0.22", system.Api.BaseAddress!);
        var open = new List<SseClient>();
        try
        {
            for (var i = 0; i < PerClient; i++)
            {
                open.Add(await OpenWithFirstEventAsync(greedy));
            }

            using var refused = await greedy.GetAsync(StreamPath(), HttpCompletionOption.ResponseHeadersRead);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) > 0);

            await using var served = await OpenWithFirstEventAsync(other);
        }
        finally
        {
            foreach (var sse in open)
            {
                await sse.DisposeAsync();
            }
        }

        // Closed streams give their places back.
        await AllStreamsClosedAsync();
        await using var again = await OpenWithFirstEventAsync(greedy);
    }

    [Fact]
    public async Task Sse_MoreStreamsThanTheGatewayServes_503AndNeverMoreOpenThanItsLimit()
    {
        var clients = Enumerable.Range(30, 10).Select(n => LoopbackClient.Http($"127.0.0.{n}", system.Api.BaseAddress!)).ToList();
        var open = new List<HttpResponseMessage>();
        HttpResponseMessage? refused = null;
        try
        {
            foreach (var client in clients)
            {
                for (var i = 0; i < PerClient && refused is null; i++)
                {
                    var response = await client.GetAsync(StreamPath(), HttpCompletionOption.ResponseHeadersRead);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        open.Add(response);
                    }
                    else
                    {
                        refused = response;
                    }
                }
            }

            Assert.NotNull(refused);
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.InRange(open.Count, 1, SystemFixture.StreamLimitTotal);
        }
        finally
        {
            refused?.Dispose();
            open.ForEach(r => r.Dispose());
            clients.ForEach(c => c.Dispose());
        }

        // The places come back when the streams close; the tests after this one need them.
        await AllStreamsClosedAsync();
        using var fresh = LoopbackClient.Http("127.0.0.40", system.Api.BaseAddress!);
        await using var again = await OpenWithFirstEventAsync(fresh);
    }

    [Fact]
    public async Task WatchAvailability_OneMoreThanTheClientLimitThroughTheGrpcEdge_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(system.GrpcEdge, new GrpcChannelOptions { HttpHandler = LoopbackClient.Handler("127.0.0.23") });
        var client = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(channel);
        var (checkIn, checkOut) = WatchedStay;
        var request = new AvailabilityProto.WatchAvailabilityRequest
        {
            HotelId = Lisbon,
            CheckIn = DateOnly.Parse(checkIn).ToProtoDate(),
            CheckOut = DateOnly.Parse(checkOut).ToProtoDate(),
            Guests = 2,
        };
        var calls = new List<AsyncServerStreamingCall<AvailabilityProto.WatchAvailabilityResponse>>();
        try
        {
            for (var i = 0; i < PerClient; i++)
            {
                var call = client.WatchAvailability(request);
                calls.Add(call);
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            }

            using var refused = client.WatchAvailability(request);
            var error = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }

        await AllStreamsClosedAsync();
    }

    [Fact]
    public async Task QuotesSocket_SendingFasterThanItsBudget_ClosedWithPolicyViolation()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(QuotesUri(), CancellationToken.None);
        var (checkIn, checkOut) = WatchedStay;
        var criteria = JsonSerializer.SerializeToUtf8Bytes(new { hotelId = Lisbon, checkIn, checkOut, guests = 2 });

        var sent = 0;
        try
        {
            for (; sent < 500; sent++)
            {
                await socket.SendAsync(criteria, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (WebSocketException)
        {
            // The gateway closed the socket while criteria were still going out.
        }

        var quotes = 0;
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        WebSocketReceiveResult received;
        while ((received = await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
            quotes += received.EndOfMessage ? 1 : 0;
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, received.CloseStatus);
        Assert.Contains("messages a second", received.CloseStatusDescription);
        // At most the burst (20) and what a second adds were quoted, not one query per message sent.
        Assert.InRange(quotes, 0, 30);
        await AllStreamsClosedAsync();
    }

    [Theory]
    [InlineData("https://evil.example", false)]
    [InlineData(null, true)]
    [InlineData("self", true)]
    public async Task QuotesSocket_Origin_OnlyTheGatewaysOwnPagesOrCorsOrigins(string? origin, bool accepted)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin == "self" ? system.Api.BaseAddress!.GetLeftPart(UriPartial.Authority) : origin);
        }

        var connecting = socket.ConnectAsync(QuotesUri(), CancellationToken.None);

        if (accepted)
        {
            await connecting;
            Assert.Equal(WebSocketState.Open, socket.State);
        }
        else
        {
            await Assert.ThrowsAsync<WebSocketException>(() => connecting);
            Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        }
    }

    private Uri QuotesUri() => new UriBuilder(system.Api.BaseAddress!) { Scheme = "ws", Path = "/api/quotes/ws" }.Uri;

    // Streams only read, so they share one stay; a stay of their own each would use up the seeded year.
    private static readonly (string CheckIn, string CheckOut) WatchedStay = UniqueStay();

    private static string StreamPath() =>
        $"/api/hotels/{Lisbon}/availability/stream?checkIn={WatchedStay.CheckIn}&checkOut={WatchedStay.CheckOut}&guests=2";

    private static async Task<SseClient> OpenWithFirstEventAsync(HttpClient client)
    {
        var sse = await SseClient.OpenAsync(client, StreamPath());
        Assert.Equal(HttpStatusCode.OK, sse.Response.StatusCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal("availability", (await sse.NextEventAsync(timeout.Token))!.Value.Name);
        return sse;
    }

    /// <summary>Waits until the availability service serves no stream: every stream these tests opened has ended.</summary>
    private async Task AllStreamsClosedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await system.OpenStreamsAsync() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{await system.OpenStreamsAsync()} streams still open after their clients left.");
            await Task.Delay(200);
        }
    }
}
