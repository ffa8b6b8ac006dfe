using HotelBooking.ServiceDefaults.Data;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using HotelBooking.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HotelBooking.Availability.Holds;

public enum HoldOutcome
{
    Done,
    NotFound,
    Expired,
    NotActive,
}

public readonly record struct HoldResult(HoldOutcome Outcome, Hold? Hold);

/// <summary>
/// Every change to held and sold rooms. Each one is a conditional UPDATE inside a transaction, so the
/// database, not an in-process lock, guarantees that no night is ever oversold, however many instances run.
/// </summary>
public sealed class HoldLedger(AvailabilityDbContext db, TimeProvider time, IOptions<HoldOptions> options)
{
    private DateTime UtcNow => time.GetStorableUtcNow();

    /// <summary>Takes <paramref name="rooms"/> rooms for every night of the stay, or returns null when any night lacks them.</summary>
    public async Task<Hold?> TryCreateAsync(string requestId, Hotel hotel, RoomType roomType, Stay stay, int rooms, CancellationToken cancellationToken) =>
        await TryTakeAsync(requestId, hotel, roomType, stay, rooms, expireFirst: false, cancellationToken)
        // Short of rooms: some may be held by holds past their time that the sweeper has not freed yet.
        // Freeing them costs a query, so it is done only when it can make the difference.
        ?? await TryTakeAsync(requestId, hotel, roomType, stay, rooms, expireFirst: true, cancellationToken);

