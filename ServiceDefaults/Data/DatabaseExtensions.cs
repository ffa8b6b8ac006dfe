using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HotelBooking.ServiceDefaults.Data;

/// <summary>
/// Database per service: each service names its connection string, and this picks the provider from
/// configuration (<c>Database:Provider</c>: <c>Sqlite</c>, the default, or <c>Postgres</c>) and applies
/// that provider's migrations at start-up.
/// </summary>
public static class DatabaseExtensions
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";

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
                    options.UseSqlite(ConnectionString(services, connectionName)).AddInterceptors(SqliteBusyTimeout.Instance));
                break;
            case Postgres:
                builder.Services.AddDbContextPool<TContext, TPostgresContext>((services, options) =>
                    options.UseNpgsql(ConnectionString(services, connectionName)));
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not supported; use '{Sqlite}' or '{Postgres}'.");
        }

        return builder;
    }

    // Read when the first context is made, not at registration: test hosts may still be adding configuration.
    private static string ConnectionString(IServiceProvider services, string connectionName) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing (ConnectionStrings:{connectionName}).");

    /// <summary>Creates the database if needed, applies pending migrations, then runs <paramref name="seed"/>.</summary>
    public static async Task MigrateDatabaseAsync<TContext>(this IHost app, Func<TContext, IServiceProvider, Task>? seed = null)
        where TContext : DbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("HotelBooking.Database");

        if (db.Database.IsSqlite())
        {
            PrepareSqliteFile(db.Database.GetConnectionString()!);
        }

        // On a server, create the database first if it is missing: MigrateAsync would too, but only after
        // logging a failed connection to it, which reads like a fault on every first start.
        if (!db.Database.IsSqlite() && db.GetService<IRelationalDatabaseCreator>() is { } creator && !await creator.ExistsAsync())
        {
            await creator.CreateAsync();
        }

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

        DatabaseLog.Ready(logger, typeof(TContext).Name);
    }

    private static void PrepareSqliteFile(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}

/// <summary>
/// Lets SQLite itself wait for the write lock (its busy handler polls every few milliseconds) instead of
/// failing at once into Microsoft.Data.Sqlite's managed retry, which sleeps 150 ms per attempt: under
/// concurrent sagas that sleep, not the work, was most of a booking's latency.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 10000;";
        command.ExecuteNonQuery();
    }
}

internal static partial class DatabaseLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Database for {Context} is migrated and ready")]
    public static partial void Ready(ILogger logger, string context);
}
