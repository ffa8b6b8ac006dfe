using HotelBooking.Availability.Domain;
using HotelBooking.Availability.ReadModel;

namespace HotelBooking.Availability.Quotes;

/// <summary>
/// What a hotel offers for a stay: shared by GetAvailability, SearchHotels and the streams that re-quote on
/// change. It reads the <see cref="AvailabilityModel"/> only, never the database, so a quote costs no I/O;
/// the async methods stay for callers that compose with them.
/// </summary>
public sealed class StayQuoter(AvailabilityModel model, TimeProvider time)
{
    private const int MaxGuests = 20;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Every reason the stay and guests cannot be quoted, field by field; empty when they can.</summary>
    public IReadOnlyList<FieldProblem> Problems(DateOnly? checkIn, DateOnly? checkOut, int guests)
    {
        var today = Today;
        if (checkIn is { } from && checkOut is { } to && from >= today && to > from && to.DayNumber - from.DayNumber <= Stay.MaxNights
            && guests is >= 1 and <= MaxGuests)
        {
            return []; // the common case, without building the list
        }

        var problems = Stay.Problems(checkIn, checkOut, today).Select(p => new FieldProblem(p.Field, p.Message)).ToList();
        if (guests is < 1 or > MaxGuests)
        {
            problems.Add(new("guests", $"Guests must be between 1 and {MaxGuests}."));
        }

        return problems;
    }

    /// <summary>The hotel with its room types, cheapest first, or null when there is no such hotel.</summary>
    public Hotel? FindHotel(string hotelId) => model.FindHotel(hotelId);

    /// <summary>What can be quoted for the criteria: their fields are checked first, then the hotel is looked up.</summary>
    public CriteriaResult Check(QuoteCriteria criteria)
    {
        var problems = Problems(criteria.CheckIn, criteria.CheckOut, criteria.Guests);
        if (problems.Count > 0)
        {
            return CriteriaResult.Invalid(criteria, problems);
        }

        var hotel = FindHotel(criteria.HotelId);
        return hotel is null
            ? CriteriaResult.HotelNotFound(criteria)
            : CriteriaResult.Quotable(criteria, new QuoteTarget(hotel, new Stay(criteria.CheckIn!.Value, criteria.CheckOut!.Value), criteria.Guests));
    }

    /// <summary>Room types that fit the guests, cheapest first, each with the rooms free on every night and the stay's price.</summary>
    public StayAvailability Quote(QuoteTarget target)
    {
        var (hotel, stay, guests) = target;
        var now = time.GetUtcNow().UtcDateTime;
        var rooms = new List<RoomAvailability>(hotel.RoomTypes.Count);
        foreach (var roomType in hotel.RoomTypes) // cheapest first (the model sorts them)
        {
            if (roomType.Capacity < guests || model.FindRoomType(roomType.Id) is not { } slot)
            {
                continue;
            }

            var offer = slot.Quote(stay, now);
            rooms.Add(new RoomAvailability(roomType.Id, roomType.Name, roomType.Capacity, offer.Available, offer.TotalMinor));
        }

        return new StayAvailability(hotel.Id, stay, guests, hotel.Currency, rooms);
    }
}
