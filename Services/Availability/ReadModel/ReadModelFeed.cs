using System.Data;
using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace HotelBooking.Availability.ReadModel;

/// <summary>
/// Loads the <see cref="AvailabilityModel"/> before the service serves (hosted services start before the
/// server does), then keeps it fresh from the change log: every change of a night, by any process, writes a
/// row there in its own transaction (a trigger, Data/Migrations). On PostgreSQL the same trigger sends a
/// NOTIFY that wakes this loop at once; in any case the log is read every <see cref="ReadModelOptions.PollInterval"/>,
/// so a lost notification or a dropped connection costs at most that long. Rows are read by id, and an id
/// missing below the highest read (a transaction still committing) is read again until it appears or
/// <see cref="ReadModelOptions.GapTimeout"/> passes. Each night carries a version, so applying a row twice,
/// or after a newer state, changes nothing.
/// </summary>
public sealed class ReadModelFeed(
    IServiceScopeFactory scopes,
    AvailabilityModel model,
    TimeProvider time,
    IOptions<ReadModelOptions> options,
    ILogger<ReadModelFeed> logger) : BackgroundService
{
    public const string Channel = "inventory_changes";
    public const string ListenerName = "read-model listener";

    private const int PageSize = 2000;
    private const int MaxGaps = 10_000;
    // On loading, rows this far below the highest id are read again: transactions that were committing
    // while the snapshot was read. Re-applying the ones the snapshot already has changes nothing.
    private const long LoadLookback = 1000;

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, DateTimeOffset> _gaps = [];
    private long _readUpTo;
    private DateTimeOffset _caughtUpAt;
    private bool _reloadRequested;
    private DateTimeOffset _prunedAt;
    private readonly SemaphoreSlim _catchUp = new(1, 1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Reads the change log from where the last read ended and applies it. Safe to call at any time.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _catchUp.WaitAsync(cancellationToken);
        try
        {
            if (_reloadRequested || time.GetUtcNow() - _caughtUpAt > options.Value.Retention)
            {
                ReadModelLog.Reloading(logger);
                await LoadAsync(cancellationToken);
            }

            await ReadChangesAsync(cancellationToken);
            if (_reloadRequested)
            {
                // What was just read named a room type the model lacks, or left too many gaps: read it all now
                // rather than at the next wake-up, which may be a whole poll interval away.
                ReadModelLog.Reloading(logger);
                await LoadAsync(cancellationToken);
                await ReadChangesAsync(cancellationToken);
            }

            _caughtUpAt = time.GetUtcNow();
        }
        finally
        {
            _catchUp.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
                if (db.Database.IsNpgsql())
                {
                    await ListenAsync(db.Database.GetConnectionString()!, stoppingToken);
                }
                else
                {
                    await PollAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A lost connection (and the notifications it would have had): reconnect soon, then catch up.
                ReadModelLog.FeedFailed(logger, ex);
                await Task.Delay(ReconnectDelay, stoppingToken);
            }
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CatchUpAsync(stoppingToken);
            await PruneIfDueAsync(stoppingToken);
        }
    }

    /// <summary>LISTENs on a connection of its own; reads the log after LISTEN, so nothing falls between.</summary>
    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 10 };
        builder.ApplicationName = $"{builder.ApplicationName} {ListenerName}".Trim(); // an operator can tell it apart
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        await CatchUpAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            // True on a notification, false when the poll interval passed: either way, read the log.
            await connection.WaitAsync(options.Value.PollInterval, stoppingToken);
            await CatchUpAsync(stoppingToken);
            await PruneIfDueAsync(stoppingToken);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        // One snapshot for the id and the rows, so a change is either in the rows or above the id (give or take
        // the transactions still committing, which the look-back reads again).
        await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        // The highest id first: whatever commits while the snapshot is read is in the log above it.
        var highest = await db.InventoryChanges.MaxAsync(c => (long?)c.Id, cancellationToken) ?? 0;
        var hotels = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes).ToListAsync(cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-1);
        var nights = await db.Inventory.AsNoTracking()
            .Where(n => n.Date >= today)
            .Select(n => new { n.RoomTypeId, State = new NightState { Date = n.Date, Total = n.Total, Sold = n.Sold, Held = n.Held, RateMinor = n.RateMinor, Version = n.Version } })
            .ToListAsync(cancellationToken);
        var holds = await db.Holds.AsNoTracking().Where(h => h.Status == HoldStatus.Active).ToListAsync(cancellationToken);

        await snapshot.CommitAsync(cancellationToken);

        model.Load(hotels, nights.GroupBy(n => n.RoomTypeId).Select(g => (g.Key, g.Select(n => n.State).ToArray())), holds);
        _reloadRequested = false;
        _gaps.Clear();
        _readUpTo = Math.Max(0, highest - LoadLookback);
        _caughtUpAt = time.GetUtcNow();
        ReadModelLog.Loaded(logger, hotels.Count, nights.Count, highest);
    }

    private async Task ReadChangesAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        var now = time.GetUtcNow();
        foreach (var (id, since) in _gaps.ToList())
        {
            if (now - since > options.Value.GapTimeout)
            {
                _gaps.Remove(id); // rolled back: never to appear
            }
        }

        var gaps = _gaps.Keys.ToList();
        while (true)
        {
            var readUpTo = _readUpTo;
            var rows = await db.InventoryChanges.AsNoTracking()
                .Where(c => c.Id > readUpTo || gaps.Contains(c.Id))
                .OrderBy(c => c.Id)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            gaps = [];
            Apply(rows, now);
            if (rows.Count < PageSize)
            {
                return;
            }
        }
    }

    private void Apply(List<InventoryChange> rows, DateTimeOffset now)
    {
        var expected = _readUpTo + 1;
        foreach (var row in rows)
        {
            _gaps.Remove(row.Id);
            for (var missing = expected; missing < row.Id; missing++)
            {
                if (_gaps.Count >= MaxGaps)
                {
                    // Too many ids outstanding to follow one by one: read everything again rather than miss one.
                    _reloadRequested = true;
                    break;
                }

                _gaps.TryAdd(missing, now);
            }

            expected = Math.Max(expected, row.Id + 1);
            _readUpTo = Math.Max(_readUpTo, row.Id);
        }

        var reload = false;
        foreach (var roomType in rows.GroupBy(r => r.RoomTypeId))
        {
            reload |= !model.Apply(roomType.Key, [.. roomType.Select(r => r.ToState())]);
        }

        if (reload)
        {
            // A night of a room type the model has never seen: the catalogue changed. Read it all again
            // at the next catch-up.
            _reloadRequested = true;
        }
    }

    private async Task PruneIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _prunedAt < options.Value.Retention / 4)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AvailabilityDbContext>();
        var cutoff = (now - options.Value.Retention).ToUnixTimeMilliseconds();
        var pruned = await db.InventoryChanges.Where(c => c.ChangedAtMs < cutoff).ExecuteDeleteAsync(cancellationToken);
        _prunedAt = now;
        if (pruned > 0)
        {
            ReadModelLog.Pruned(logger, pruned);
        }
    }
}

internal static partial class ReadModelLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Read model loaded: {Hotels} hotels, {Nights} nights, change log at {ChangeId}")]
    public static partial void Loaded(ILogger logger, int hotels, int nights, long changeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change log was not read for longer than it is kept, named an unknown room type, or left too many gaps to follow: reloading the read model")]
    public static partial void Reloading(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the change log failed; reconnecting")]
    public static partial void FeedFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} change-log rows")]
    public static partial void Pruned(ILogger logger, int count);
}
