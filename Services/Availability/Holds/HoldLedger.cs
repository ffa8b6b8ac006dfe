using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using HotelBooking.ServiceDefaults.Telemetry;
using HotelBooking.Services.Shared.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace HotelBooking.Availability.Holds;

/// <summary>What a hold is after a confirm or release: the caller learns what really happened, not just "done".</summary>
public enum HoldOutcome
{
    NotFound,
    Confirmed,
    Released,
    Expired,
}

public readonly record struct HoldResult(HoldOutcome Outcome, Hold? Hold);

/// <summary>
/// Every change to held and sold rooms. Each one is a conditional UPDATE inside a transaction, so the
/// database, not an in-process lock, guarantees that no night is ever oversold, however many instances run.
/// A hold moves Active → Confirmed | Released | Expired and Confirmed → Released, each move only from the
/// state it was read in; a caller that loses a race is told the state the winner left.
/// Each transaction locks at most one hold, then its nights: with PostgreSQL's row locks a transaction that
/// held several holds' nights could deadlock with a confirm; a deadlock or serialization failure that still
/// happens is retried (<see cref="InTransactionAsync"/>).
/// </summary>
public sealed class HoldLedger(AvailabilityDbContext db, TimeProvider time, IOptions<HoldOptions> options)
{
    private DateTime UtcNow => time.GetStorableUtcNow();

    /// <summary>Takes <paramref name="rooms"/> rooms for every night of the stay, or returns null when any night lacks them.</summary>
    public async Task<Hold?> TryCreateAsync(string requestId, Hotel hotel, RoomType roomType, Stay stay, int rooms, CancellationToken cancellationToken) =>
        await TryTakeAsync(requestId, hotel, roomType, stay, rooms, cancellationToken)
        // Short of rooms: some may be held by holds past their time that the sweeper has not freed yet.
        // Freeing them costs a query, so it is done only when it can make the difference.
        ?? (await ExpireDueAsync(roomType.Id, cancellationToken) > 0
            ? await TryTakeAsync(requestId, hotel, roomType, stay, rooms, cancellationToken)
            : null);

    private Task<Hold?> TryTakeAsync(string requestId, Hotel hotel, RoomType roomType, Stay stay, int rooms, CancellationToken cancellationToken) =>
        InTransactionAsync(async (transaction, token) =>
        {
            var now = UtcNow;
            var taken = await NightsOf(roomType.Id, stay)
                .Where(n => n.Total - n.Sold - n.Held >= rooms)
                .ExecuteUpdateAsync(set => set.SetProperty(n => n.Held, n => n.Held + rooms), token);
            if (taken != stay.Nights)
            {
                await transaction.RollbackAsync(token);
                return null;
            }

            var ratePerRoom = await NightsOf(roomType.Id, stay).SumAsync(n => n.RateMinor, token);
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
            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
            return hold;
        }, cancellationToken);

