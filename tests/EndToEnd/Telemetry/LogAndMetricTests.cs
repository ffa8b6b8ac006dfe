using System.Net;
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
