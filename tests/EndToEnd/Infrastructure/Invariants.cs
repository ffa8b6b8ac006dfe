using System.Data.Common;

namespace HotelBooking.EndToEnd.Infrastructure;

/// <summary>
/// What must hold across the three databases, whatever happened: read from the databases themselves,
/// not through the API under test. Each violation is a sentence; none is the only passing answer.
/// </summary>
public static class Invariants
{
    public static List<string> Check(SystemFixture system)
    {
        var violations = new List<string>();
        using var bookings = system.OpenDatabase("booking-db");
        using var payments = system.OpenDatabase("payment-db");
        using var availability = system.OpenDatabase("availability-db");

        var unsettled = Scalar(bookings, "SELECT COUNT(*) FROM \"Bookings\" WHERE \"Step\" <> 'Done' OR \"Status\" = 'Pending'");
        if (unsettled > 0)
        {
            violations.Add($"{unsettled} bookings are not settled");
        }

        var confirmed = Rows(bookings, "SELECT \"Id\", \"RoomTypeId\", \"CheckIn\", \"CheckOut\", \"TotalMinor\" FROM \"Bookings\" WHERE \"Status\" = 'Confirmed'",
            r => (Id: r.GetString(0), RoomType: r.GetString(1), CheckIn: r.GetFieldValue<DateOnly>(2), CheckOut: r.GetFieldValue<DateOnly>(3), Total: r.GetInt64(4)));

        // Rooms sold per night are exactly the confirmed bookings that cover that night.
        var expectedSold = confirmed
            .SelectMany(b => Enumerable.Range(0, b.CheckOut.DayNumber - b.CheckIn.DayNumber).Select(d => (b.RoomType, Night: b.CheckIn.AddDays(d))))
            .GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var nights = Rows(availability, "SELECT \"RoomTypeId\", \"Date\", \"Total\", \"Sold\", \"Held\" FROM \"Inventory\" WHERE \"Sold\" > 0 OR \"Held\" > 0",
            r => (RoomType: r.GetString(0), Night: r.GetFieldValue<DateOnly>(1), Total: r.GetInt32(2), Sold: r.GetInt32(3), Held: r.GetInt32(4)));
        foreach (var night in nights)
        {
            if (night.Sold + night.Held > night.Total)
            {
                violations.Add($"{night.RoomType} on {night.Night} is oversold: {night.Sold} sold + {night.Held} held > {night.Total}");
            }

            if (night.Sold != expectedSold.GetValueOrDefault((night.RoomType, night.Night)))
            {
                violations.Add($"{night.RoomType} on {night.Night}: {night.Sold} sold but {expectedSold.GetValueOrDefault((night.RoomType, night.Night))} confirmed bookings");
            }

            if (night.Held != 0)
            {
                violations.Add($"{night.RoomType} on {night.Night}: {night.Held} rooms still held with every booking settled");
            }
        }

        var missingNights = expectedSold.Keys.Except(nights.Select(n => (n.RoomType, n.Night))).Count();
        if (missingNights > 0)
        {
            violations.Add($"{missingNights} nights of confirmed bookings are not sold in the inventory");
        }

        var activeHolds = Scalar(availability, "SELECT COUNT(*) FROM \"Holds\" WHERE \"Status\" = 'Active'");
        if (activeHolds > 0)
        {
            violations.Add($"{activeHolds} holds are still active with every booking settled");
        }

        // Money: one captured charge per confirmed booking, of its total, and none for anything else.
        var captured = Rows(payments, "SELECT \"RequestId\", \"AmountMinor\" FROM \"Payments\" WHERE \"Status\" = 'Captured'",
            r => (Key: r.GetString(0), Amount: r.GetInt64(1))).ToDictionary(p => p.Key, p => p.Amount);
        foreach (var booking in confirmed)
        {
            if (!captured.TryGetValue($"booking:{booking.Id}", out var amount))
            {
                violations.Add($"confirmed booking {booking.Id} has no captured charge");
            }
            else if (amount != booking.Total)
            {
                violations.Add($"booking {booking.Id} totals {booking.Total} but {amount} was captured");
            }
        }

        var orphanCharges = captured.Keys.Except(confirmed.Select(b => $"booking:{b.Id}")).Count();
        if (orphanCharges > 0)
        {
            violations.Add($"{orphanCharges} captured charges belong to no confirmed booking");
        }

        return violations;
    }

    public static long Scalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static List<T> Rows<T>(DbConnection connection, string sql, Func<DbDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