    public Task<int> CountActiveAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        return db.Holds.CountAsync(h => h.Status == HoldStatus.Active && h.ExpiresAt > now, cancellationToken);
    }

    public Task<Hold?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken) =>
        db.Holds.AsNoTracking().FirstOrDefaultAsync(h => h.RequestId == requestId, cancellationToken);

    /// <summary>
    /// Turns an active hold into sold rooms. Confirming a confirmed hold changes nothing; a hold that was
    /// released or has expired says so (and an expired one that was not swept yet is expired now).
    /// </summary>
    public Task<HoldResult> ConfirmAsync(string holdId, CancellationToken cancellationToken) =>
        ChangeAsync(holdId, (status, expired) => status switch
        {
            HoldStatus.Active when expired => HoldStatus.Expired,
            HoldStatus.Active => HoldStatus.Confirmed,
            _ => null,
        }, cancellationToken);

    /// <summary>
    /// Gives the rooms of an active or confirmed hold back. Releasing twice changes nothing; a hold that had
    /// already expired says Expired (its rooms were free already).
    /// </summary>
    public Task<HoldResult> ReleaseAsync(string holdId, CancellationToken cancellationToken) =>
        ChangeAsync(holdId, (status, expired) => status switch
        {
            HoldStatus.Active when expired => HoldStatus.Expired,
            HoldStatus.Active or HoldStatus.Confirmed => HoldStatus.Released,
            _ => null,
        }, cancellationToken);

    /// <summary>Expires active holds past their time (of one room type, or all), each in its own transaction. Returns how many.</summary>
    public async Task<int> ExpireDueAsync(string? roomTypeId, CancellationToken cancellationToken, int batchSize = 200)
    {
        var now = UtcNow;
        var due = await db.Holds.AsNoTracking()
            .Where(h => h.Status == HoldStatus.Active && h.ExpiresAt <= now)
            .Where(h => roomTypeId == null || h.RoomTypeId == roomTypeId)
            .OrderBy(h => h.ExpiresAt)
            .Select(h => h.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);

        var expired = 0;
        foreach (var holdId in due)
        {
            var result = await ChangeAsync(holdId, (status, isExpired) => status == HoldStatus.Active && isExpired ? HoldStatus.Expired : null, cancellationToken);
            if (result.Outcome == HoldOutcome.Expired)
            {
                expired++;
            }
        }

        return expired;
    }

    /// <summary>Sweeps expired holds; used by the background worker.</summary>
    public Task<int> SweepExpiredAsync(CancellationToken cancellationToken) => ExpireDueAsync(roomTypeId: null, cancellationToken);

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

    /// <summary>
    /// Moves a hold to the state <paramref name="next"/> picks for the state it is in (null: leave it), and
    /// the rooms of its nights with it. The move is a conditional UPDATE from the state read; when another
    /// caller moved the hold in between, the state is read again and <paramref name="next"/> asked again,
    /// so the outcome is always the state the hold is really in. Every hold reaches a final state in at most
    /// two moves, so this ends.
    /// </summary>
    private Task<HoldResult> ChangeAsync(string holdId, Func<HoldStatus, bool, HoldStatus?> next, CancellationToken cancellationToken) =>
        InTransactionAsync(async (transaction, token) =>
        {
            var hold = await db.Holds.AsNoTracking().FirstOrDefaultAsync(h => h.Id == holdId, token);
            if (hold is null)
            {
                return new HoldResult(HoldOutcome.NotFound, null);
            }

            var now = UtcNow;
            while (next(hold.Status, now >= hold.ExpiresAt) is { } to)
            {
                if (await MoveAsync(hold, hold.Status, to, token))
                {
                    hold.Status = to;
                    break;
                }

                hold.Status = await db.Holds.Where(h => h.Id == holdId).Select(h => h.Status).FirstAsync(token);
            }

            await transaction.CommitAsync(token);
            return new HoldResult(OutcomeOf(hold.Status), hold);
        }, cancellationToken);

    private static HoldOutcome OutcomeOf(HoldStatus status) => status switch
    {
        HoldStatus.Confirmed => HoldOutcome.Confirmed,
        HoldStatus.Released => HoldOutcome.Released,
        HoldStatus.Expired => HoldOutcome.Expired,
        _ => throw new InvalidOperationException($"A change left a hold {status}."),
    };

    /// <summary>Moves a hold from one state to another only if no one else moved it first, and its rooms with it.</summary>
    private async Task<bool> MoveAsync(Hold hold, HoldStatus from, HoldStatus to, CancellationToken cancellationToken)
    {
        using var trace = to == HoldStatus.Expired
            ? AvailabilityTelemetry.Source.StartLinkedRoot("hold expire", hold.TraceParent)
            : (TraceLinks.LinkedRoot?)null;
        trace?.Activity?.SetTag("hotelbooking.hold.id", hold.Id);
        trace?.Activity?.SetTag("hotelbooking.hold.rooms", hold.Rooms);
        var moved = await db.Holds
            .Where(h => h.Id == hold.Id && h.Status == from)
            .ExecuteUpdateAsync(set => set.SetProperty(h => h.Status, to), cancellationToken) == 1;
        if (!moved)
        {
            return false;
        }

        var rooms = hold.Rooms;
        var nights = NightsOf(hold.RoomTypeId, hold.Stay);
        await ((from, to) switch
        {
            (HoldStatus.Active, HoldStatus.Confirmed) => nights.ExecuteUpdateAsync(set => set
                .SetProperty(n => n.Held, n => n.Held - rooms)
                .SetProperty(n => n.Sold, n => n.Sold + rooms), cancellationToken),
            (HoldStatus.Active, _) => nights.ExecuteUpdateAsync(set => set.SetProperty(n => n.Held, n => n.Held - rooms), cancellationToken),
            (HoldStatus.Confirmed, HoldStatus.Released) => nights.ExecuteUpdateAsync(set => set.SetProperty(n => n.Sold, n => n.Sold - rooms), cancellationToken),
            _ => throw new InvalidOperationException($"A hold cannot move from {from} to {to}."),
        });
        return true;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction, again from the start if PostgreSQL chose it as a
    /// deadlock victim or could not serialize it (40P01, 40001): a bounded number of times, a short while apart.
    /// The work commits; a transaction it leaves uncommitted is rolled back.
    /// </summary>
    private Task<T> InTransactionAsync<T>(Func<IDbContextTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Retrying().ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            return await work(transaction, token);
        }, cancellationToken);

    private IExecutionStrategy Retrying() => db.Database.IsNpgsql()
        ? new NpgsqlRetryingExecutionStrategy(db, maxRetryCount: 6, maxRetryDelay: TimeSpan.FromMilliseconds(200),
            errorCodesToAdd: [PostgresErrorCodes.DeadlockDetected, PostgresErrorCodes.SerializationFailure])
        // SQLite runs one writer at a time (BEGIN IMMEDIATE): it cannot deadlock.
        : db.Database.CreateExecutionStrategy();

    private IQueryable<InventoryNight> NightsOf(string roomTypeId, Stay stay) =>
        db.Inventory.Where(n => n.RoomTypeId == roomTypeId && n.Date >= stay.CheckIn && n.Date < stay.CheckOut);
}
