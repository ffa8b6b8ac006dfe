namespace HotelBooking.Availability.Domain;

public sealed class Hotel
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string City { get; set; }
    /// <summary>ISO 4217 code every price of this hotel is in.</summary>
    public required string Currency { get; init; }
    public List<RoomType> RoomTypes { get; init; } = [];
}

public sealed class RoomType
{
    public required string Id { get; init; }
    public required string HotelId { get; init; }
    public required string Name { get; set; }
    public required int Capacity { get; set; }
    /// <summary>The standard nightly rate in minor units; each night of inventory may override it.</summary>
    public required long NightlyRateMinor { get; set; }
}
