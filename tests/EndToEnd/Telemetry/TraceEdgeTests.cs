using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Telemetry;

/// <summary>
/// "OpenTelemetry traces every hop", asserted: a booking's spans, as exported by the four processes to
/// the test's own OTLP receiver, form one trace with exactly the expected edges between services.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TraceEdgeTests(SystemFixture system)
{
    internal static readonly string[] Services = ["gateway", "booking", "availability", "payment"];
    internal static readonly HashSet<string> BookingEdges = ["gateway->booking", "booking->availability", "booking->payment"];

    [Fact]
    public async Task Booking_CallerTraceparent_OneTraceWithExactlyTheExpectedServiceEdges()
    {
        var (traceId, callerSpanId, response) = await BookWithTraceparentAsync("tok_visa");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(traceId, response.Headers.GetValues("X-Trace-Id").Single());

        var trace = new TraceGraph(await system.Telemetry.WaitForTraceAsync(traceId, Services));

        Assert.True(BookingEdges.SetEquals(trace.ServiceEdges), $"Edges: {string.Join(", ", trace.ServiceEdges)}\n{trace.Describe()}");
        var root = Assert.Single(trace.Roots);
        Assert.Equal("gateway", root.Service);
        Assert.Equal(callerSpanId, root.ParentSpanId);
        AssertEveryGrpcClientSpanHasAServerChildElsewhere(trace);
        AssertDatabaseSpansUnderTheirOwnService(trace, "booking", "availability", "payment");
        AssertRpcServerSpansFollowConventions(trace);
        TraceWaterfall.Write("booking-trace.svg", trace);
    }

    [Fact]
    public async Task DeclinedBooking_ErrorStatusOnTheBookingEdgeAndTheDeclineOnThePaymentSpan()
    {
        var (traceId, _, response) = await BookWithTraceparentAsync("tok_chargeDeclined");
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);

        var trace = new TraceGraph(await system.Telemetry.WaitForTraceAsync(traceId, Services));

        Assert.True(BookingEdges.SetEquals(trace.ServiceEdges), $"Edges: {string.Join(", ", trace.ServiceEdges)}\n{trace.Describe()}");
        Assert.Single(trace.Roots);
        // The call that failed is the gateway's CreateBooking: an error on the client side; the server side
        // answered as designed (OpenTelemetry marks FAILED_PRECONDITION as an error only for clients).
        var createBooking = trace.GrpcClientSpans.Single(s => s.Service == "gateway");
        Assert.Equal(Otlp.Status.Types.StatusCode.Error, createBooking.Status);
        Assert.Equal("9", createBooking.Attributes["rpc.grpc.status_code"]); // FAILED_PRECONDITION
        var server = Assert.Single(trace.ChildrenOf(createBooking));
        Assert.Equal("9", server.Attributes["rpc.grpc.status_code"]);
        var charge = trace.Spans.Single(s => s.Service == "payment" && s.Kind == Otlp.Span.Types.SpanKind.Server);
        Assert.Equal("declined", charge.Attributes["hotelbooking.payment.outcome"]);
        AssertEveryGrpcClientSpanHasAServerChildElsewhere(trace);
    }

    [Fact]
    public async Task RestCall_WithoutTraceparent_StartsATraceAndNamesItInTheResponse()
    {
        var response = await system.Api.GetAsync("/api/hotels/nowhere");

        var traceId = response.Headers.GetValues("X-Trace-Id").Single();
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(traceId, problem.GetProperty("traceId").GetString());
        var trace = new TraceGraph(await system.Telemetry.WaitForTraceAsync(traceId, "gateway", "availability"));
        Assert.Equal(["gateway->availability"], trace.ServiceEdges);
        Assert.Equal("", Assert.Single(trace.Roots).ParentSpanId);
    }

    [Fact]
    public async Task SseSession_OneSpanPerStreamWithEventsPerMessage()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var (checkIn, checkOut) = UniqueStay();
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/hotels/{Lisbon}/availability/stream?checkIn={checkIn}&checkOut={checkOut}&guests=2");
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        using (var response = await system.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("event: availability", await reader.ReadLineAsync());
            Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut))).StatusCode);
            while (await reader.ReadLineAsync() is { } line && !line.StartsWith("event: availability", StringComparison.Ordinal))
            {
            }
        }

        // The stream ends when the client goes; then its spans are exported (its queries' spans may come first).
        var trace = new TraceGraph(await system.Telemetry.WaitForTraceAsync(traceId,
            spans => spans.Any(s => s.Service == "availability" && s.Kind == Otlp.Span.Types.SpanKind.Server)
                && spans.Any(s => s.Service == "gateway" && s.Kind == Otlp.Span.Types.SpanKind.Client), "gateway", "availability"));

        Assert.Equal(["gateway->availability"], trace.ServiceEdges);
        var session = Assert.Single(trace.Roots);
        Assert.True(session.EventCount >= 2, $"{session.EventCount} events on the SSE session span");
        var watch = Assert.Single(trace.Spans, s => s.Service == "availability" && s.Kind == Otlp.Span.Types.SpanKind.Server);
        Assert.Equal("WatchAvailability", watch.Attributes["rpc.method"]);
        Assert.True(watch.EventCount >= 2, $"{watch.EventCount} events on the WatchAvailability span");
        AssertEveryGrpcClientSpanHasAServerChildElsewhere(trace);
    }

    [Fact]
    public async Task HealthProbes_NotTraced()
    {
        await system.Api.GetAsync("/health");
        await system.Api.GetAsync("/alive");
        await Task.Delay(1000);

        Assert.DoesNotContain(system.Telemetry.Spans, s => s.Attributes.GetValueOrDefault("url.path") is "/health" or "/alive");
    }

    private async Task<(string TraceId, string CallerSpanId, HttpResponseMessage Response)> BookWithTraceparentAsync(string token)
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var spanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var (checkIn, checkOut) = UniqueStay();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(BookingBody(checkIn, checkOut, token)) };
        request.Headers.Add("traceparent", $"00-{traceId}-{spanId}-01");
        return (traceId, spanId, await system.Api.SendAsync(request));
    }

    private static void AssertEveryGrpcClientSpanHasAServerChildElsewhere(TraceGraph trace)
    {
        var clients = trace.GrpcClientSpans.ToList();
        Assert.NotEmpty(clients);
        Assert.All(clients, client => Assert.Contains(trace.ChildrenOf(client),
            child => child.Kind == Otlp.Span.Types.SpanKind.Server && child.Service != client.Service));
    }

    private static void AssertDatabaseSpansUnderTheirOwnService(TraceGraph trace, params string[] services)
    {
        foreach (var service in services)
        {
            Assert.Contains(trace.DatabaseSpans, s => s.Service == service);
        }

        Assert.All(trace.DatabaseSpans, db => Assert.Equal(db.Service, trace.ParentOf(db)?.Service));
    }

    private static void AssertRpcServerSpansFollowConventions(TraceGraph trace)
    {
        var servers = trace.Spans.Where(s => s.Kind == Otlp.Span.Types.SpanKind.Server && s.Service != "gateway").ToList();
        Assert.NotEmpty(servers);
        Assert.All(servers, span =>
        {
            Assert.Equal("grpc", span.Attributes.GetValueOrDefault("rpc.system"));
            Assert.StartsWith("hotelbooking.", span.Attributes.GetValueOrDefault("rpc.service"));
            Assert.False(string.IsNullOrEmpty(span.Attributes.GetValueOrDefault("rpc.method")));
            Assert.True(span.Attributes.ContainsKey("rpc.grpc.status_code"));
        });
    }
}
