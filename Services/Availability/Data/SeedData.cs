using HotelBooking.Availability.Domain;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Availability.Data;

/// <summary>
/// Three hotels in three cities, and inventory for every night of the coming year. Runs at each start:
/// hotels are added once, and inventory is topped up so the horizon always reaches a year ahead.
/// </summary>
public static class SeedData
{
    public const int HorizonDays = 365;

    // A method, not a static array: EF tracks entity instances per context.
    private static Hotel[] Catalog() =>
    [
        NewHotel("alfama-riverside", "Alfama Riverside", "Lisbon", "EUR",
            ("single", "Single Room", 1, 80_00),
            ("double", "Double Room", 2, 120_00),
            ("family", "Family Suite", 4, 240_00)),
        NewHotel("spree-loft", "Spree Loft Hotel", "Berlin", "EUR",
            ("single", "Single Room", 1, 90_00),
            ("double", "Double Room", 2, 140_00),
            ("loft", "Loft Suite", 3, 260_00),
            ("penthouse", "Penthouse", 4, 480_00)),
        NewHotel("harbour-view", "Harbour View Inn", "Edinburgh", "GBP",
            ("double", "Double Room", 2, 110_00),
            ("twin", "Twin Room", 2, 105_00)),
    ];

    /// <summary>Rooms of each type per night: fewer of the bigger ones.</summary>
    private static int RoomsOf(RoomType roomType) => roomType.Capacity switch
    {
        1 => 8,
        2 => 12,
        3 => 5,
        _ => 3,
    };

    /// <summary>The seed step of <c>PrepareDatabaseAsync</c>, with the service's clock.</summary>
    public static Task SeedAsync(AvailabilityDbContext db, IServiceProvider services) =>
        SeedAsync(db, services.GetRequiredService<TimeProvider>());

    public static async Task SeedAsync(AvailabilityDbContext db, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (!await db.Hotels.AnyAsync(cancellationToken))
        {
            db.Hotels.AddRange(Catalog());
            await db.SaveChangesAsync(cancellationToken);
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var horizon = today.AddDays(HorizonDays);
        foreach (var roomType in await db.RoomTypes.AsNoTracking().ToListAsync(cancellationToken))
        {
            var lastNight = await db.Inventory
                .Where(n => n.RoomTypeId == roomType.Id)
                .MaxAsync(n => (DateOnly?)n.Date, cancellationToken);
            var first = lastNight is { } last && last >= today ? last.AddDays(1) : today;

            for (var date = first; date < horizon; date = date.AddDays(1))
            {
                db.Inventory.Add(new InventoryNight
                {
                    RoomTypeId = roomType.Id,
                    Date = date,
                    Total = RoomsOf(roomType),
                    RateMinor = roomType.NightlyRateMinor,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    private static Hotel NewHotel(string id, string name, string city, string currency,
        params (string Suffix, string Name, int Capacity, long RateMinor)[] roomTypes) => new()
        {
            Id = id,
            Name = name,
            City = city,
            Currency = currency,
            RoomTypes = roomTypes
                .Select(r => new RoomType { Id = $"{id}-{r.Suffix}", HotelId = id, Name = r.Name, Capacity = r.Capacity, NightlyRateMinor = r.RateMinor })
                .ToList(),
        };
}
