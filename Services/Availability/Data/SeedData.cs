using HotelBooking.Availability.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HotelBooking.Availability.Data;

/// <summary>
/// The catalogue (<see cref="CatalogueGenerator"/>) and inventory for every night of the coming year. Runs at
/// each start, under the migration lock: hotels of the catalogue that are missing are added, and inventory
/// is topped up so the horizon always reaches <see cref="CatalogueOptions.Days"/> ahead.
/// </summary>
public static class SeedData
{
    /// <summary>The seed step of <c>PrepareDatabaseAsync</c>, with the service's clock and catalogue settings.</summary>
    public static Task SeedAsync(AvailabilityDbContext db, IServiceProvider services) =>
        SeedAsync(db, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<CatalogueOptions>>().Value);

    public static async Task SeedAsync(AvailabilityDbContext db, TimeProvider time, CatalogueOptions? catalogue = null, CancellationToken cancellationToken = default)
    {
        catalogue ??= new CatalogueOptions();
        // One transaction: the hotels and their ~250,000 nights are committed (and synced to disk) once.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var known = await db.Hotels.Select(h => h.Id).ToHashSetAsync(cancellationToken);
        db.Hotels.AddRange(CatalogueGenerator.Generate(catalogue.Hotels).Where(h => !known.Contains(h.Id)));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var horizon = today.AddDays(catalogue.Days);
        var lastNights = await db.Inventory
            .GroupBy(n => n.RoomTypeId)
            .Select(g => new { RoomTypeId = g.Key, Last = g.Max(n => n.Date) })
            .ToDictionaryAsync(n => n.RoomTypeId, n => n.Last, cancellationToken);
        var roomTypes = await db.RoomTypes.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken);

        // Raw, batched inserts: EF tracking a quarter of a million entities would take most of a minute.
        await InventoryBulkInsert.InsertAsync(db, MissingNights(), cancellationToken);
        if (known.Count == 0)
        {
            // A first seed: no process has a read model of this database yet (each loads after seeding), so
            // the change log's row per night (the trigger's) would only be read past; dropping them in the
            // same transaction halves the first start. Later seeds keep theirs: running processes follow them.
            await db.InventoryChanges.ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        IEnumerable<InventoryNight> MissingNights()
        {
            foreach (var roomType in roomTypes)
            {
                var first = lastNights.TryGetValue(roomType.Id, out var last) && last >= today ? last.AddDays(1) : today;
                var rooms = CatalogueGenerator.RoomsPerNight(roomType);
                for (var date = first; date < horizon; date = date.AddDays(1))
                {
                    yield return new InventoryNight { RoomTypeId = roomType.Id, Date = date, Total = rooms, RateMinor = roomType.NightlyRateMinor };
                }
            }
        }
    }
}
