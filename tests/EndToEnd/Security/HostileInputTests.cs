using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.Testing;
using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;
using Xunit.Abstractions;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Security;

/// <summary>
/// Hundreds of generated bad requests across every public endpoint. Each must be a 4xx problem response
/// (never a 5xx), every service must be healthy afterwards, and not one booking, payment or inventory row
/// may have changed (checksums of the tables before and after).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class HostileInputTests(SystemFixture system, ITestOutputHelper output)
{
    private static readonly string[] Injections =
    [
        "' OR '1'='1", "'; DROP TABLE Bookings;--", "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}",
        "../../etc/passwd", "%00", "{{7*7}}", "\"; rm -rf /", "\\u0000", "admin'--",
    ];

    private static readonly string[] Unicode =
    [
        "ａｌｆａｍａ", "alfama\u200b", "🏨🏨", "alfama\u0301", "\u202eamafla", "ß", "İ", "\uFEFFalfama", "𝔞𝔩𝔣𝔞𝔪𝔞", "null",
    ];

    [Fact]
    public async Task HostileRequests_EveryOneRefusedWithA4xxProblem_NothingChanged()
    {
        var before = Checksums();
        var cases = Cases().ToList();
        var histogram = new SortedDictionary<int, int>();
        var failures = new List<string>();

        foreach (var (name, request, expectProblemBody) in cases)
        {
            using var message = request();
            using var response = await system.Api.SendAsync(message);
            var status = (int)response.StatusCode;
            histogram[status] = histogram.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync();
            if (status is < 400 or >= 500)
            {
                failures.Add($"{name}: {status} {body[..Math.Min(200, body.Length)]}");
            }
            else if (expectProblemBody && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{name}: {status} without a problem body");
            }
        }

        var socketErrors = await HostileWebSocketFramesAsync();
        var lineRejections = await HostileNdjsonLinesAsync();
        await AssertEveryServiceHealthyAsync();
        var after = Checksums();

        var report = new StringBuilder()
            .AppendLine($"{cases.Count} HTTP requests; status histogram: {string.Join(", ", histogram.Select(h => $"{h.Key} × {h.Value}"))}.")
            .AppendLine($"Plus {socketErrors} bad WebSocket frames, each answered with an error message on the open socket, "
                + $"and {lineRejections} bad NDJSON lines in an admin import, each rejected with its line number.")
            .ToString();
        output.WriteLine(report);
        Artifacts.Write("hostile-input.md", report);

        Assert.True(cases.Count >= 300, $"Only {cases.Count} cases.");
        Assert.Empty(failures);
        Assert.Equal(before, after);
    }

    private IEnumerable<(string Name, Func<HttpRequestMessage> Request, bool ProblemBody)> Cases()
    {
        var (checkIn, checkOut) = UniqueStay();
        var valid = JsonSerializer.Serialize(BookingBody(checkIn, checkOut));

        // Malformed and truncated JSON.
        for (var cut = 1; cut < valid.Length; cut += 6)
        {
            yield return Json($"truncated at {cut}", valid[..cut]);
        }

        foreach (var text in new[] { "", "null", "[]", "\"x\"", "123", "true", "{", "}", "{{}}", "{'hotelId':1}", "{\"hotelId\":}", "\u0000", "<xml/>", "{\"a\":1,}", "{\"hotelId\":\"\\ud800\"}" })
        {
            yield return Json($"not an object: {text}", text);
        }

        // Wrong types, nulls and missing fields, one field at a time.
        string[] fields = ["hotelId", "roomTypeId", "checkIn", "checkOut", "guests", "guest", "paymentToken"];
        object?[] wrongValues = [123, true, Array.Empty<int>(), new { }, null, "x", -1.5];
        foreach (var field in fields)
        {
            foreach (var value in wrongValues)
            {
                yield return Json($"{field} = {JsonSerializer.Serialize(value)}", With(checkIn, checkOut, field, value));
            }
        }

        // Huge, negative and fractional guests.
        foreach (var guests in new[] { "-1", "0", "21", "2147483647", "2147483648", "-2147483649", "1e308", "1.5", "-0", "99999999999999999999" })
        {
            yield return Json($"guests = {guests}", valid.Replace("\"guests\":2", $"\"guests\":{guests}"));
        }

        // Overlong strings.
        foreach (var (field, length) in new[] { ("hotelId", 5000), ("roomTypeId", 5000), ("checkIn", 1000), ("paymentToken", 5000) })
        {
            yield return Json($"{field} of {length} chars", With(checkIn, checkOut, field, new string('a', length)));
        }

        yield return Json("name of 300 chars", JsonSerializer.Serialize(BookingBody(checkIn, checkOut, name: new string('n', 300))));
        yield return Json("email of 300 chars", JsonSerializer.Serialize(BookingBody(checkIn, checkOut, email: new string('e', 290) + "@example.com")));

        // Control characters, text-direction tricks and other unicode edge cases.
        foreach (var c in new[] { "\u0000", "\u0007", "\u001b[31m", "\r\n", "\u202e", "\u2066" })
        {
            yield return Json($"name with U+{(int)c[0]:X4}", JsonSerializer.Serialize(BookingBody(checkIn, checkOut, name: $"Ana{c}Lima")));
            yield return Json($"email with U+{(int)c[0]:X4}", JsonSerializer.Serialize(BookingBody(checkIn, checkOut, email: $"ana{c}@example.com")));
        }

        foreach (var text in Unicode)
        {
            yield return Json($"hotelId {text}", With(checkIn, checkOut, "hotelId", text));
            yield return Json($"roomTypeId {text}", With(checkIn, checkOut, "roomTypeId", text));
            yield return Json($"paymentToken {text}", With(checkIn, checkOut, "paymentToken", text));
            yield return Get($"hotel {text}", $"/api/hotels/{Uri.EscapeDataString(text)}");
        }

        // Injection strings in every free-text field (with a bad email where the name alone would be accepted).
        foreach (var injection in Injections)
        {
            yield return Json($"hotelId injection {injection}", With(checkIn, checkOut, "hotelId", injection));
            yield return Json($"roomTypeId injection {injection}", With(checkIn, checkOut, "roomTypeId", injection));
            yield return Json($"paymentToken injection {injection}", With(checkIn, checkOut, "paymentToken", injection));
            yield return Json($"email injection {injection}", JsonSerializer.Serialize(BookingBody(checkIn, checkOut, email: injection)));
            yield return Json($"name injection {injection}", JsonSerializer.Serialize(BookingBody(checkIn, checkOut, name: injection, email: "not-an-email")));
            yield return Get($"availability injection {injection}", $"/api/hotels/{Uri.EscapeDataString(injection)}/availability?checkIn={checkIn}&checkOut={checkOut}&guests=2");
            yield return Get($"booking id injection {injection}", $"/api/bookings/{Uri.EscapeDataString(injection)}");
            yield return Post($"cancel injection {injection}", $"/api/bookings/{Uri.EscapeDataString(injection)}/cancel");
        }

        // Dates that are not dates, or not bookable.
        string[] badDates = ["2027-02-30", "2027-13-01", "27-01-01", "2027/01/01", "tomorrow", "", "2027-1-1", "0000-00-00", "2027-01-01T00:00:00Z", "-1", "９９９９-01-01"];
        foreach (var date in badDates)
        {
            yield return Json($"checkIn {date}", With(checkIn, checkOut, "checkIn", date));
            yield return Json($"checkOut {date}", With(checkIn, checkOut, "checkOut", date));
            yield return Get($"availability checkIn {date}", $"/api/hotels/{Lisbon}/availability?checkIn={Uri.EscapeDataString(date)}&checkOut={checkOut}&guests=2");
        }

        yield return Json("a stay in the past", JsonSerializer.Serialize(BookingBody(Iso(Today.AddDays(-5)), Iso(Today.AddDays(-3)))));
        yield return Json("a stay of 31 nights", JsonSerializer.Serialize(BookingBody(checkIn, Iso(DateOnly.Parse(checkIn).AddDays(31)))));
        yield return Json("a stay beyond the inventory", JsonSerializer.Serialize(BookingBody(Iso(Today.AddDays(5000)), Iso(Today.AddDays(5001)))));

        // Availability queries.
        foreach (var guests in new[] { "abc", "-1", "0", "21", "99999999999", "1e3", "", "2.5", "0x10", " 2" })
        {
            yield return Get($"availability guests {guests}", $"/api/hotels/{Lisbon}/availability?checkIn={checkIn}&checkOut={checkOut}&guests={Uri.EscapeDataString(guests)}");
        }

        yield return Get("availability without a query", $"/api/hotels/{Lisbon}/availability");
        yield return Get("stream without a query", $"/api/hotels/{Lisbon}/availability/stream");
        yield return Get("stream of an unknown hotel", $"/api/hotels/nowhere/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=2");

        // Booking ids.
        foreach (var id in new[] { "x", "bk_", "bk_" + new string('0', 32), new string('b', 5000), "..%2F..%2Fetc", "bk_ZZZZ", "%2e%2e", "BK_" + new string('A', 32) })
        {
            yield return Get($"booking id {id[..Math.Min(20, id.Length)]}", $"/api/bookings/{id}");
            yield return Post($"cancel id {id[..Math.Min(20, id.Length)]}", $"/api/bookings/{id}/cancel");
        }

        // Content types and bodies that are not what the endpoint reads.
        foreach (var contentType in new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/jsonx", "image/png" })
        {
            yield return ($"content type {contentType}", () => new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(valid)) { Headers = { { "Content-Type", contentType } } },
            }, true);
        }

        yield return ("no content type", () => new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(valid)) }, true);
        yield return ("no body", () => new HttpRequestMessage(HttpMethod.Post, "/api/bookings"), true);
        foreach (var size in new[] { 65 * 1024, 200 * 1024, 1024 * 1024 })
        {
            var body = valid.Replace("\"paymentToken\"", $"\"padding\":\"{new string('p', size)}\",\"paymentToken\"");
            // Expect: 100-continue, as a careful client sends large bodies: the gateway refuses on the declared
            // length, before a byte of the body is sent, so the refusal never races a half-written body.
            yield return ($"body of {size} bytes", () =>
            {
                var message = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                message.Headers.ExpectContinue = true;
                return message;
            }, true);
        }

        // Headers: duplicated, empty, overlong, unprintable keys (each on an otherwise bookable request).
        foreach (var keys in new[] { new[] { "a", "b" }, new[] { "" }, new[] { new string('k', 300) }, new[] { "key with spaces" }, new[] { "key\ttab" } })
        {
            yield return ($"Idempotency-Key {string.Join("|", keys.Select(k => k[..Math.Min(10, k.Length)]))}", () =>
            {
                var message = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(valid, Encoding.UTF8, "application/json") };
                message.Headers.TryAddWithoutValidation("Idempotency-Key", keys);
                return message;
            }, true);
        }

        yield return ("a 40 KiB header (refused by Kestrel itself)", () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Get, "/api/hotels");
            message.Headers.TryAddWithoutValidation("X-Padding", new string('h', 40 * 1024));
            return message;
        }, false);

        // Methods and paths that do not exist, the socket endpoint without an upgrade, the admin API without a token.
        yield return ("PUT a booking", () => new HttpRequestMessage(HttpMethod.Put, "/api/bookings"), true);
        yield return ("DELETE a hotel", () => new HttpRequestMessage(HttpMethod.Delete, $"/api/hotels/{Lisbon}"), true);
        yield return Get("a path that does not exist", "/api/nothing");
        yield return Get("quotes socket without an upgrade", "/api/quotes/ws");
        yield return ("admin import without a token", () => new HttpRequestMessage(HttpMethod.Post, "/api/admin/inventory")
        {
            Content = new StringContent("{\"hotelId\":\"harbour-view\"}\n", Encoding.UTF8, "application/x-ndjson"),
        }, true);
        yield return ("admin import with a forged token", () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/admin/inventory") { Content = new StringContent("{}\n", Encoding.UTF8, "application/x-ndjson") };
            message.Headers.Authorization = new("Bearer", system.Token()[..^4] + "AAAA");
            return message;
        }, true);
    }

    /// <summary>Admin import lines that are all bad: answered 200 with every line rejected, nothing applied.</summary>
    private async Task<int> HostileNdjsonLinesAsync()
    {
        string[] lines =
        [
            "{", "not json", "[]", "{\"hotelId\":\"harbour-view\"}", "{\"hotelId\":\"harbour-view\",\"roomTypeId\":\"harbour-view-twin\",\"date\":\"2027-02-30\",\"rooms\":3}",
            $"{{\"hotelId\":\"harbour-view\",\"roomTypeId\":\"harbour-view-twin\",\"date\":\"{Iso(Today.AddDays(20))}\",\"rooms\":-5}}",
            $"{{\"hotelId\":\"harbour-view\",\"roomTypeId\":\"spree-loft-loft\",\"date\":\"{Iso(Today.AddDays(20))}\",\"rooms\":5}}",
            $"{{\"hotelId\":\"harbour-view\",\"roomTypeId\":\"harbour-view-twin\",\"date\":\"{Iso(Today.AddDays(-2))}\",\"rooms\":5}}",
            $"{{\"hotelId\":\"harbour-view\",\"roomTypeId\":\"harbour-view-twin\",\"date\":\"{Iso(Today.AddDays(20))}\",\"rooms\":5,\"nightlyRate\":{{\"amount\":-1,\"currency\":\"GBP\"}}}}",
            $"{{\"hotelId\":\"harbour-view\",\"roomTypeId\":\"harbour-view-twin\",\"date\":\"{Iso(Today.AddDays(20))}\",\"rooms\":5,\"nightlyRate\":{{\"amount\":1.001,\"currency\":\"GBP\"}}}}",
            new string('x', 5000),
        ];

        var response = await system.ImportAsync(string.Join('\n', lines));
        var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, summary.GetProperty("accepted").GetInt32());
        Assert.Equal(lines.Length, summary.GetProperty("rejected").GetInt32());
        return lines.Length;
    }

    /// <summary>Bad frames on an open quotes socket: each answered with an error message, the socket still usable.</summary>
    private async Task<int> HostileWebSocketFramesAsync()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(system.Api.BaseAddress!) { Scheme = "ws", Path = "/api/quotes/ws" }.Uri, CancellationToken.None);
        var frames = new (byte[] Bytes, WebSocketMessageType Type)[]
        {
            (Encoding.UTF8.GetBytes("not json"), WebSocketMessageType.Text),
            (Encoding.UTF8.GetBytes("{\"hotelId\": 1}"), WebSocketMessageType.Text),
            (Encoding.UTF8.GetBytes("{\"hotelId\":\"alfama-riverside\",\"checkIn\":\"x\",\"checkOut\":\"y\",\"guests\":2}"), WebSocketMessageType.Text),
            (Encoding.UTF8.GetBytes("{\"hotelId\":\"nowhere\",\"checkIn\":\"2099-01-01\",\"checkOut\":\"2099-01-02\",\"guests\":2}"), WebSocketMessageType.Text),
            (RandomNumberGenerator.GetBytes(64), WebSocketMessageType.Binary),
            (Encoding.UTF8.GetBytes(new string('x', 20_000)), WebSocketMessageType.Text),
        };

        foreach (var (bytes, type) in frames)
        {
            await socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[64 * 1024];
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            var reply = JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement;
            Assert.Equal("error", reply.GetProperty("type").GetString());
        }

        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        return frames.Length;
    }

    private async Task AssertEveryServiceHealthyAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await system.Api.GetAsync("/health")).StatusCode);
        using var http2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var service in new[] { "availability", "booking", "payment" })
        {
            Assert.Equal(HttpStatusCode.OK, (await http2.GetAsync(new Uri(system.App.GetEndpoint(service, "http"), "/health"))).StatusCode);
        }
    }

    private (string, string, string) Checksums()
    {
        string Hash(string database, string sql)
        {
            using var connection = system.OpenDatabase(database);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var all = new StringBuilder();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    all.Append(reader.GetValue(i)).Append('|');
                }

                all.Append('\n');
            }

            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all.ToString())));
        }

        return (
            // A refused request keeps its idempotency key (and its refusal, for replays), but books nothing.
            Hash("booking-db", "SELECT \"Id\", \"Status\", \"Step\", \"Version\" FROM \"Bookings\" WHERE \"Refusal\" IS NULL ORDER BY \"Id\""),
            Hash("payment-db", "SELECT \"Id\", \"Status\", \"AmountMinor\" FROM \"Payments\" ORDER BY \"Id\""),
            Hash("availability-db", "SELECT \"RoomTypeId\", \"Date\", \"Total\", \"Sold\", \"Held\", \"RateMinor\" FROM \"Inventory\" ORDER BY \"RoomTypeId\", \"Date\""));
    }

    private static string With(string checkIn, string checkOut, string field, object? value)
    {
        var body = JsonSerializer.SerializeToNode(BookingBody(checkIn, checkOut))!.AsObject();
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = JsonSerializer.SerializeToNode(value);
        }

        return body.ToJsonString();
    }

    private static (string, Func<HttpRequestMessage>, bool) Json(string name, string body) =>
        (name, () => new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = new StringContent(body, Encoding.UTF8, "application/json") }, true);

    private static (string, Func<HttpRequestMessage>, bool) Get(string name, string path) =>
        (name, () => new HttpRequestMessage(HttpMethod.Get, path), true);

    private static (string, Func<HttpRequestMessage>, bool) Post(string name, string path) =>
        (name, () => new HttpRequestMessage(HttpMethod.Post, path), true);
}
