using System.Diagnostics;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Grpc;
using HotelBooking.Contracts.Availability.V1;
using HotelBooking.Services.IntegrationTests.Infrastructure;
using HotelBooking.Tests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace HotelBooking.Services.IntegrationTests.Availability;

public sealed class CatalogueSeedOnSqlite(ITestOutputHelper output) : CatalogueSeedTests(Provider.Sqlite, output);

public sealed class CatalogueSeedOnPostgres(ITestOutputHelper output) : CatalogueSeedTests(Provider.Postgres, output);

/// <summary>The generated catalogue as the service seeds it at its first start, with the default (full) size.</summary>
public abstract class CatalogueSeedTests(Provider provider, ITestOutputHelper output)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [SkippableFact]
    public async Task FirstStart_DefaultCatalogue_200HotelsIn20CitiesEachWithAYearOfInventory()
    {
        SkipUnlessAvailable();
        using var host = Host(settings: null);

        var started = Stopwatch.StartNew();
        var client = new AvailabilityService.AvailabilityServiceClient(host.CreateChannel());
        var hotels = (await client.ListHotelsAsync(new())).Hotels;
        output.WriteLine($"First start with the full catalogue on {provider}: {started.Elapsed.TotalSeconds:F1} s"); // for the docs; not asserted

        Assert.Equal(CatalogueGenerator.Generate().Select(h => h.Id).Order(), hotels.Select(h => h.HotelId).Order());
        Assert.Equal(20, hotels.Select(h => h.City).Distinct().Count());
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var nights = await NightsPerRoomTypeAsync(host);
        Assert.Equal(hotels.Sum(h => h.RoomTypes.Count), nights.Count);
        Assert.All(nights, n => Assert.Equal((365, today, today.AddDays(364)), (n.Nights, n.First, n.Last)));
    }

    [SkippableFact]
    public async Task NextDaysStart_SameDatabase_TopsUpOneNightPerRoomTypeAndAddsNoHotel()
    {
        SkipUnlessAvailable();
        var smaller = new Dictionary<string, string?> { [TestCatalogue.HotelsSetting] = "23", ["Catalogue:Days"] = "30" };
        using var host = Host(smaller);
        var client = new AvailabilityService.AvailabilityServiceClient(host.CreateChannel());
        var hotels = (await client.ListHotelsAsync(new())).Hotels;
        var before = await NightsPerRoomTypeAsync(host);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            // What the next day's start runs, under the migration lock, with that day's clock.
            var catalogue = scope.ServiceProvider.GetRequiredService<IOptions<CatalogueOptions>>().Value;
            var tomorrow = new FakeTimeProvider(_time.GetUtcNow().AddDays(1));
            await SeedData.SeedAsync(scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>(), tomorrow, catalogue);
        }

        Assert.Equal(23, hotels.Count);
        Assert.Equal(hotels, (await client.ListHotelsAsync(new())).Hotels);
        var after = await NightsPerRoomTypeAsync(host);
        Assert.Equal(before.Select(n => (n.RoomTypeId, n.Nights + 1, n.First, n.Last.AddDays(1))), after.Select(n => (n.RoomTypeId, n.Nights, n.First, n.Last)));
    }

    private ServiceHost<AvailabilityGrpcService> Host(Dictionary<string, string?>? settings) =>
        new("availability-db", settings, services => services.AddSingleton<TimeProvider>(_time), provider: provider);

    private void SkipUnlessAvailable()
    {
        if (provider == Provider.Postgres)
        {
            PostgresServer.SkipIfUnavailable();
        }
    }

    private static async Task<List<(string RoomTypeId, int Nights, DateOnly First, DateOnly Last)>> NightsPerRoomTypeAsync(
        ServiceHost<AvailabilityGrpcService> host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        var nights = await db.Inventory
            .GroupBy(n => n.RoomTypeId)
            .Select(g => new { RoomTypeId = g.Key, Nights = g.Count(), First = g.Min(n => n.Date), Last = g.Max(n => n.Date) })
            .OrderBy(n => n.RoomTypeId)
            .ToListAsync();
        return [.. nights.Select(n => (n.RoomTypeId, n.Nights, n.First, n.Last))];
    }
}
