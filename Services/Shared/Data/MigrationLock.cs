using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HotelBooking.Services.Shared.Data;

/// <summary>
/// Lets one migrator at a time create, migrate and seed a service's database, so replicas or one-shot
/// jobs started together cannot race. EF Core's own migration lock covers only <c>MigrateAsync</c>, not
/// creating the database before it or seeding after it, and on SQLite a killed migrator leaves it held.
/// </summary>
internal static class MigrationLock
{
    /// <summary>Waits for the lock; the database exists (on a server) once this returns.</summary>
    public static async Task<IAsyncDisposable> AcquireAsync(DbContext db, ILogger logger, CancellationToken cancellationToken) =>
        db.Database.IsSqlite()
            ? await SqliteFileLock.AcquireAsync(db.Database.GetConnectionString()!, logger, cancellationToken)
            : await PostgresAdvisoryLock.AcquireAsync(db, logger, cancellationToken);

    /// <summary>
    /// A lock file beside the database, opened exclusively (on Linux an flock, which the kernel drops when
    /// its process dies, however it dies). Holding it proves no other migrator runs, so a row left in EF's
    /// <c>__EFMigrationsLock</c> table is a killed migrator's and is cleared; EF would otherwise wait for it forever.
    /// </summary>
    private sealed class SqliteFileLock(FileStream file) : IAsyncDisposable
    {
        private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

        public static async Task<IAsyncDisposable> AcquireAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
        {
            var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
            var path = Path.GetFullPath(dataSource) + ".migrate-lock";
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);

            var deadline = DateTime.UtcNow + Patience;
            FileStream file;
            while (true)
            {
                try
                {
                    // Never deleted: removing it while another migrator waits would let two hold different files.
                    file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    break;
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                }
            }

            try
            {
                await ClearAbandonedEfLockAsync(connectionString, logger, cancellationToken);
                return new SqliteFileLock(file);
            }
            catch
            {
                await file.DisposeAsync();
                throw;
            }
        }

        private static async Task ClearAbandonedEfLockAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock';";
            if ((long)(await command.ExecuteScalarAsync(cancellationToken))! == 0)
            {
                return;
            }

            command.CommandText = "DELETE FROM \"__EFMigrationsLock\";";
            if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                DatabaseLog.AbandonedMigrationLockCleared(logger, connection.DataSource);
            }
        }

        public ValueTask DisposeAsync() => file.DisposeAsync();
    }

    /// <summary>
    /// A session-level advisory lock on the service's own database (advisory locks are per database, so
    /// one key serves every service), taken on an unpooled connection of its own and released when it
    /// closes: a migrator that dies loses its session and with it the lock.
    /// </summary>
    private sealed class PostgresAdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        private const long Key = 0x486F74656C426B; // "HotelBk"

        public static async Task<IAsyncDisposable> AcquireAsync(DbContext db, ILogger logger, CancellationToken cancellationToken)
        {
            await CreateDatabaseIfMissingAsync(db, logger, cancellationToken);

            // Unpooled: closing it ends the session, and with it the lock, even if the unlock failed. A pooled
            // connection would go back to the pool still holding it (No Reset On Close skips the reset that frees it).
            var connection = new NpgsqlConnection(
                new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({Key});", connection) { CommandTimeout = 300 };
                await command.ExecuteNonQueryAsync(cancellationToken);
                return new PostgresAdvisoryLock(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        // MigrateAsync would create it too, but only after logging a failed connection, which reads like a
        // fault on every first start; and two migrators may both find it missing.
        private static async Task CreateDatabaseIfMissingAsync(DbContext db, ILogger logger, CancellationToken cancellationToken)
        {
            var creator = db.GetService<IRelationalDatabaseCreator>();
            if (await creator.ExistsAsync(cancellationToken))
            {
                return;
            }

            try
            {
                await creator.CreateAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase
                || (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "pg_database_datname_index"))
            {
                // Another migrator created it between our check and our CREATE DATABASE: that is what we wanted.
                DatabaseLog.CreatedByAnotherMigrator(logger, e.SqlState);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await using (connection)
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key});", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
    }
}
