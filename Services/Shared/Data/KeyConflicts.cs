using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HotelBooking.Services.Shared.Data;

/// <summary>
/// Tells a row refused for a taken key from any other failed save, on either provider. It lets a service
/// insert first and read only on a conflict, instead of reading before every insert: the unique index
/// decides, in one statement, whoever gets there first.
/// </summary>
public static class KeyConflicts
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>Whether the save failed because a unique index or primary key already held the value.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException { SqliteErrorCode: SqliteConstraint } e =>
            e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        PostgresException e => e.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
