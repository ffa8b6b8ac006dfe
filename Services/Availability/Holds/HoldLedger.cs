using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.ReadModel;
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

public enum CreateOutcome
{
    Created,
    /// <summary>A hold with this request id exists already: it is the answer (the caller checks it is the same hold).</summary>
    AlreadyCreated,
    RoomsUnavailable,
    /// <summary>Another call with the same request id was creating it at the same time and did not finish.</summary>
    RequestInProgress,
}

public readonly record struct CreateResult(CreateOutcome Outcome, Hold? Hold);

/// <summary>
/// Every change to held and sold rooms. Each one is a conditional UPDATE inside a transaction, so the
/// database, not an in-process lock, guarantees that no night is ever oversold, however many instances run.
/// A hold moves Active → Confirmed | Released | Expired and Confirmed → Released, each move only from the
/// state it is in (the UPDATE says which); a caller that loses a race is told the state the winner left.
/// Each transaction locks at most one hold, then its nights: with PostgreSQL's row locks a transaction that
/// held several holds' nights could deadlock with a confirm; a deadlock or serialization failure that still
/// happens is retried (<see cref="InTransactionAsync"/>).
/// The nights' UPDATEs return the nights as they leave them (<c>RETURNING</c>, SQLite ≥ 3.35 and PostgreSQL):
/// that is the price of a new hold, and what the <see cref="AvailabilityModel"/> applies after the commit,
/// with no read afterwards.
/// </summary>
public sealed class HoldLedger(AvailabilityDbContext db, AvailabilityModel model, TimeProvider time, IOptions<HoldOptions> options)
{
    private const int SweepBatchSize = 200;

    private DateTime UtcNow => time.GetStorableUtcNow();

    /// <summary>
    /// Takes <paramref name="rooms"/> rooms for every night of the stay. The rooms are taken and the hold
    /// inserted first; only when that fails is the request id looked up (a retry of a hold made already).
    /// </summary>
    public async Task<CreateResult> TryCreateAsync(string requestId, Hotel hotel, RoomType roomType, Stay stay, int rooms, CancellationToken cancellationToken)
    {
        var result = await TryTakeAsync(requestId, hotel, roomType, stay, rooms, cancellationToken);
        if (result.Outcome == CreateOutcome.RoomsUnavailable
            // Short of rooms: some may be held by holds past their time that the sweeper has not freed yet.
            // Freeing them costs a query, so it is done only when it can make the difference.
            && await ExpireDueAsync(roomType.Id, cancellationToken) > 0)
        {
            result = await TryTakeAsync(requestId, hotel, roomType, stay, rooms, cancellationToken);
        }

        return result;
    }

