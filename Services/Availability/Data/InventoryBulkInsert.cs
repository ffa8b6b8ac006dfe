using HotelBooking.Availability.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HotelBooking.Availability.Data;

/// <summary>
/// Writes many inventory nights at once, past EF's change tracker, in the caller's transaction: on SQLite
/// one prepared INSERT run per row (SQLite has no network round trip, so a prepared statement is as fast
/// as multi-row VALUES), on PostgreSQL a binary COPY. Table and column names come from the EF model.
/// </summary>
internal static class InventoryBulkInsert
{
    public static async Task<long> InsertAsync(AvailabilityDbContext db, IEnumerable<InventoryNight> nights, CancellationToken cancellationToken)
    {
        var table = Table.Of(db);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Inventory is bulk-inserted inside the seed's transaction.");

        return transaction.Connection switch
        {
            SqliteConnection sqlite => await InsertAsync(sqlite, (SqliteTransaction)transaction, table, nights, cancellationToken),
            NpgsqlConnection postgres => await CopyAsync(postgres, table, nights, cancellationToken),
            var other => throw new NotSupportedException($"No bulk insert for {other?.GetType().Name}."),
        };
    }

    private static async Task<long> InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, Table table, IEnumerable<InventoryNight> nights, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table.Name} ({table.ColumnList}) VALUES ($room, $date, $total, 0, 0, $rate);";
        var room = command.Parameters.Add("$room", SqliteType.Text);
        var date = command.Parameters.Add("$date", SqliteType.Text);
        var total = command.Parameters.Add("$total", SqliteType.Integer);
        var rate = command.Parameters.Add("$rate", SqliteType.Integer);
        command.Prepare();

        long rows = 0;
        foreach (var night in nights)
        {
            room.Value = night.RoomTypeId;
            date.Value = night.Date; // stored as EF stores a DateOnly: yyyy-MM-dd
            total.Value = night.Total;
            rate.Value = night.RateMinor;
            rows += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return rows;
    }

    private static async Task<long> CopyAsync(NpgsqlConnection connection, Table table, IEnumerable<InventoryNight> nights, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var night in nights)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(night.RoomTypeId, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(night.Date, NpgsqlDbType.Date, cancellationToken);
            await writer.WriteAsync(night.Total, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(night.Sold, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(night.Held, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(night.RateMinor, NpgsqlDbType.Bigint, cancellationToken);
        }

        return (long)await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>The inventory table's quoted name and columns, in the order both writers fill them.</summary>
    private sealed record Table(string Name, string ColumnList)
    {
        public static Table Of(DbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(InventoryNight))!;
            var sql = db.GetService<ISqlGenerationHelper>();
            var store = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            string[] properties = [nameof(InventoryNight.RoomTypeId), nameof(InventoryNight.Date), nameof(InventoryNight.Total),
                nameof(InventoryNight.Sold), nameof(InventoryNight.Held), nameof(InventoryNight.RateMinor)];
            var columns = properties.Select(p => sql.DelimitIdentifier(entity.FindProperty(p)!.GetColumnName(store)!));
            return new(sql.DelimitIdentifier(store.Name, store.Schema), string.Join(", ", columns));
        }
    }
}
