using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Reliability;

[Collection(SystemCollection.Name)]
public sealed class OverbookingOnSqlite(SystemFixture system) : OverbookingTests(system);

[Collection(PostgresSystemCollection.Name)]
public sealed class OverbookingOnPostgres(PostgresSystemFixture system) : OverbookingTests(system.Started());

public abstract class OverbookingTests(SystemFixture system)
{
    private const string Loft = "spree-loft-loft"; // 5 rooms a night

    [SkippableFact]
    public async Task CreateBooking_FiveTimesMoreConcurrentCallersThanRooms_ExactlyTheFreeRoomsSold()
    {
        var (checkIn, checkOut) = UniqueStay(nights: 2);
        var free = await AvailableAsync(system.Api, checkIn, checkOut, Berlin, Loft);
        Assert.Equal(5, free);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 5 * free).Select(_ =>
            system.Api.PostAsJsonAsync("/api/bookings", BookingBody(checkIn, checkOut, hotelId: Berlin, roomTypeId: Loft))));
        var elapsed = clock.Elapsed;

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var unexpected = responses.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict)).ToList();
        // On failure, say what came back, not just how many.
        var answers = string.Join(", ", responses.GroupBy(r => (int)r.StatusCode).Select(g => $"{g.Count()} × {g.Key}"));
        var firstUnexpected = unexpected.Count > 0 ? await unexpected[0].Content.ReadAsStringAsync() : "";
        Assert.True(created.Count == free && unexpected.Count == 0, $"{answers}; expected {free} × 201 and the rest 409. {firstUnexpected}");
        Assert.Equal(0, await AvailableAsync(system.Api, checkIn, checkOut, Berlin, Loft));

        var bookings = await Task.WhenAll(created.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.All(bookings, b => Assert.Equal("Confirmed", b.GetProperty("status").GetString()));
        using var payments = system.OpenDatabase("payment-db");
        var keys = string.Join(',', bookings.Select(b => $"'booking:{b.GetProperty("id").GetString()}'"));
        Assert.Equal(free, Invariants.Scalar(payments, $"SELECT COUNT(*) FROM \"Payments\" WHERE \"Status\" = 'Captured' AND \"RequestId\" IN ({keys})"));
        var capturedMinor = Invariants.Scalar(payments, $"SELECT SUM(\"AmountMinor\") FROM \"Payments\" WHERE \"Status\" = 'Captured' AND \"RequestId\" IN ({keys})");
        Assert.Equal(bookings.Sum(b => b.GetProperty("total").GetProperty("amount").GetDecimal()) * 100, capturedMinor);
        var violations = Invariants.Check(system);
        Artifacts.Write($"overbooking-{system.Provider}.md",
            $"| {system.Provider} | {responses.Length} concurrent | {created.Count} × 201 | " +
            $"{responses.Count(r => r.StatusCode == HttpStatusCode.Conflict)} × 409 | {violations.Count} violations | all answered in {elapsed.TotalMilliseconds:F0} ms |\n");
        Assert.Empty(violations);
    }
}
