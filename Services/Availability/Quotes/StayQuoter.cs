using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Holds;
using Microsoft.EntityFrameworkCore;

namespace HotelBooking.Availability.Quotes;

/// <summary>What a hotel offers for a stay: shared by GetAvailability and the streams that re-quote on change.</summary>
public sealed class StayQuoter(AvailabilityDbContext db, HoldLedger holds, TimeProvider time)
{
    private const int MaxGuests = 20;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Every reason the stay and guests cannot be quoted, field by field; empty when they can.</summary>
    public IReadOnlyList<FieldProblem> Problems(DateOnly? checkIn, DateOnly? checkOut, int guests)
    {
        var problems = Stay.Problems(checkIn, checkOut, Today).Select(p => new FieldProblem(p.Field, p.Message)).ToList();
        if (guests is < 1 or > MaxGuests)
        {
            problems.Add(new("guests", $"Guests must be between 1 and {MaxGuests}."));
        }

        return problems;
    }

    /// <summary>The hotel with its room types, or null when there is no such hotel.</summary>
    public Task<Hotel?> FindHotelAsync(string hotelId, CancellationToken cancellationToken) =>
        db.Hotels.AsNoTracking().Include(h => h.RoomTypes).FirstOrDefaultAsync(h => h.Id == hotelId, cancellationToken);

    /// <summary>What can be quoted for the criteria: their fields are checked first, then the hotel is looked up.</summary>
    public async Task<CriteriaResult> CheckAsync(QuoteCriteria criteria, CancellationToken cancellationToken)
    {
        var problems = Problems(criteria.CheckIn, criteria.CheckOut, criteria.Guests);
        if (problems.Count > 0)
        {
            return CriteriaResult.Invalid(criteria, problems);
        }

        var hotel = await FindHotelAsync(criteria.HotelId, cancellationToken);
        return hotel is null
            ? CriteriaResult.HotelNotFound(criteria)
            : CriteriaResult.Quotable(criteria, new QuoteTarget(hotel, new Stay(criteria.CheckIn!.Value, criteria.CheckOut!.Value), criteria.Guests));
    }

    /// <summary>Room types that fit the guests, each with the rooms free on every night and the stay's price.</summary>
    public async Task<StayAvailability> QuoteAsync(QuoteTarget target, CancellationToken cancellationToken)
    {
        var (hotel, stay, guests) = target;
        var fitting = hotel.RoomTypes.Where(r => r.Capacity >= guests).OrderBy(r => r.NightlyRateMinor).ToList();
        var fittingIds = fitting.Select(r => r.Id).ToList();

        var nights = await db.Inventory.AsNoTracking()
            .Where(n => fittingIds.Contains(n.RoomTypeId) && n.Date >= stay.CheckIn && n.Date < stay.CheckOut)
            .ToListAsync(cancellationToken);
        var released = await holds.ExpiredUnsweptAsync(hotel.Id, stay, cancellationToken);
        var nightsByRoomType = nights.ToLookup(n => n.RoomTypeId);

        var rooms = fitting.Select(roomType =>
        {
            var offer = StayQuote.For(stay, nightsByRoomType[roomType.Id].ToList(), rooms: 1, released.GetValueOrDefault(roomType.Id));
            return new RoomAvailability(roomType.Id, roomType.Name, roomType.Capacity, offer.Available, offer.TotalMinor);
        }).ToList();
        return new StayAvailability(hotel.Id, stay, guests, hotel.Currency, rooms);
    }
}
