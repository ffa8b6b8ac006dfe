using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using HotelBooking.Contracts;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;
using AvailabilityProto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.EndToEnd.Streaming;

/// <summary>Each streaming call type inside, through each of its faces at the edge.</summary>
[Collection(SystemCollection.Name)]
public sealed class StreamingTests(SystemFixture system)
{
    private const string Edinburgh = "harbour-view";

    [Fact]
    public async Task Sse_BookingByAnotherClient_SeenWithinOneSecond()
    {
        // Warm the booking path first (JIT, connections): the second counts what a running system does.
        var (warmIn, warmOut) = UniqueStay();
        Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(warmIn, warmOut))).StatusCode);
        var (checkIn, checkOut) = UniqueStay();
        await using var sse = await SseClient.OpenAsync(system.Api, $"/api/hotels/{Lisbon}/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=2");
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
        using var first = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var initial = (await sse.NextEventAsync(first.Token))!.Value;
        Assert.Equal("availability", initial.Name);
        var before = Available(initial.Data, LisbonDouble);

        Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut))).StatusCode);

        using var within = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var update = (await sse.NextEventAsync(within.Token))!.Value;
        Assert.Equal(before - 1, Available(update.Data, LisbonDouble));
    }

    [Fact]
    public async Task Sse_NothingChanges_HeartbeatCommentsKeepTheStreamAlive()
    {
        var (checkIn, checkOut) = UniqueStay();
        using var response = await system.Api.GetAsync($"/api/hotels/{Lisbon}/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=2",
            HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var lines = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { } line && !line.StartsWith(':'))
        {
            lines.Add(line);
        }

        Assert.StartsWith("event: availability", lines[0]);
        Assert.DoesNotContain(lines.Skip(1), l => l.StartsWith("event:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sse_UnknownHotel_ProblemInsteadOfAStream()
    {
        var (checkIn, checkOut) = UniqueStay();

        var response = await system.Api.GetAsync($"/api/hotels/nowhere/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=2");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NdjsonImport_10000LinesWithBadOnes_ExactCountsAndInventoryChanged()
    {
        var (body, accepted, rejected, expectedRooms) = ImportBody(10_000);

        var response = await system.ImportAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(accepted, summary.GetProperty("accepted").GetInt32());
        Assert.Equal(rejected, summary.GetProperty("rejected").GetInt32());
        Assert.Equal(rejected, summary.GetProperty("errors").GetArrayLength());
        foreach (var ((roomType, offset), rooms) in expectedRooms.Take(5))
        {
            var night = Iso(Today.AddDays(offset));
            Assert.Equal(rooms, await AvailableAsync(system.Api, night, Iso(Today.AddDays(offset + 1)), Edinburgh, roomType));
        }
    }

    [Fact]
    public async Task NdjsonImport_WrongContentType_415()
    {
        var response = await system.ImportAsync("{}", "application/json");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task WebSocket_UnknownHotelThenAKnownOne_ErrorWithTheServicesMessageThenAQuote()
    {
        using var socket = await ConnectQuotesAsync();
        var (checkIn, checkOut) = UniqueStay();

        await SendAsync(socket, new { hotelId = "nowhere", checkIn, checkOut, guests = 2 });
        var error = await ReceiveAsync(socket);
        await SendAsync(socket, new { hotelId = Lisbon, checkIn, checkOut, guests = 2 });
        var quote = await ReceiveAsync(socket);

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("Hotel 'nowhere' was not found.", error.GetProperty("message").GetString());
        Assert.Equal("quote", quote.GetProperty("type").GetString());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task WebSocket_ThreeCriteriaThenABooking_AQuoteForEachAndAPushedRequote()
    {
        using var socket = await ConnectQuotesAsync();
        var stays = Enumerable.Range(0, 3).Select(_ => UniqueStay()).ToArray();

        foreach (var (checkIn, checkOut) in stays)
        {
            await SendAsync(socket, new { hotelId = Lisbon, checkIn, checkOut, guests = 2 });
            var quote = await ReceiveAsync(socket);
            Assert.Equal("quote", quote.GetProperty("type").GetString());
            Assert.False(quote.GetProperty("pushed").GetBoolean());
            Assert.Equal(checkIn, quote.GetProperty("availability").GetProperty("checkIn").GetString());
        }

        await SendAsync(socket, "not json");
        Assert.Equal("error", (await ReceiveAsync(socket)).GetProperty("type").GetString());

        var (lastIn, lastOut) = stays[^1];
        var before = await AvailableAsync(system.Api, lastIn, lastOut);
        Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(lastIn, lastOut))).StatusCode);
        var pushed = await ReceiveAsync(socket);
        Assert.True(pushed.GetProperty("pushed").GetBoolean());
        Assert.Equal(before - 1, Available(pushed.GetProperty("availability"), LisbonDouble));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task GrpcWebAndEdgeClients_BothWatchAvailability_AndNoStreamOutlivesItsClient()
    {
        var (checkIn, checkOut) = UniqueStay();
        var request = new AvailabilityProto.WatchAvailabilityRequest
        {
            HotelId = Lisbon,
            CheckIn = DateOnly.Parse(checkIn).ToProtoDate(),
            CheckOut = DateOnly.Parse(checkOut).ToProtoDate(),
            Guests = 2,
        };
        using var webChannel = GrpcChannel.ForAddress(system.Api.BaseAddress!,
            new GrpcChannelOptions
            {
                // As a browser would call it: gRPC-Web over HTTP/1.1 on the REST port.
                HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
                HttpVersion = HttpVersion.Version11,
                HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            });
        using var edgeChannel = system.CreateEdgeChannel();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var web = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(webChannel).WatchAvailability(request, cancellationToken: cancel.Token);
        var edge = new AvailabilityProto.AvailabilityService.AvailabilityServiceClient(edgeChannel).WatchAvailability(request, cancellationToken: cancel.Token);
        await using var sse = await SseClient.OpenAsync(system.Api, $"/api/hotels/{Lisbon}/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=2");

        Assert.True(await web.ResponseStream.MoveNext(cancel.Token));
        Assert.True(await edge.ResponseStream.MoveNext(cancel.Token));
        Assert.NotNull(await sse.NextEventAsync(cancel.Token));
        var before = FreeDoubles(web.ResponseStream.Current);
        Assert.Equal(before, FreeDoubles(edge.ResponseStream.Current));
        Assert.True(await system.OpenStreamsAsync() >= 3);

        Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut))).StatusCode);
        Assert.True(await web.ResponseStream.MoveNext(cancel.Token));
        Assert.True(await edge.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(before - 1, FreeDoubles(web.ResponseStream.Current));
        Assert.Equal(before - 1, FreeDoubles(edge.ResponseStream.Current));

        web.Dispose();
        edge.Dispose();
        await sse.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await system.OpenStreamsAsync() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{await system.OpenStreamsAsync()} streams still open after their clients left.");
            await Task.Delay(200);
        }
    }

    private static int FreeDoubles(AvailabilityProto.WatchAvailabilityResponse response) =>
        response.Availability.Rooms.Single(r => r.RoomTypeId == LisbonDouble).Available;

    public static int Available(JsonElement availability, string roomTypeId) =>
        availability.GetProperty("rooms").EnumerateArray().Single(r => r.GetProperty("roomTypeId").GetString() == roomTypeId)
            .GetProperty("available").GetInt32();

    /// <summary>
    /// An import for the Edinburgh hotel: every 500th line is not JSON, every 777th has negative rooms, every
    /// 1000th names a room type of another hotel, every 1500th a past date. The rest set a night's rooms.
    /// </summary>
    public static (string Body, int Accepted, int Rejected, Dictionary<(string RoomType, int Offset), int> Rooms) ImportBody(int lines)
    {
        var body = new StringBuilder();
        var rejected = 0;
        var expected = new Dictionary<(string, int), int>();
        for (var k = 1; k <= lines; k++)
        {
            var roomType = k % 2 == 0 ? "harbour-view-double" : "harbour-view-twin";
            var offset = 10 + (k / 2 % 700);
            var rooms = 20 + (k % 7);
            var date = Iso(Today.AddDays(offset));
            if (k % 500 == 0)
            {
                body.Append("{\"hotelId\": \"harbour-view\", \"roomTy").Append('\n');
                rejected++;
                continue;
            }

            var (line, bad) = (k % 777, k % 1000, k % 1500) switch
            {
                (0, _, _) => ($"{{\"hotelId\":\"{Edinburgh}\",\"roomTypeId\":\"{roomType}\",\"date\":\"{date}\",\"rooms\":-1}}", true),
                (_, 0, _) => ($"{{\"hotelId\":\"{Edinburgh}\",\"roomTypeId\":\"spree-loft-double\",\"date\":\"{date}\",\"rooms\":5}}", true),
                (_, _, 0) => ($"{{\"hotelId\":\"{Edinburgh}\",\"roomTypeId\":\"{roomType}\",\"date\":\"{Iso(Today.AddDays(-3))}\",\"rooms\":5}}", true),
                _ => ($"{{\"hotelId\":\"{Edinburgh}\",\"roomTypeId\":\"{roomType}\",\"date\":\"{date}\",\"rooms\":{rooms},\"nightlyRate\":{{\"amount\":{100 + k % 50}.00,\"currency\":\"GBP\"}}}}", false),
            };
            body.Append(line).Append('\n');
            if (bad)
            {
                rejected++;
            }
            else
            {
                expected[(roomType, offset)] = rooms;
            }
        }

        return (body.ToString(), lines - rejected, rejected, expected);
    }

    internal async Task<ClientWebSocket> ConnectQuotesAsync()
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(system.Api.BaseAddress!) { Scheme = "ws", Path = "/api/quotes/ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return socket;
    }

    internal static Task SendAsync(ClientWebSocket socket, object message) =>
        socket.SendAsync(message is string text ? Encoding.UTF8.GetBytes(text) : JsonSerializer.SerializeToUtf8Bytes(message),
            WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    internal static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
            }
        }
    }
}
