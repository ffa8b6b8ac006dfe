using HotelBooking.Availability.Domain;

namespace HotelBooking.Availability.ReadModel;

/// <summary>One night in memory; <see cref="Exists"/> is false where the database has no row (not on sale).</summary>
public readonly record struct Night(bool Exists, int Total, int Sold, int Held, long RateMinor, long Version)
{
    public int Free => Total - Sold - Held;
}

/// <summary>
/// A room type's nights, indexed by days since <see cref="Start"/>. Never changed once published: a change
/// builds a new copy and swaps the reference, so a reader that took the reference sees every night of one
/// version, never a night half written or a stay half applied.
/// </summary>
public sealed class RoomTypeNights(DateOnly start, Night[] nights)
{
    public static readonly RoomTypeNights Empty = new(DateOnly.MinValue, []);

    public DateOnly Start { get; } = start;

    private readonly Night[] _nights = nights;

    public int Count => _nights.Length;

    public Night this[DateOnly date]
    {
        get
        {
            var index = date.DayNumber - Start.DayNumber;
            return (uint)index < (uint)_nights.Length ? _nights[index] : default;
        }
    }

    /// <summary>
    /// The rooms free on every night of the stay (plus those of holds past their expiry that no sweep freed
    /// yet) and the stay's price for one room; nothing when any night is not on sale.
    /// </summary>
    public StayQuote Quote(Stay stay, ReadOnlySpan<TrackedHold> holds, DateTime utcNow)
    {
        var first = stay.CheckIn.DayNumber - Start.DayNumber;
        var count = stay.Nights;
        if (first < 0 || count <= 0 || first + count > _nights.Length)
        {
            return new StayQuote(0, 0);
        }

        var available = int.MaxValue;
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            ref readonly var night = ref _nights[first + i];
            if (!night.Exists)
            {
                return new StayQuote(0, 0);
            }

            var free = night.Free;
            if (!holds.IsEmpty)
            {
                // Never more than the night holds: another process may have expired, confirmed or released
                // a hold this one still tracks, and the night's Held already shows it.
                free += Math.Min(night.Held, TrackedHold.RoomsPastExpiry(holds, stay.CheckIn.AddDays(i), utcNow));
            }

            available = Math.Min(available, Math.Max(0, free));
            total += night.RateMinor;
        }

        return new StayQuote(available, total);
    }

    /// <summary>A copy with <paramref name="states"/> applied where they are newer; null when none is.</summary>
    public RoomTypeNights? With(IReadOnlyList<NightState> states)
    {
        var start = _nights.Length == 0 ? states[0].Date : Start;
        var end = Start.AddDays(_nights.Length);
        foreach (var state in states)
        {
            start = state.Date < start ? state.Date : start;
            end = state.Date >= end ? state.Date.AddDays(1) : end;
        }

        Night[]? copy = null;
        foreach (var state in states)
        {
            var current = this[state.Date];
            if (current.Exists && current.Version >= state.Version)
            {
                continue;
            }

            if (copy is null)
            {
                copy = new Night[end.DayNumber - start.DayNumber];
                if (_nights.Length > 0)
                {
                    Array.Copy(_nights, 0, copy, Start.DayNumber - start.DayNumber, _nights.Length);
                }
            }

            copy[state.Date.DayNumber - start.DayNumber] = new Night(true, state.Total, state.Sold, state.Held, state.RateMinor, state.Version);
        }

        return copy is null ? null : new RoomTypeNights(start, copy);
    }
}

/// <summary>An active hold this process knows of: once past its expiry its rooms count as free, before any sweep.</summary>
public readonly record struct TrackedHold(string HoldId, DateOnly CheckIn, DateOnly CheckOut, int Rooms, DateTime ExpiresAt)
{
    public static int RoomsPastExpiry(ReadOnlySpan<TrackedHold> holds, DateOnly night, DateTime utcNow)
    {
        var rooms = 0;
        foreach (var hold in holds)
        {
            if (utcNow >= hold.ExpiresAt && hold.CheckIn <= night && night < hold.CheckOut)
            {
                rooms += hold.Rooms;
            }
        }

        return rooms;
    }
}
