namespace HotelBooking.Availability.Domain;

/// <summary>
/// One room type on one night. <see cref="Held"/> counts rooms in active holds, <see cref="Sold"/> rooms in
/// confirmed ones; both only ever change through conditional updates that keep <see cref="Free"/> ≥ 0.
/// </summary>
public sealed class InventoryNight
{
    public required string RoomTypeId { get; init; }
    public required DateOnly Date { get; init; }
    public required int Total { get; set; }
    public int Sold { get; set; }
    public int Held { get; set; }
    public required long RateMinor { get; set; }
    /// <summary>Grows by one with every change of the night: the read model keeps the newest state it was told of.</summary>
    public long Version { get; set; }

    public int Free => Total - Sold - Held;
}
