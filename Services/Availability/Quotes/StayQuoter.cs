using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Holds;
using HotelBooking.Contracts;
using HotelBooking.Contracts.Common.V1;
using HotelBooking.Services.Shared.Grpc;
using Microsoft.EntityFrameworkCore;
using Proto = HotelBooking.Contracts.Availability.V1;

namespace HotelBooking.Availability.Quotes;

/// <summary>What a hotel offers for a stay: shared by GetAvailability and the streams that re-quote on change.</summary>
public sealed class StayQuoter(AvailabilityDbContext db, HoldLedger holds, TimeProvider time)
{
    private const int MaxGuests = 20;

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>The stay, or INVALID_ARGUMENT naming every bad field.</summary>
    public Stay Validate(Google.Type.Date? checkIn, Google.Type.Date? checkOut, int guests)
    {
        var errors = new FieldErrors();
        foreach (var (field, message) in Stay.Problems(checkIn.ToDateOnly(), checkOut.ToDateOnly(), Today))
        {
            errors.Add(field, message);
        }

        if (guests is < 1 or > MaxGuests)
        {
            errors.Add("guests", $"Guests must be between 1 and {MaxGuests}.");
        }

        errors.ThrowIfAny();
        return new Stay(checkIn.ToDateOnly()!.Value, checkOut.ToDateOnly()!.Value);
    }

    public async Task<Hotel> FindHotelAsync(string hotelId, CancellationToken cancellationToken)
    {
        var hotel = await db.Hotels.AsNoTracking().Include(h => h.RoomTypes)
            .FirstOrDefaultAsync(h => h.Id == hotelId, cancellationToken);
        if (hotel is null)
        {
            RpcErrors.NotFound($"Hotel '{hotelId}' was not found.");
        }

        return hotel;
    }

    /// <summary>Room types that fit the guests, each with the rooms free on every night and the stay's price.</summary>
    public async Task<Proto.StayAvailability> QuoteAsync(Hotel hotel, Stay stay, int guests, CancellationToken cancellationToken)
    {
        var fitting = hotel.RoomTypes.Where(r => r.Capacity >= guests).OrderBy(r => r.NightlyRateMinor).ToList();
        var fittingIds = fitting.Select(r => r.Id).ToList();

        var nights = await db.Inventory.AsNoTracking()
            .Where(n => fittingIds.Contains(n.RoomTypeId) && n.Date >= stay.CheckIn && n.Date < stay.CheckOut)
            .ToListAsync(cancellationToken);
        var released = await holds.ExpiredUnsweptAsync(hotel.Id, stay, cancellationToken);
        var nightsByRoomType = nights.ToLookup(n => n.RoomTypeId);

        var quote = new Proto.StayAvailability
        {
            HotelId = hotel.Id,
            CheckIn = stay.CheckIn.ToProtoDate(),
            CheckOut = stay.CheckOut.ToProtoDate(),
            Guests = guests,
        };
        foreach (var roomType in fitting)
        {
            var offer = StayQuote.For(stay, nightsByRoomType[roomType.Id].ToList(), rooms: 1, released.GetValueOrDefault(roomType.Id));
            quote.Rooms.Add(new Proto.RoomAvailability
            {
                RoomTypeId = roomType.Id,
                Name = roomType.Name,
                Capacity = roomType.Capacity,
                Available = offer.Available,
                TotalPrice = Money.FromMinor(offer.TotalMinor, hotel.Currency),
            });
        }

        return quote;
    }
}
