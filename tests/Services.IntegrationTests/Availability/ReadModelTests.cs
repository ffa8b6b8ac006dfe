using Grpc.Core;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Grpc;
using HotelBooking.Availability.Holds;
using HotelBooking.Availability.ReadModel;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static HotelBooking.Services.IntegrationTests.Infrastructure.Dates;

namespace HotelBooking.Services.IntegrationTests.Availability;

public sealed class ReadModelOnSqlite() : ReadModelTests(Provider.Sqlite);

public sealed class ReadModelOnPostgres() : ReadModelTests(Provider.Postgres);

/// <summary>
/// The in-memory read model agrees with the database after any sequence of changes: a seeded random mix of
/// holds, confirms, releases, expiries and imports, on each provider.
/// </summary>
public abstract class ReadModelTests : IDisposable
{
    private const string Hotel = "spree-loft";
    // The last nights the seed puts on sale, and two beyond that only imports add.
    private const int FirstNight = 355;
    private const int Nights = 10;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServiceHost<AvailabilityGrpcService> _host;
    private readonly AvailabilityService.AvailabilityServiceClient _client;

    protected ReadModelTests(Provider provider)
    {
        if (provider == Provider.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
        }

        _host = new ServiceHost<AvailabilityGrpcService>("availability-db",
            new Dictionary<string, string?> { ["Holds:SweepInterval"] = "01:00:00" },
            services => services.AddSingleton<TimeProvider>(_time), provider: provider);
        _client = new AvailabilityService.AvailabilityServiceClient(_host.CreateChannel());
    }

    public void Dispose()
    {
        _host.Dispose();
        GC.SuppressFinalize(this);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RandomChanges_AnySequence_ModelEqualsDatabase(int seed)
    {
        var random = new Random(seed);
        var roomTypes = (await _client.GetHotelAsync(new() { HotelId = Hotel })).Hotel.RoomTypes.Select(r => r.RoomTypeId).ToArray();
        var holds = new List<string>();

        for (var step = 0; step < 80; step++)
        {
            switch (random.Next(6))
            {
                case 0 or 1:
                    var checkIn = FirstNight + random.Next(Nights - 1);
                    var hold = await TryAsync(() => _client.CreateHoldAsync(new CreateHoldRequest
                    {
                        RequestId = $"random-{seed}-{step}",
                        HotelId = Hotel,
                        RoomTypeId = roomTypes[random.Next(roomTypes.Length)],
                        CheckIn = DaysFromToday(checkIn),
                        CheckOut = DaysFromToday(checkIn + 1 + random.Next(Math.Min(3, FirstNight + Nights - checkIn - 1) + 1)),
                        Guests = 1,
                        Rooms = 1 + random.Next(2),
                    }).ResponseAsync);
                    if (hold is not null)
                    {
                        holds.Add(hold.Hold.HoldId);
                    }

                    break;
                case 2 when holds.Count > 0:
                    await TryAsync(() => _client.ConfirmHoldAsync(new() { HoldId = holds[random.Next(holds.Count)] }).ResponseAsync);
                    break;
                case 3 when holds.Count > 0:
                    await TryAsync(() => _client.ReleaseHoldAsync(new() { HoldId = holds[random.Next(holds.Count)] }).ResponseAsync);
                    break;
                case 4:
                    // Expiry: time passes beyond the holds' lifetime, and a sweep frees what was left active.
                    _time.Advance(TimeSpan.FromMinutes(11));
                    await using (var scope = _host.Services.CreateAsyncScope())
                    {
                        await scope.ServiceProvider.GetRequiredService<HoldLedger>().SweepExpiredAsync(CancellationToken.None);
                    }

                    break;
                default:
                    using (var import = _client.ImportInventory())
                    {
                        for (var line = 1; line <= 3; line++)
                        {
                            await import.RequestStream.WriteAsync(new()
                            {
                                Line = line,
                                HotelId = Hotel,
                                RoomTypeId = roomTypes[random.Next(roomTypes.Length)],
                                Date = DaysFromToday(FirstNight + random.Next(Nights + 2)), // some beyond: inserted nights
                                Rooms = random.Next(6),
                                NightlyRate = random.Next(2) == 0 ? null : new() { AmountMinor = 100_00 + random.Next(100_00), CurrencyCode = "EUR" },
                            });
                        }

                        await import.RequestStream.CompleteAsync();
                        await import.ResponseAsync;
                    }

                    break;
            }
        }

        await using var check = _host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        var from = Today.AddDays(FirstNight);
        var to = from.AddDays(Nights + 2);
        var rows = await db.Inventory.AsNoTracking()
            .Where(n => roomTypes.Contains(n.RoomTypeId) && n.Date >= from && n.Date < to)
            .ToDictionaryAsync(n => (n.RoomTypeId, n.Date));
        var model = _host.Services.GetRequiredService<AvailabilityModel>();
        var inDatabase = roomTypes.SelectMany(r => Enumerable.Range(0, Nights + 2).Select(d => (r, from.AddDays(d))))
            .Select(key => rows.TryGetValue(key, out var n) ? (key, true, n.Total, n.Sold, n.Held, n.RateMinor) : (key, false, 0, 0, 0, 0L));
        var inModel = roomTypes.SelectMany(r => Enumerable.Range(0, Nights + 2).Select(d => (r, from.AddDays(d))))
            .Select(key => model.FindRoomType(key.r)!.Nights[key.Item2] is var n ? (key, n.Exists, n.Total, n.Sold, n.Held, n.RateMinor) : default);
        Assert.Equal(inDatabase, inModel);
    }

    /// <summary>The call's answer, or null when it was refused with a domain outcome (sold out, hold no longer active).</summary>
    private static async Task<T?> TryAsync<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            return null;
        }
    }
}