    private async Task<CreateResult> TryTakeAsync(string requestId, Hotel hotel, RoomType roomType, Stay stay, int rooms, CancellationToken cancellationToken)
    {
        var taken = await InTransactionAsync<CreateResult?>(async (transaction, token) =>
        {
            var now = UtcNow;
            var nights = await ShiftNightsAsync(roomType.Id, stay, held: rooms, sold: 0, freeAtLeast: rooms, token);
            if (nights.Count != stay.Nights)
            {
                await transaction.RollbackAsync(token);
                return null;
            }

            var hold = new Hold
            {
                Id = Hold.NewId(),
                RequestId = requestId,
                HotelId = hotel.Id,
                RoomTypeId = roomType.Id,
                CheckIn = stay.CheckIn,
                CheckOut = stay.CheckOut,
                Rooms = rooms,
                TotalMinor = nights.Sum(n => n.RateMinor) * rooms,
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
            try
            {
                await db.SaveChangesAsync(token);
            }
            catch (DbUpdateException) when (!token.IsCancellationRequested)
            {
                // The request id is taken (the one unique key a new hold can collide on): nothing was taken.
                await transaction.RollbackAsync(token);
                return new CreateResult(CreateOutcome.AlreadyCreated, null);
            }

            await transaction.CommitAsync(token);
            model.Apply(roomType.Id, nights);
            model.Track(hold);
            return new CreateResult(CreateOutcome.Created, hold);
        }, cancellationToken);

        if (taken is { Outcome: CreateOutcome.Created } created)
        {
            return created;
        }

        // Not taken: a hold made earlier with this request id is the answer, whether or not rooms are left.
        var existing = await FindByRequestIdAsync(requestId, cancellationToken);
        return existing is not null ? new CreateResult(CreateOutcome.AlreadyCreated, existing)
            : taken is null ? new CreateResult(CreateOutcome.RoomsUnavailable, null)
            : new CreateResult(CreateOutcome.RequestInProgress, null);
    }

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
        ChangeAsync(holdId, [(HoldStatus.Active, HoldStatus.Confirmed)], cancellationToken);

    /// <summary>
    /// Gives the rooms of an active or confirmed hold back. Releasing twice changes nothing; a hold that had
    /// already expired says Expired (its rooms were free already).
    /// </summary>
    public Task<HoldResult> ReleaseAsync(string holdId, CancellationToken cancellationToken) =>
        ChangeAsync(holdId, [(HoldStatus.Active, HoldStatus.Released), (HoldStatus.Confirmed, HoldStatus.Released)], cancellationToken);

    /// <summary>Expires active holds past their time (of one room type, or all), each in its own transaction. Returns how many.</summary>
    public async Task<int> ExpireDueAsync(string? roomTypeId, CancellationToken cancellationToken) =>
        (await ExpireDueAsync(roomTypeId, UtcNow, cancellationToken)).Expired;

    private async Task<(int Due, int Expired)> ExpireDueAsync(string? roomTypeId, DateTime now, CancellationToken cancellationToken)
    {
        var due = await db.Holds.AsNoTracking()
            .Where(h => h.Status == HoldStatus.Active && h.ExpiresAt <= now)
            .Where(h => roomTypeId == null || h.RoomTypeId == roomTypeId)
            .OrderBy(h => h.ExpiresAt)
            .Select(h => h.Id)
            .Take(SweepBatchSize)
            .ToListAsync(cancellationToken);

        var expired = 0;
        foreach (var holdId in due)
        {
            var result = await ChangeAsync(holdId, [(HoldStatus.Active, HoldStatus.Expired)], cancellationToken);
            if (result.Outcome == HoldOutcome.Expired)
            {
                expired++;
            }
        }

        return (due.Count, expired);
    }

    /// <summary>Sweeps expired holds; used by the background worker.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var now = UtcNow;
        var (due, expired) = await ExpireDueAsync(roomTypeId: null, now, cancellationToken);
        if (due < SweepBatchSize)
        {
            // Every hold due by now is out of the active state, whichever process moved it.
            model.ForgetDueBy(now);
        }

        return expired;
    }

    /// <summary>
    /// Moves a hold along the first of <paramref name="moves"/> whose from-state it is in, and the rooms of
    /// its nights with it: a conditional UPDATE of the hold that returns it, then of its nights. A hold past
    /// its expiry moves to Expired whatever the move asked. When no move applies, the hold is read: its
    /// state is the answer (or it does not exist).
    /// </summary>
    private Task<HoldResult> ChangeAsync(string holdId, (HoldStatus From, HoldStatus To)[] moves, CancellationToken cancellationToken) =>
        InTransactionAsync(async (transaction, token) =>
        {
            foreach (var (from, to) in moves)
            {
                var hold = await MoveHoldAsync(holdId, from, to, token);
                if (hold is null)
                {
                    continue;
                }

                using var trace = hold.Status == HoldStatus.Expired
                    ? AvailabilityTelemetry.Source.StartLinkedRoot("hold expire", hold.TraceParent)
                    : (TraceLinks.LinkedRoot?)null;
                trace?.Activity?.SetTag("hotelbooking.hold.id", hold.Id);
                trace?.Activity?.SetTag("hotelbooking.hold.rooms", hold.Rooms);
                var rooms = hold.Rooms;
                var nights = (from, hold.Status) switch
                {
                    (HoldStatus.Active, HoldStatus.Confirmed) => await ShiftNightsAsync(hold.RoomTypeId, hold.Stay, held: -rooms, sold: rooms, freeAtLeast: 0, token),
                    (HoldStatus.Active, _) => await ShiftNightsAsync(hold.RoomTypeId, hold.Stay, held: -rooms, sold: 0, freeAtLeast: 0, token),
                    (HoldStatus.Confirmed, HoldStatus.Released) => await ShiftNightsAsync(hold.RoomTypeId, hold.Stay, held: 0, sold: -rooms, freeAtLeast: 0, token),
                    _ => throw new InvalidOperationException($"A hold cannot move from {from} to {hold.Status}."),
                };
                await transaction.CommitAsync(token);
                model.Apply(hold.RoomTypeId, nights);
                model.Forget(hold);
                return new HoldResult(OutcomeOf(hold.Status), hold);
            }

            var current = await db.Holds.AsNoTracking().FirstOrDefaultAsync(h => h.Id == holdId, token);
            await transaction.CommitAsync(token);
            return current is null ? new HoldResult(HoldOutcome.NotFound, null) : new HoldResult(OutcomeOf(current.Status), current);
        }, cancellationToken);