    private async Task<Hold?> TryTakeAsync(string requestId, Hotel hotel, RoomType roomType, Stay stay, int rooms, bool expireFirst, CancellationToken cancellationToken)
    {
        var now = UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (expireFirst)
        {
            await ExpireDueAsync(roomType.Id, now, cancellationToken);
        }

        var taken = await NightsOf(roomType.Id, stay)
            .Where(n => n.Total - n.Sold - n.Held >= rooms)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.Held, n => n.Held + rooms), cancellationToken);
        if (taken != stay.Nights)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        var ratePerRoom = await NightsOf(roomType.Id, stay).SumAsync(n => n.RateMinor, cancellationToken);
        var hold = new Hold
        {
            Id = Hold.NewId(),
            RequestId = requestId,
            HotelId = hotel.Id,
            RoomTypeId = roomType.Id,
            CheckIn = stay.CheckIn,
            CheckOut = stay.CheckOut,
            Rooms = rooms,
            TotalMinor = ratePerRoom * rooms,
            Currency = hotel.Currency,
            Status = HoldStatus.Active,
            CreatedAt = now,
            ExpiresAt = now + options.Value.Lifetime,
            TraceParent = TraceLinks.CurrentTraceParent(),
        };
        db.Holds.Add(hold);
        // A failed insert rolls the whole transaction back, so EF Core's savepoint around it would be two
        // statements for nothing.
        db.Database.AutoSavepointsEnabled = false;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return hold;
    }

    public Task<int> CountActiveAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        return db.Holds.CountAsync(h => h.Status == HoldStatus.Active && h.ExpiresAt > now, cancellationToken);
    }

    public Task<Hold?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken) =>
        db.Holds.AsNoTracking().FirstOrDefaultAsync(h => h.RequestId == requestId, cancellationToken);

    /// <summary>Turns an active hold into sold rooms. Confirming a confirmed hold changes nothing.</summary>
    public Task<HoldResult> ConfirmAsync(string holdId, CancellationToken cancellationToken) =>
        ChangeAsync(holdId, cancellationToken, async (hold, now) =>
        {
            if (hold.Status == HoldStatus.Confirmed)
            {
                return HoldOutcome.Done;
            }

            if (hold.Status != HoldStatus.Active)
            {
                return hold.Status == HoldStatus.Expired ? HoldOutcome.Expired : HoldOutcome.NotActive;
            }

            if (hold.IsExpiredAt(now))
            {
                await ExpireAsync(hold, cancellationToken);
                return HoldOutcome.Expired;
            }

            if (await TransitionAsync(hold, HoldStatus.Active, HoldStatus.Confirmed, cancellationToken))
            {
                await NightsOf(hold.RoomTypeId, hold.Stay).ExecuteUpdateAsync(set => set
                    .SetProperty(n => n.Held, n => n.Held - hold.Rooms)
                    .SetProperty(n => n.Sold, n => n.Sold + hold.Rooms), cancellationToken);
            }

            return HoldOutcome.Done;
        });

    /// <summary>Gives the rooms of an active or confirmed hold back. Releasing twice changes nothing.</summary>
    public Task<HoldResult> ReleaseAsync(string holdId, CancellationToken cancellationToken) =>
        ChangeAsync(holdId, cancellationToken, async (hold, now) =>
        {
            if (hold.IsExpiredAt(now))
            {
                await ExpireAsync(hold, cancellationToken);
            }
            else if (hold.Status == HoldStatus.Active && await TransitionAsync(hold, HoldStatus.Active, HoldStatus.Released, cancellationToken))
            {
                await NightsOf(hold.RoomTypeId, hold.Stay)
                    .ExecuteUpdateAsync(set => set.SetProperty(n => n.Held, n => n.Held - hold.Rooms), cancellationToken);
            }
            else if (hold.Status == HoldStatus.Confirmed && await TransitionAsync(hold, HoldStatus.Confirmed, HoldStatus.Released, cancellationToken))
            {
                await NightsOf(hold.RoomTypeId, hold.Stay)
                    .ExecuteUpdateAsync(set => set.SetProperty(n => n.Sold, n => n.Sold - hold.Rooms), cancellationToken);
            }

            return HoldOutcome.Done;
        });

    /// <summary>Expires active holds past their time (of one room type, or all), freeing their rooms. Returns how many.</summary>
    public async Task<int> ExpireDueAsync(string? roomTypeId, DateTime now, CancellationToken cancellationToken, int batchSize = 200)
    {
        var due = await db.Holds.AsNoTracking()
            .Where(h => h.Status == HoldStatus.Active && h.ExpiresAt <= now)
            .Where(h => roomTypeId == null || h.RoomTypeId == roomTypeId)
            .OrderBy(h => h.ExpiresAt)
            .Take(batchSize)
            .ToListAsync(cancellationToken);

        var expired = 0;
        foreach (var hold in due)
        {
            if (await ExpireAsync(hold, cancellationToken))
            {
                expired++;
            }
        }

        return expired;
    }

    /// <summary>Sweeps expired holds in one transaction; used by the background worker.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var expired = await ExpireDueAsync(roomTypeId: null, UtcNow, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return expired;
    }

    /// <summary>
    /// Rooms of holds that have expired but are not swept yet, per room type and night: readers add them
    /// back so availability is exact to the second without writing on a read.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Dictionary<DateOnly, int>>> ExpiredUnsweptAsync(
        string hotelId, Stay stay, CancellationToken cancellationToken)
    {
        var now = UtcNow;
        var holds = await db.Holds.AsNoTracking()
            .Where(h => h.HotelId == hotelId && h.Status == HoldStatus.Active && h.ExpiresAt <= now
                && h.CheckIn < stay.CheckOut && h.CheckOut > stay.CheckIn)
            .ToListAsync(cancellationToken);

        var released = new Dictionary<string, Dictionary<DateOnly, int>>();
        foreach (var hold in holds)
        {
            var perNight = released.TryGetValue(hold.RoomTypeId, out var existing) ? existing : released[hold.RoomTypeId] = [];
            foreach (var night in hold.Stay.EachNight())
            {
                perNight[night] = perNight.GetValueOrDefault(night) + hold.Rooms;
            }
        }

        return released;
    }

    private async Task<HoldResult> ChangeAsync(string holdId, CancellationToken cancellationToken, Func<Hold, DateTime, Task<HoldOutcome>> change)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var hold = await db.Holds.AsNoTracking().FirstOrDefaultAsync(h => h.Id == holdId, cancellationToken);
        if (hold is null)
        {
            return new(HoldOutcome.NotFound, null);
        }

        var outcome = await change(hold, UtcNow);
        await transaction.CommitAsync(cancellationToken);

        var current = await db.Holds.AsNoTracking().FirstAsync(h => h.Id == holdId, cancellationToken);
        return new(outcome, current);
    }

    private async Task<bool> ExpireAsync(Hold hold, CancellationToken cancellationToken)
    {
        using var trace = AvailabilityTelemetry.Source.StartLinkedRoot("hold expire", hold.TraceParent,
            ("hotelbooking.hold.id", hold.Id), ("hotelbooking.hold.rooms", hold.Rooms));
        if (!await TransitionAsync(hold, HoldStatus.Active, HoldStatus.Expired, cancellationToken))
        {
            return false;
        }

        await NightsOf(hold.RoomTypeId, hold.Stay)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.Held, n => n.Held - hold.Rooms), cancellationToken);
        return true;
    }

    /// <summary>Moves a hold between states only if no one else moved it first.</summary>
    private async Task<bool> TransitionAsync(Hold hold, HoldStatus from, HoldStatus to, CancellationToken cancellationToken) =>
        await db.Holds
            .Where(h => h.Id == hold.Id && h.Status == from)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.Status, to), cancellationToken) == 1;

    private IQueryable<InventoryNight> NightsOf(string roomTypeId, Stay stay) =>
        db.Inventory.Where(n => n.RoomTypeId == roomTypeId && n.Date >= stay.CheckIn && n.Date < stay.CheckOut);
}
