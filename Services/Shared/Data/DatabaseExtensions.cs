using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Trace;

namespace HotelBooking.Services.Shared.Data;

/// <summary>
/// Database per service: each service names its connection string, and this picks the provider from
/// configuration (<c>Database:Provider</c>: <c>Sqlite</c>, the default, or <c>Postgres</c>) and applies
/// that provider's migrations, at start-up or as a <c>migrate</c> command.
/// </summary>
public static class DatabaseExtensions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

    /// <summary>The command-line verb that migrates and seeds the database, then exits.</summary>
    public const string MigrateCommand = "migrate";

    /// <summary>
    /// Registers <typeparamref name="TContext"/>. On PostgreSQL the instance is a <typeparamref name="TPostgresContext"/>,
    /// the same model with its own migrations.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext, TPostgresContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext
        where TPostgresContext : TContext
    {
        var provider = builder.Configuration["Database:Provider"] ?? Sqlite;
        switch (provider)
        {
            case Sqlite:
                builder.Services.AddDbContextPool<TContext>((services, options) =>
                    options.UseSqlite(ConnectionString(services, connectionName)).AddInterceptors(SqliteConnectionSettings.Instance)
                        .DiagnoseRecordedTracesOnly());
                break;
            case Postgres:
                builder.Services.AddDbContextPool<TContext, TPostgresContext>((services, options) =>
                    options.UseNpgsql(PostgresConnectionSettings.Apply(ConnectionString(services, connectionName))).DiagnoseRecordedTracesOnly());
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not supported; use '{Sqlite}' or '{Postgres}'.");
        }

        // A span per query, beneath the gRPC call that ran it (used only when ServiceDefaults turned tracing on),
        // in sampled traces only (RecordedTraceDiagnostics).
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddEntityFrameworkCoreInstrumentation());
        return builder;
    }

    private static DbContextOptionsBuilder DiagnoseRecordedTracesOnly(this DbContextOptionsBuilder options) => options
        .ReplaceService<System.Diagnostics.DiagnosticSource, RecordedTraceDiagnostics>()
        .ConfigureLoggingCacheTime(TimeSpan.Zero);

    // Read when the first context is made, not at registration: test hosts may still be adding configuration.
    private static string ConnectionString(IServiceProvider services, string connectionName) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing (ConnectionStrings:{connectionName}).");

    /// <summary>
    /// Gets the database ready before the service starts. <c>dotnet Service.dll migrate</c> migrates and seeds
    /// it, then the caller exits (the one-shot job a deployment runs once, docs/operations.md). Otherwise the
    /// service migrates it itself when <c>Database:MigrateOnStart</c> is true (the default: the AppHost and the
    /// tests need no set-up), or, when false, refuses to start on a database with migrations pending.
    /// </summary>
    public static async Task<DatabaseStep> PrepareDatabaseAsync<TContext>(
        this IHost app, string[] args, Func<TContext, IServiceProvider, Task>? seed = null)
        where TContext : DbContext
    {
        if (args is [MigrateCommand, ..])
        {
            await app.MigrateDatabaseAsync(seed);
            return DatabaseStep.MigratedOnly;
        }

        if (app.Services.GetRequiredService<IConfiguration>().GetValue("Database:MigrateOnStart", defaultValue: true))
        {
            await app.MigrateDatabaseAsync(seed);
        }
        else
        {
            await app.EnsureMigratedAsync<TContext>();
        }

        return DatabaseStep.ReadyToServe;
    }

    /// <summary>
    /// Creates the database if needed, applies pending migrations, then runs <paramref name="seed"/>, all
    /// under a lock (<see cref="MigrationLock"/>): any number of migrators may start at once, and the seed
    /// runs against a migrated database one migrator at a time.
    /// </summary>
    public static async Task MigrateDatabaseAsync<TContext>(this IHost app, Func<TContext, IServiceProvider, Task>? seed = null)
        where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("HotelBooking.Database");

        await using (await MigrationLock.AcquireAsync(db, logger, CancellationToken.None))
        {
            await db.Database.MigrateAsync();

            if (db.Database.IsSqlite())
            {
                // WAL lets readers run beside the single writer; it is a property of the file, set once.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }

            if (seed is not null)
            {
                await seed(db, scope.ServiceProvider);
            }
        }

        DatabaseLog.Ready(logger, typeof(TContext).Name);
    }

    private static async Task EnsureMigratedAsync<TContext>(this IHost app)
        where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        if (pending.Count > 0)
        {
            var command = $"dotnet {app.Services.GetRequiredService<IHostEnvironment>().ApplicationName}.dll {MigrateCommand}";
            throw new InvalidOperationException(
                $"The {typeof(TContext).Name} database has {pending.Count} migration(s) pending ({string.Join(", ", pending)}) " +
                $"and Database:MigrateOnStart is false. Run '{command}' first (docker-compose.yml's *-migrate services do), " +
                "or set Database:MigrateOnStart=true to migrate at start.");
        }
    }
}

