using HotelBooking.Availability.Domain;

namespace HotelBooking.Availability.Quotes;

/// <summary>What a hotel offers for a stay: each room type that fits the guests, cheapest first.</summary>
public sealed record StayAvailability(string HotelId, Stay Stay, int Guests, string Currency, IReadOnlyList<RoomAvailability> Rooms)
{
    // Equal room by room, not by list reference: the streams send a quote only when it differs from the last.
    public bool Equals(StayAvailability? other) =>
        other is not null && HotelId == other.HotelId && Stay == other.Stay && Guests == other.Guests
        && Currency == other.Currency && Rooms.SequenceEqual(other.Rooms);

    public override int GetHashCode() => HashCode.Combine(HotelId, Stay, Guests, Currency, Rooms.Count);
}

/// <summary>A room type's rooms free on every night of the stay, and the stay's price for one room, in minor units.</summary>
public readonly record struct RoomAvailability(string RoomTypeId, string Name, int Capacity, int Available, long TotalMinor);
