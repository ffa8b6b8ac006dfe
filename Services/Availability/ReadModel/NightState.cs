namespace HotelBooking.Availability.ReadModel;

/// <summary>
/// One night of one room type as a committed change left it: what an <c>UPDATE … RETURNING</c> gives back,
/// and what a row of the change log carries. <see cref="Version"/> grows with every change of the night, so a
/// state that arrives late (from the log, after the writer applied it itself) never overwrites a newer one.
/// </summary>
public sealed class NightState
{
    public DateOnly Date { get; init; }
    public int Total { get; init; }
    public int Sold { get; init; }
    public int Held { get; init; }
    public long RateMinor { get; init; }
    public long Version { get; init; }
}

/// <summary>A row of the change log: a night's new state, written by a trigger in the transaction that changed it.</summary>
public sealed class InventoryChange
{
    public long Id { get; init; }
    public required string RoomTypeId { get; init; }
    public DateOnly Date { get; init; }
    public int Total { get; init; }
    public int Sold { get; init; }
    public int Held { get; init; }
    public long RateMinor { get; init; }
    public long Version { get; init; }
    /// <summary>When it was written, in Unix milliseconds of the database's clock: old rows are pruned by it.</summary>
    public long ChangedAtMs { get; init; }

    public NightState ToState() => new() { Date = Date, Total = Total, Sold = Sold, Held = Held, RateMinor = RateMinor, Version = Version };
}