/// <summary>What <see cref="DatabaseExtensions.PrepareDatabaseAsync{TContext}"/> did: the service serves, or it was only asked to migrate.</summary>
public enum DatabaseStep
{
    ReadyToServe,
    MigratedOnly,
}

/// <summary>
/// Settings SQLite keeps per connection, applied once to each physical connection: the pool hands the same
/// connection out again and again, and it keeps them (they used to be re-run on every open, two statements
/// more for every command EF sent).
/// <list type="bullet">
/// <item><c>busy_timeout</c>: SQLite itself waits for the write lock (its busy handler polls every few
/// milliseconds) instead of failing at once into Microsoft.Data.Sqlite's managed retry, which sleeps 150 ms
/// per attempt: under concurrent sagas that sleep, not the work, was most of a booking's latency. (The
/// connection string's <c>Default Timeout</c> only bounds that managed retry; it sets no busy handler.)</item>
/// <item><c>synchronous = FULL</c>, with the file in WAL mode (<c>journal_mode</c> is kept in the file, set
/// when it is migrated): every commit syncs the WAL to disk before it returns, so a booking the service has
/// confirmed, a charge it has taken or a hold it has granted survives a power cut or a kernel crash. NORMAL
/// would sync only at checkpoints: still no corruption, but the last commits before a power loss could
/// vanish, and a guest would hold a confirmation (or a card a charge) the database no longer knows. The
/// same for all three services: availability's holds and confirmations are what keeps a paid room from
/// being sold twice. One fsync per commit is the price.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;";

    // Keyed by the native handle, which lives as long as the physical connection: a pooled SqliteConnection
    // object may carry another handle next time, and a closed handle leaves the table with its connection.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsNew(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
            Remember(connection);
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsNew(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            Remember(connection);
        }
    }

    private static bool IsNew(DbConnection connection) =>
        ((SqliteConnection)connection).Handle is not { } handle || !Configured.TryGetValue(handle, out _);

    // Only once the pragmas ran: a connection whose pragmas failed gets them again on its next open.
    private static void Remember(DbConnection connection)
    {
        if (((SqliteConnection)connection).Handle is { } handle)
        {
            Configured.AddOrUpdate(handle, Instance);
        }
    }
}

/// <summary>
/// Npgsql settings for the services' short, repeated statements, added to the connection string unless it
/// sets them itself (docs/operations.md).
/// <list type="bullet">
/// <item><c>Max Auto Prepare</c>, <c>Auto Prepare Min Usages</c>: a statement a connection runs a second
/// time is prepared on the server, so later runs skip parsing and planning. A service has a few dozen
/// distinct statements.</item>
/// <item><c>No Reset On Close</c>: a connection going back to the pool is not reset (<c>DISCARD ALL</c>, or
/// with prepared statements several statements, sent ahead of its next command), which would otherwise
/// cost a statement per open. Safe because the services leave no session state behind: no <c>SET</c>,
/// no temporary tables, and the one session lock (the migration lock) is taken on an unpooled
/// connection.</item>
/// <item><c>Maximum Pool Size</c> 25 rather than Npgsql's 100: every process of every service shares the
/// server's <c>max_connections</c> (100 by default), and a request short of a pooled connection waits for
/// one, where a server out of connections refuses it (53300). Three services at 100 each can exhaust a
/// default server under load; add processes only with <c>max_connections</c> raised to match
/// (docs/operations.md).</item>
/// </list>
/// </summary>
internal static class PostgresConnectionSettings
{
    private static readonly NpgsqlConnectionStringBuilder Defaults = new()
    {
        MaxAutoPrepare = 64,
        AutoPrepareMinUsages = 2,
        NoResetOnClose = true,
        MaxPoolSize = 25,
    };

    public static string Apply(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(Defaults.ConnectionString);
        // Whatever the given string sets wins, under any of the spellings Npgsql accepts.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            tuned[key] = given[key];
        }

        return tuned.ConnectionString;
    }
}

internal static partial class DatabaseLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Database for {Context} is migrated and ready")]
    public static partial void Ready(ILogger logger, string context);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database was created by another migrator at the same time ({SqlState})")]
    public static partial void CreatedByAnotherMigrator(ILogger logger, string sqlState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleared EF's migration lock in {DataSourceName}, left by a migrator that was killed while holding it")]
    public static partial void AbandonedMigrationLockCleared(ILogger logger, string dataSourceName);
}
