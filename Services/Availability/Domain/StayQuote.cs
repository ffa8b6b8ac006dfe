namespace HotelBooking.Availability.Domain;

/// <summary>What a room type offers for a whole stay: the arithmetic behind availability and price.</summary>
public readonly record struct StayQuote(int Available, long TotalMinor)
{
    /// <summary>
    /// A stay is as available as its scarcest night, and costs the sum of its nights' rates per room.
    /// A night with no inventory row (beyond the horizon) makes the room type unavailable.
    /// </summary>
    /// <param name="nights">The room type's inventory for the stay's nights.</param>
    /// <param name="releasedPerNight">Rooms of holds that expired but are still counted in <see cref="InventoryNight.Held"/>.</param>
    public static StayQuote For(Stay stay, IReadOnlyCollection<InventoryNight> nights, int rooms = 1,
        IReadOnlyDictionary<DateOnly, int>? releasedPerNight = null)
    {
        var byDate = nights.ToDictionary(n => n.Date);
        var available = int.MaxValue;
        long total = 0;

        foreach (var date in stay.EachNight())
        {
            if (!byDate.TryGetValue(date, out var night))
            {
                return new StayQuote(0, 0);
            }

            var released = releasedPerNight?.GetValueOrDefault(date) ?? 0;
            available = Math.Min(available, Math.Max(0, night.Free + released));
            total += night.RateMinor * rooms;
        }

        return new StayQuote(available == int.MaxValue ? 0 : available, total);
    }
}
