using System.Net;
using System.Net.Http.Json;
using HotelBooking.EndToEnd.Infrastructure;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Reliability;

[Collection(SystemCollection.Name)]
public sealed class IdempotencyOnSqlite(SystemFixture system) : IdempotencyTests(system);

[Collection(PostgresSystemCollection.Name)]
public sealed class IdempotencyOnPostgres(PostgresSystemFixture system) : IdempotencyTests(system.Started());

public abstract class IdempotencyTests(SystemFixture system)
{
    [SkippableFact]
    public async Task CreateBooking_TwentyConcurrentCallsWithOneKey_OneBookingOneCharge()
    {
        var (checkIn, checkOut) = UniqueStay();
        var before = await AvailableAsync(system.Api, checkIn, checkOut);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => system.Api.PostBookingAsync(BookingBody(checkIn, checkOut), key)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var bodies = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Equal(before - 1, await AvailableAsync(system.Api, checkIn, checkOut));

        using var bookings = system.OpenDatabase("booking-db");
        Assert.Equal(1, Invariants.Scalar(bookings, $"SELECT COUNT(*) FROM \"Bookings\" WHERE \"RequestId\" = '{key}'"));
        var bookingId = Invariants.Scalar(bookings, $"SELECT COUNT(*) FROM \"Bookings\" WHERE \"RequestId\" = '{key}' AND \"Status\" = 'Confirmed'");
        Assert.Equal(1, bookingId);

        var replay = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut), key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(bodies[0], await replay.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task CreateBooking_SameKeyWithADifferentBody_422AndNothingBooked()
    {
        var (checkIn, checkOut) = UniqueStay();
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut), key)).StatusCode);
        var after = await AvailableAsync(system.Api, checkIn, checkOut);

        var changed = await system.Api.PostBookingAsync(BookingBody(checkIn, checkOut, name: "Someone Else"), key);

        await ProblemAssert.IsProblemAsync(changed, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(after, await AvailableAsync(system.Api, checkIn, checkOut));
    }
}
