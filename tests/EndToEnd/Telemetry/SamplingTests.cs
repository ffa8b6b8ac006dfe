using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Telemetry;

/// <summary>
/// A trace is decided once, where it starts, and every process follows that decision: a trace is whole or
/// absent. The system runs the shipped sampler (ServiceDefaults/Telemetry/TraceSampling.cs) at ratio 1.0, so
/// the unsampled trace here is a caller's decision (a <c>traceparent</c> without the sampled flag), which the
/// gateway and the three services behind it must honour.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SamplingTests(SystemFixture system)
{
    [Fact]
    public async Task Booking_CallerDidNotSample_NoProcessExportsASpanWhileTheNextSampledTraceIsWhole()
    {
        var unsampledTrace = NewTraceId();
        var unsampled = await BookAsync(unsampledTrace, sampled: false);
        Assert.Equal(HttpStatusCode.Created, unsampled.StatusCode);
        // Not recorded, still named: a user can quote it, and the logs carry it.
        Assert.Equal(unsampledTrace, unsampled.Headers.GetValues("X-Trace-Id").Single());

        // Each process exports its spans in the order they end: once the later, sampled booking's spans have
        // arrived from all four, any span the unsampled booking made would have arrived before them.
        var sampledTrace = NewTraceId();
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(sampledTrace, sampled: true)).StatusCode);
        var trace = new TraceGraph(await system.Telemetry.WaitForTraceAsync(sampledTrace, TraceEdgeTests.Services));

        Assert.True(TraceEdgeTests.BookingEdges.SetEquals(trace.ServiceEdges), $"Edges: {string.Join(", ", trace.ServiceEdges)}\n{trace.Describe()}");
        Assert.Equal("gateway", Assert.Single(trace.Roots).Service);
        Assert.Contains(trace.DatabaseSpans, s => s.Service == "booking");
        var leaked = system.Telemetry.SpansOf(unsampledTrace);
        Assert.True(leaked.Count == 0, $"Spans of the unsampled trace:\n{new TraceGraph(leaked).Describe()}");
    }

    [Fact]
    public async Task Booking_CallerDidNotSample_LogsStillCarryItsTrace()
    {
        var traceId = NewTraceId();
        Assert.Equal(HttpStatusCode.Created, (await BookAsync(traceId, sampled: false)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!system.Telemetry.Logs.Any(l => l.TraceId == traceId && l.Service == "booking" && l.Text.Contains("confirmed")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No log record of the booking service names trace {traceId}.");
            await Task.Delay(500);
        }
    }

    private static string NewTraceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private Task<HttpResponseMessage> BookAsync(string traceId, bool sampled)
    {
        var (checkIn, checkOut) = UniqueStay();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(BookingBody(checkIn, checkOut)) };
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-{(sampled ? "01" : "00")}");
        return system.Api.SendAsync(request);
    }
}
