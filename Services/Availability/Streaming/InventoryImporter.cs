using HotelBooking.Availability.Data;
using HotelBooking.Availability.ReadModel;
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
    AvailabilityModel model,
    TimeProvider time,
    IOptions<StreamingOptions> options,
    ILogger<InventoryImporter> logger)
{
    private const int MaxRoomsPerNight = 10_000;
    public const int MaxReportedErrors = 1_000;
    private const int HorizonDays = 730;

    public async Task<ImportSummary> ImportAsync(IAsyncEnumerable<InventoryUpdate> updates, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var summary = new ImportSummary();
        var batch = new List<(InventoryUpdate Update, DateOnly Date, AvailabilityModel.RoomTypeSlot RoomType)>(options.Value.ImportBatchSize);

        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var date = update.Date;
            var roomType = model.FindRoomType(update.RoomTypeId);
            var problem = update switch
            {
                _ when roomType is null || roomType.Hotel.Id != update.HotelId =>
                    $"Room type '{update.RoomTypeId}' was not found in hotel '{update.HotelId}'.",
                _ when date is null => "The date must be a valid date.",
                _ when date < today => "The date is in the past.",
                _ when date > today.AddDays(HorizonDays) => $"The date is more than {HorizonDays} days ahead.",
                _ when update.Rooms is < 0 or > MaxRoomsPerNight => $"Rooms must be between 0 and {MaxRoomsPerNight}.",
                _ when update.NightlyRate is { } rate && (rate.AmountMinor <= 0 || rate.Currency != roomType.Hotel.Currency) =>
                    $"The nightly rate must be positive and in {roomType.Hotel.Currency}.",
                _ => null,
            };
            if (problem is not null)
            {
                Reject(summary, update.Line, problem);
                continue;
            }

            batch.Add((update, date!.Value, roomType!));
            if (batch.Count == options.Value.ImportBatchSize)
            {
                await ApplyAsync(batch, summary, cancellationToken);
            }
        }

        await ApplyAsync(batch, summary, cancellationToken);
        ImportLog.Imported(logger, summary.Accepted, summary.Rejected);
        return summary;
    }

    private async Task ApplyAsync(List<(InventoryUpdate Update, DateOnly Date, AvailabilityModel.RoomTypeSlot RoomType)> batch,
        ImportSummary summary, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var applied = new List<(string RoomTypeId, NightState Night)>(batch.Count);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            foreach (var (update, date, roomType) in batch)
            {
                if (await ApplyAsync(update, date, roomType.RoomType.NightlyRateMinor, cancellationToken) is { } night)
                {
                    summary.Accepted++;
                    applied.Add((update.RoomTypeId, night));
                }
                else
                {
                    Reject(summary, update.Line, "Rooms cannot go below what is already sold or held on that night.");
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var roomType in applied.GroupBy(a => a.RoomTypeId))
        {
            model.Apply(roomType.Key, [.. roomType.Select(a => a.Night)]);
        }

        batch.Clear();
    }

    /// <summary>
    /// One night: a conditional update that cannot oversell, or an insert for a night not yet on sale; the
    /// night as it is now, or null when it has more rooms sold or held than the update leaves.
    /// </summary>
    private async Task<NightState?> ApplyAsync(InventoryUpdate update, DateOnly date, long standardRate, CancellationToken cancellationToken)
    {
        var (roomTypeId, rooms) = (update.RoomTypeId, update.Rooms);
        var updated = update.NightlyRate is { } rate
            ? await db.Database.SqlQuery<NightState>($"""
                UPDATE "Inventory" SET "Total" = {rooms}, "RateMinor" = {rate.AmountMinor}, "Version" = "Version" + 1
                WHERE "RoomTypeId" = {roomTypeId} AND "Date" = {date} AND "Sold" + "Held" <= {rooms}
                RETURNING "Date", "Total", "Sold", "Held", "RateMinor", "Version"
                """).ToListAsync(cancellationToken)
            : await db.Database.SqlQuery<NightState>($"""
                UPDATE "Inventory" SET "Total" = {rooms}, "Version" = "Version" + 1
                WHERE "RoomTypeId" = {roomTypeId} AND "Date" = {date} AND "Sold" + "Held" <= {rooms}
                RETURNING "Date", "Total", "Sold", "Held", "RateMinor", "Version"
                """).ToListAsync(cancellationToken);
        if (updated.Count == 1)
        {
            return updated[0];
        }

        // Not updated: the night is not on sale yet (insert it), or it is and has too many rooms taken (the
        // insert then does nothing, and returns nothing).
        var rateMinor = update.NightlyRate?.AmountMinor ?? standardRate;
        var inserted = await db.Database.SqlQuery<NightState>($"""
            INSERT INTO "Inventory" ("RoomTypeId", "Date", "Total", "Sold", "Held", "RateMinor", "Version")
            VALUES ({roomTypeId}, {date}, {rooms}, 0, 0, {rateMinor}, 1)
            ON CONFLICT DO NOTHING
            RETURNING "Date", "Total", "Sold", "Held", "RateMinor", "Version"
            """).ToListAsync(cancellationToken);
        return inserted.Count == 1 ? inserted[0] : null;
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
