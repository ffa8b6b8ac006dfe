using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Telemetry;

[Collection(SystemCollection.Name)]
public sealed class LogAndMetricTests(SystemFixture system)
{
    [Fact]
    public async Task Logs_AfterBookings_NoTokenNoEmailAndRequestLogsCarryTheirTrace()
    {
        var (checkIn, checkOut) = UniqueStay();
        const string email = "log.probe@example.org";
        var booked = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut, email: email));
        var declined = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut, "tok_chargeDeclined", email: email));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, declined.StatusCode);
        var traceId = booked.Headers.GetValues("X-Trace-Id").Single();

        var logs = await WaitForLogsAsync(traceId);

        // Every log line of the whole run so far, from every process.
        Assert.DoesNotContain(system.Telemetry.Logs, l => l.Text.Contains("tok_", StringComparison.Ordinal));
        Assert.DoesNotContain(system.Telemetry.Logs, l => l.Text.Contains("@example.", StringComparison.Ordinal));
        // The booking's own log lines are correlated: each names the trace and a span.
        Assert.Contains(logs, l => l.Service == "booking" && l.Text.Contains("confirmed"));
        Assert.Contains(logs, l => l.Service == "payment");
        Assert.All(logs, l => Assert.Matches("^[0-9a-f]{16}$", l.SpanId));
        var requestPathLogs = system.Telemetry.Logs.Where(l => l.Category.StartsWith("HotelBooking.", StringComparison.Ordinal)
            && (l.Category.Contains(".Grpc.") || l.Category.Contains(".Saga.BookingSaga") || l.Category.Contains(".Gateway.")));
        Assert.All(requestPathLogs, l => Assert.Matches("^[0-9a-f]{32}$", l.TraceId));
    }

    [Fact]
    public async Task Logs_OfABooking_NoFrameworkRecordsPerInternalCall()
    {
        var (checkIn, checkOut) = UniqueStay();
        var booked = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var traceId = booked.Headers.GetValues("X-Trace-Id").Single();

        // The booking service logs the confirmation after its calls to availability and payment, and each
        // process exports its records in order: whatever those calls logged has arrived by now.
        var logs = await WaitForLogsAsync(traceId);

        // HttpClient's "Start processing"/"Sending"/"Received"/"End processing", hosting's "Request starting/finished",
        // "Executing endpoint": four to six records per gRPC call at Information, none of them wanted by default.
        string[] perCallCategories = ["System.Net.Http.HttpClient.", "Microsoft.AspNetCore.", "Grpc."];
        var noise = logs.Where(l => perCallCategories.Any(c => l.Category.StartsWith(c, StringComparison.Ordinal))).ToList();
        Assert.True(noise.Count == 0, string.Join("\n", noise.Select(l => $"{l.Service} {l.Category}: {l.Text}")));
        Assert.Contains(logs, l => l.Service == "booking" && l.Text.Contains("confirmed"));
    }

    [Fact]
    public async Task LogsAndSpans_AfterABookingIsReadAndCancelled_NeverCarryItsId()
    {
        var (checkIn, checkOut) = UniqueStay();
        var booked = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var bookingId = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await system.Api.GetAsync($"/api/bookings/{bookingId}")).StatusCode);
        var cancel = await system.Api.PostAsync($"/api/bookings/{bookingId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var traceId = cancel.Headers.GetValues("X-Trace-Id").Single();

        // Wait until the cancel's spans and logs from the gateway and the booking service have arrived (logs are
        // exported in batches of their own), and a little longer for the last batch.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (system.Telemetry.Spans.Where(s => s.TraceId == traceId).Select(s => s.Service).Distinct().Count() < 2
            || system.Telemetry.Logs.Where(l => l.TraceId == traceId).Select(l => l.Service).Distinct().Count() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The cancel's spans and logs (trace {traceId}) did not all arrive.");
            await Task.Delay(500);
        }

        await Task.Delay(1000);

        // The id is the guest's capability to read and cancel the booking: telemetry names it by its reference.
        Assert.DoesNotContain(system.Telemetry.Logs, l => l.Text.Contains(bookingId, StringComparison.Ordinal));
        Assert.DoesNotContain(system.Telemetry.Spans, s => s.Name.Contains(bookingId, StringComparison.Ordinal)
            || s.Attributes.Values.Any(v => v.Contains(bookingId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Metrics_AfterABooking_CustomAndStandardInstrumentsExported()
    {
        var (checkIn, checkOut) = UniqueStay();
        Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut))).StatusCode);

        string[] expected =
        [
            "hotelbooking.bookings", "hotelbooking.booking.saga.duration", "hotelbooking.payments", "hotelbooking.holds.active",
            "http.server.request.duration", "http.client.request.duration",
        ];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!expected.All(system.Telemetry.MetricNames.ContainsKey))
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"Missing: {string.Join(", ", expected.Where(m => !system.Telemetry.MetricNames.ContainsKey(m)))}");
            await Task.Delay(500);
        }
    }

    private async Task<List<ReceivedLog>> WaitForLogsAsync(string traceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var logs = system.Telemetry.Logs.Where(l => l.TraceId == traceId).ToList();
            if (logs.Any(l => l.Service == "booking") && logs.Any(l => l.Service == "payment"))
            {
                return logs;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Only {logs.Count} log records for trace {traceId}.");
            await Task.Delay(500);
        }
    }
}
