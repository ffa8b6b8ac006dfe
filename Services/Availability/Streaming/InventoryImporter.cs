using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HotelBooking.Availability.Streaming;

/// <summary>One night of one room type, as an import line asked for it: a date is null when it was not a date.</summary>
public readonly record struct InventoryUpdate(int Line, string HotelId, string RoomTypeId, DateOnly? Date, int Rooms, NightlyRate? NightlyRate);

/// <summary>An optional new rate for a night, in minor units of <see cref="Currency"/>.</summary>
public readonly record struct NightlyRate(long AmountMinor, string Currency);

/// <summary>What an import did: the lines applied, the lines rejected, and why (the first <see cref="InventoryImporter.MaxReportedErrors"/>).</summary>
public sealed class ImportSummary
{
    public int Accepted { get; set; }

    public int Rejected { get; set; }

    public List<(int Line, string Message)> Errors { get; } = [];
}

/// <summary>
/// ImportInventory: updates arrive one night at a time and are applied in batches (one transaction each) as
/// they come, so an import of any size needs memory for one batch. A bad line is rejected with its reason;
/// the rest goes on. A night never drops below the rooms already sold or held.
/// </summary>
public sealed class InventoryImporter(
    AvailabilityDbContext db,
    AvailabilityChanges changes,
    TimeProvider time,
    IOptions<StreamingOptions> options,
    ILogger<InventoryImporter> logger)
{
    private const int MaxRoomsPerNight = 10_000;
    public const int MaxReportedErrors = 1_000;
    private const int HorizonDays = 730;

    public async Task<ImportSummary> ImportAsync(IAsyncEnumerable<InventoryUpdate> updates, CancellationToken cancellationToken)
    {
        var roomTypes = await db.RoomTypes.AsNoTracking()
            .Join(db.Hotels, r => r.HotelId, h => h.Id, (r, h) => new { r.Id, r.HotelId, h.Currency })
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var summary = new ImportSummary();
        var batch = new List<(InventoryUpdate Update, DateOnly Date, string HotelId)>(options.Value.ImportBatchSize);

        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var date = update.Date;
            var problem = update switch
            {
                _ when !roomTypes.TryGetValue(update.RoomTypeId, out var roomType) || roomType.HotelId != update.HotelId =>
                    $"Room type '{update.RoomTypeId}' was not found in hotel '{update.HotelId}'.",
                _ when date is null => "The date must be a valid date.",
                _ when date < today => "The date is in the past.",
                _ when date > today.AddDays(HorizonDays) => $"The date is more than {HorizonDays} days ahead.",
                _ when update.Rooms is < 0 or > MaxRoomsPerNight => $"Rooms must be between 0 and {MaxRoomsPerNight}.",
                _ when update.NightlyRate is { } rate && (rate.AmountMinor <= 0 || rate.Currency != roomTypes[update.RoomTypeId].Currency) =>
                    $"The nightly rate must be positive and in {roomTypes[update.RoomTypeId].Currency}.",
                _ => null,
            };
            if (problem is not null)
            {
                Reject(summary, update.Line, problem);
                continue;
            }

            batch.Add((update, date!.Value, update.HotelId));
            if (batch.Count == options.Value.ImportBatchSize)
            {
                await ApplyAsync(batch, summary, cancellationToken);
            }
        }

        await ApplyAsync(batch, summary, cancellationToken);
        ImportLog.Imported(logger, summary.Accepted, summary.Rejected);
        return summary;
    }

    private async Task ApplyAsync(List<(InventoryUpdate Update, DateOnly Date, string HotelId)> batch,
        ImportSummary summary, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            foreach (var (update, date, _) in batch)
            {
                if (await ApplyAsync(update, date, cancellationToken))
                {
                    summary.Accepted++;
                }
                else
                {
                    Reject(summary, update.Line, "Rooms cannot go below what is already sold or held on that night.");
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var hotel in batch.GroupBy(b => b.HotelId))
        {
            changes.Publish(new(hotel.Key, hotel.Min(b => b.Date), hotel.Max(b => b.Date).AddDays(1)));
        }

        batch.Clear();
    }

    /// <summary>One night: a conditional update that cannot oversell, or an insert for a night not yet on sale.</summary>
    private async Task<bool> ApplyAsync(InventoryUpdate update, DateOnly date, CancellationToken cancellationToken)
    {
        var night = db.Inventory.Where(n => n.RoomTypeId == update.RoomTypeId && n.Date == date);
        var changed = update.NightlyRate is { } rate
            ? await night.Where(n => n.Sold + n.Held <= update.Rooms).ExecuteUpdateAsync(set => set
                .SetProperty(n => n.Total, update.Rooms)
                .SetProperty(n => n.RateMinor, rate.AmountMinor), cancellationToken)
            : await night.Where(n => n.Sold + n.Held <= update.Rooms)
                .ExecuteUpdateAsync(set => set.SetProperty(n => n.Total, update.Rooms), cancellationToken);
        if (changed == 1)
        {
            return true;
        }

        if (await night.AnyAsync(cancellationToken))
        {
            return false;
        }

        var standardRate = await db.RoomTypes.Where(r => r.Id == update.RoomTypeId).Select(r => r.NightlyRateMinor).FirstAsync(cancellationToken);
        db.Inventory.Add(new InventoryNight
        {
            RoomTypeId = update.RoomTypeId,
            Date = date,
            Total = update.Rooms,
            RateMinor = update.NightlyRate?.AmountMinor ?? standardRate,
        });
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    private static void Reject(ImportSummary summary, int line, string message)
    {
        summary.Rejected++;
        if (summary.Errors.Count < MaxReportedErrors)
        {
            summary.Errors.Add((line, message));
        }
    }
}

internal static partial class ImportLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Inventory import: {Accepted} accepted, {Rejected} rejected")]
    public static partial void Imported(ILogger logger, int accepted, int rejected);
}
