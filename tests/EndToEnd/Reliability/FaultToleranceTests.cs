using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Reliability;

[Collection(SystemCollection.Name)]
public sealed class FaultToleranceOnSqlite(SystemFixture system) : FaultToleranceTests(system);

[Collection(PostgresSystemCollection.Name)]
public sealed class FaultToleranceOnPostgres(PostgresSystemFixture system) : FaultToleranceTests(system.Started());

public abstract class FaultToleranceTests(SystemFixture system)
{
    [SkippableFact]
    public async Task CreateBooking_FirstChargesFailUnavailable_StillBookedWithOneChargeEach()
    {
        for (var i = 0; i < 2; i++)
        {
            var (checkIn, checkOut) = UniqueStay();
            var failuresBefore = await system.InjectedFailuresAsync("payment");
            await system.SetFaultsAsync("payment", new { failNext = 3, methods = new[] { "Charge" } });

            var response = await system.Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut));

            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(failuresBefore + 3, await system.InjectedFailuresAsync("payment"));
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            using var payments = system.OpenDatabase("payment-db");
            Assert.Equal(1, Invariants.Scalar(payments, $"SELECT COUNT(*) FROM \"Payments\" WHERE \"RequestId\" = 'booking:{id}'"));
        }

        await system.ClearFaultsAsync("payment");
    }

    [SkippableFact]
    public async Task BookingServiceCrashesBetweenChargeAndConfirm_AfterRestartTheBookingSettlesWithin30s()
    {
        var (checkIn, checkOut) = UniqueStay();
        var key = Guid.NewGuid().ToString();
        await system.SetFaultsAsync("booking", new { crashAt = "after-charge" });

        var originalTrace = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(BookingBody(checkIn, checkOut)) };
        request.Headers.Add("Idempotency-Key", key);
        request.Headers.Add("traceparent", $"00-{originalTrace}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}-01");
        var during = await system.Api.SendAsync(request);
        Assert.True(during.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
            $"While the booking service was dying: {(int)during.StatusCode}");

        await system.RestartAfterCrashAsync("booking");
        var settledBy = DateTime.UtcNow.AddSeconds(30);
        string status;
        while (true)
        {
            using var bookings = system.OpenDatabase("booking-db");
            var settled = Invariants.Scalar(bookings, $"SELECT COUNT(*) FROM \"Bookings\" WHERE \"RequestId\" = '{key}' AND \"Step\" = 'Done'");
            if (settled == 1)
            {
                using var command = bookings.CreateCommand();
                command.CommandText = $"SELECT \"Status\" FROM \"Bookings\" WHERE \"RequestId\" = '{key}'";
                status = (string)command.ExecuteScalar()!;
                break;
            }

            Assert.True(DateTime.UtcNow < settledBy, "The booking did not settle within 30 s of the restart.");
            await Task.Delay(250);
        }

        Assert.Contains(status, new[] { "Confirmed", "Failed" });
        // Recovery ran in a trace of its own, linked to the booking's original one.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!system.Telemetry.Spans.Any(s => s.Name == "booking recover" && s.LinkedTraceIds.Contains(originalTrace) && s.TraceId != originalTrace))
        {
            Assert.True(DateTime.UtcNow < deadline, "No recovery span linked to the booking's trace.");
            await Task.Delay(250);
        }

        Assert.Empty(Invariants.Check(system));
        var replay = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut), key);
        Assert.Equal(status == "Confirmed" ? HttpStatusCode.Created : HttpStatusCode.Conflict, replay.StatusCode);
    }
}