    private static HoldOutcome OutcomeOf(HoldStatus status) => status switch
    {
        HoldStatus.Confirmed => HoldOutcome.Confirmed,
        HoldStatus.Released => HoldOutcome.Released,
        HoldStatus.Expired => HoldOutcome.Expired,
        _ => throw new InvalidOperationException($"A change left a hold {status}."),
    };

    /// <summary>
    /// The hold as it is after moving from <paramref name="from"/> (to Expired instead of <paramref name="to"/>
    /// when an active hold is past its expiry; only then when <paramref name="to"/> is Expired), or null when
    /// it is not in <paramref name="from"/>.
    /// </summary>
    private async Task<Hold?> MoveHoldAsync(string holdId, HoldStatus from, HoldStatus to, CancellationToken cancellationToken)
    {
        var now = UtcNow;
        var fromName = from.ToString();
        var toName = to.ToString();
        var expiredName = nameof(HoldStatus.Expired);
        var update = (from, to) switch
        {
            (HoldStatus.Active, HoldStatus.Expired) => db.Holds.FromSql($"""
                UPDATE "Holds" SET "Status" = {expiredName}
                WHERE "Id" = {holdId} AND "Status" = {fromName} AND "ExpiresAt" <= {now}
                RETURNING *
                """),
            (HoldStatus.Active, _) => db.Holds.FromSql($"""
                UPDATE "Holds" SET "Status" = CASE WHEN "ExpiresAt" <= {now} THEN {expiredName} ELSE {toName} END
                WHERE "Id" = {holdId} AND "Status" = {fromName}
                RETURNING *
                """),
            _ => db.Holds.FromSql($"""
                UPDATE "Holds" SET "Status" = {toName}
                WHERE "Id" = {holdId} AND "Status" = {fromName}
                RETURNING *
                """),
        };
        var moved = await update.AsNoTracking().ToListAsync(cancellationToken);
        return moved.Count == 1 ? moved[0] : null;
    }

    /// <summary>
    /// Adds <paramref name="held"/> and <paramref name="sold"/> rooms to every night of the stay that has at
    /// least <paramref name="freeAtLeast"/> rooms free, and returns those nights as they are now.
    /// </summary>
    private Task<List<NightState>> ShiftNightsAsync(string roomTypeId, Stay stay, int held, int sold, int freeAtLeast, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<NightState>($"""
            UPDATE "Inventory" SET "Held" = "Held" + {held}, "Sold" = "Sold" + {sold}, "Version" = "Version" + 1
            WHERE "RoomTypeId" = {roomTypeId} AND "Date" >= {stay.CheckIn} AND "Date" < {stay.CheckOut}
              AND "Total" - "Sold" - "Held" >= {freeAtLeast}
            RETURNING "Date", "Total", "Sold", "Held", "RateMinor", "Version"
            """).ToListAsync(cancellationToken);

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
}
