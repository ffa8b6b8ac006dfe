using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Streaming;

namespace HotelBooking.Availability.ReadModel;

/// <summary>A city that has hotels, and how many.</summary>
public readonly record struct CityCount(string Name, int HotelCount);

/// <summary>
/// What every read answers from: hotels, room types and each room type's nights, in memory, loaded at start
/// (<see cref="ReadModelFeed"/>) and kept up to date by every committed change — this process's own, applied
/// from what its statements returned, and every process's, from the change log. Readers take no lock:
/// they read immutable snapshots that writers replace whole (<see cref="RoomTypeNights"/>). A read may be a
/// moment stale; the database's conditional updates, not this model, decide whether rooms can be taken.
/// </summary>
public sealed class AvailabilityModel(AvailabilityChanges changes)
{
    private volatile Catalog _catalog = Catalog.Empty;

    public bool IsLoaded => _catalog != Catalog.Empty;

    public Hotel? FindHotel(string hotelId) => _catalog.Hotels.GetValueOrDefault(hotelId);

    public RoomTypeSlot? FindRoomType(string roomTypeId) => _catalog.RoomTypes.GetValueOrDefault(roomTypeId);

    /// <summary>Hotels by city, then name.</summary>
    public IReadOnlyList<Hotel> Hotels => _catalog.Ordered;

    /// <summary>A city's hotels (the name is case-insensitive), by name; empty for a city with none.</summary>
    public IReadOnlyList<Hotel> HotelsIn(string city) => _catalog.ByCity.GetValueOrDefault(city.Trim()) ?? [];

    public IReadOnlyList<CityCount> Cities => _catalog.Cities;

    /// <summary>Replaces everything: the start-up load, or a reload after the change log was missed for too long.</summary>
    public void Load(IReadOnlyList<Hotel> hotels, IEnumerable<(string RoomTypeId, NightState[] Nights)> inventory, IEnumerable<Hold> activeHolds)
    {
        var catalog = new Catalog(hotels);
        foreach (var (roomTypeId, nights) in inventory)
        {
            if (catalog.RoomTypes.TryGetValue(roomTypeId, out var slot) && nights.Length > 0)
            {
                slot.Nights = RoomTypeNights.Empty.With(nights) ?? RoomTypeNights.Empty;
            }
        }

        foreach (var hold in activeHolds)
        {
            catalog.RoomTypes.GetValueOrDefault(hold.RoomTypeId)?.Track(hold);
        }

        _catalog = catalog;
        changes.Publish(new(null, DateOnly.MinValue, DateOnly.MaxValue));
    }

    /// <summary>
    /// Applies committed night states of one room type, each where it is newer than what the model has, and
    /// wakes the streams when anything changed. False for a room type the model does not know (a catalogue
    /// change: the caller reloads).
    /// </summary>
    public bool Apply(string roomTypeId, IReadOnlyList<NightState> states)
    {
        if (FindRoomType(roomTypeId) is not { } slot)
        {
            return false;
        }

        if (states.Count == 0)
        {
            return true;
        }

        bool changed;
        lock (slot)
        {
            var next = slot.Nights.With(states);
            changed = next is not null;
            if (next is not null)
            {
                slot.Nights = next;
            }
        }

        if (changed)
        {
            var from = DateOnly.MaxValue;
            var to = DateOnly.MinValue;
            foreach (var state in states)
            {
                from = state.Date < from ? state.Date : from;
                to = state.Date >= to ? state.Date.AddDays(1) : to;
            }

            changes.Publish(new(slot.Hotel.Id, from, to));
        }

        return true;
    }

    /// <summary>A hold this process created: its rooms come back in reads once it is past its expiry.</summary>
    public void Track(Hold hold) => FindRoomType(hold.RoomTypeId)?.Track(hold);

    /// <summary>A hold that left the active state.</summary>
    public void Forget(Hold hold) => FindRoomType(hold.RoomTypeId)?.Forget(hold.Id, DateTime.MinValue);

    /// <summary>
    /// After a sweep that expired every hold due by <paramref name="sweptUpTo"/>: holds due by then are
    /// expired now or were confirmed or released by another process, either way their nights say so.
    /// </summary>
    public void ForgetDueBy(DateTime sweptUpTo)
    {
        foreach (var slot in _catalog.RoomTypes.Values)
        {
            slot.Forget(null, sweptUpTo);
        }
    }

    /// <summary>A room type and the state readers see of it.</summary>
    public sealed class RoomTypeSlot(Hotel hotel, RoomType roomType)
    {
        private volatile TrackedHold[] _holds = [];
        private volatile RoomTypeNights _nights = RoomTypeNights.Empty;

        public Hotel Hotel { get; } = hotel;
        public RoomType RoomType { get; } = roomType;

        public RoomTypeNights Nights
        {
            get => _nights;
            internal set => _nights = value;
        }

        public ReadOnlySpan<TrackedHold> Holds => _holds;

        public StayQuote Quote(Stay stay, DateTime utcNow) => _nights.Quote(stay, _holds, utcNow);

        internal void Track(Hold hold)
        {
            lock (this)
            {
                _holds = [.. _holds, new TrackedHold(hold.Id, hold.CheckIn, hold.CheckOut, hold.Rooms, hold.ExpiresAt)];
            }
        }

        internal void Forget(string? holdId, DateTime dueBy)
        {
            if (_holds.Length == 0)
            {
                return;
            }

            lock (this)
            {
                _holds = [.. _holds.Where(h => h.HoldId != holdId && h.ExpiresAt > dueBy)];
            }
        }
    }

    private sealed class Catalog
    {
        public static readonly Catalog Empty = new([]);

        public Catalog(IReadOnlyList<Hotel> hotels)
        {
            Ordered = [.. hotels.OrderBy(h => h.City, StringComparer.Ordinal).ThenBy(h => h.Name, StringComparer.Ordinal)];
            foreach (var hotel in Ordered)
            {
                // Cheapest first: the order quotes list room types in.
                hotel.RoomTypes.Sort((a, b) => a.NightlyRateMinor.CompareTo(b.NightlyRateMinor));
                Hotels[hotel.Id] = hotel;
                foreach (var roomType in hotel.RoomTypes)
                {
                    RoomTypes[roomType.Id] = new RoomTypeSlot(hotel, roomType);
                }
            }

            foreach (var city in Ordered.GroupBy(h => h.City, StringComparer.OrdinalIgnoreCase))
            {
                ByCity[city.Key] = [.. city.OrderBy(h => h.Name, StringComparer.Ordinal)];
            }

            Cities = [.. ByCity.Select(c => new CityCount(c.Value[0].City, c.Value.Length)).OrderBy(c => c.Name, StringComparer.Ordinal)];
        }

        public Dictionary<string, Hotel> Hotels { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, RoomTypeSlot> RoomTypes { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Hotel[]> ByCity { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Hotel[] Ordered { get; }
        public CityCount[] Cities { get; }
    }
}
