using System.Buffers.Binary;
using System.Text;
using HotelBooking.Availability.Domain;
using HotelBooking.Availability.Quotes;
using HotelBooking.Availability.ReadModel;

namespace HotelBooking.Availability.Search;

/// <summary>A stay to search a city for, as the caller asked for it (a date is null when it was not a date).</summary>
public readonly record struct SearchCriteria(string City, DateOnly? CheckIn, DateOnly? CheckOut, int Guests, int PageSize, string PageToken);

/// <summary>A hotel's cheapest room type that fits the guests and is free every night of the stay.</summary>
public readonly record struct HotelOffer(Hotel Hotel, RoomType RoomType, int Available, long TotalMinor);

/// <summary>One page of offers, and the token of the next (null on the last page); or why the search cannot run.</summary>
public sealed record SearchResult(IReadOnlyList<HotelOffer> Offers, string? NextPageToken, IReadOnlyList<FieldProblem> Problems);

/// <summary>
/// SearchHotels and ListCities over the <see cref="AvailabilityModel"/>: no database. A city is only a filter,
/// so an unknown one finds nothing. Pages are offsets into the sorted offers, in a token that also carries a
/// hash of the criteria, so a token used with other criteria is refused rather than silently misread.
/// </summary>
public sealed class CitySearch(AvailabilityModel model, StayQuoter quoter, TimeProvider time)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public IReadOnlyList<CityCount> Cities() => model.Cities;

    public SearchResult Search(SearchCriteria criteria)
    {
        var problems = quoter.Problems(criteria.CheckIn, criteria.CheckOut, criteria.Guests);
        if (problems.Count > 0)
        {
            return new([], null, problems);
        }

        var stay = new Stay(criteria.CheckIn!.Value, criteria.CheckOut!.Value);
        var fingerprint = Fingerprint(criteria.City, stay, criteria.Guests);
        var offset = 0;
        if (criteria.PageToken.Length > 0 && !TryReadToken(criteria.PageToken, fingerprint, out offset))
        {
            return new([], null, [new("page_token", "The page token is not one this search gave, or belongs to other criteria.")]);
        }

        if (criteria.PageSize < 0)
        {
            return new([], null, [new("page_size", "The page size cannot be negative.")]);
        }

        var offers = Offers(criteria.City, stay, criteria.Guests);
        var size = criteria.PageSize == 0 ? DefaultPageSize : Math.Min(criteria.PageSize, MaxPageSize);
        var page = offers.Skip(offset).Take(size).ToList();
        var next = offset + page.Count < offers.Count ? Token(offset + page.Count, fingerprint) : null;
        return new(page, next, []);
    }

    /// <summary>Each hotel of the city with something free, by the stay's total price, then hotel id.</summary>
    private List<HotelOffer> Offers(string city, Stay stay, int guests)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var hotels = model.HotelsIn(city);
        var offers = new List<HotelOffer>(hotels.Count);
        foreach (var hotel in hotels)
        {
            HotelOffer? best = null;
            foreach (var roomType in hotel.RoomTypes)
            {
                if (roomType.Capacity < guests || model.FindRoomType(roomType.Id) is not { } slot)
                {
                    continue;
                }

                var quote = slot.Quote(stay, now);
                if (quote.Available > 0 && (best is null || quote.TotalMinor < best.Value.TotalMinor))
                {
                    best = new HotelOffer(hotel, roomType, quote.Available, quote.TotalMinor);
                }
            }

            if (best is { } offer)
            {
                offers.Add(offer);
            }
        }

        offers.Sort(static (a, b) => a.TotalMinor != b.TotalMinor
            ? a.TotalMinor.CompareTo(b.TotalMinor)
            : string.CompareOrdinal(a.Hotel.Id, b.Hotel.Id));
        return offers;
    }

    // FNV-1a: stable across processes and restarts (string.GetHashCode is not), so any instance reads any token.
    private static ulong Fingerprint(string city, Stay stay, int guests)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes($"{city.Trim().ToUpperInvariant()}|{stay.CheckIn:O}|{stay.CheckOut:O}|{guests}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static string Token(int offset, ulong fingerprint)
    {
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, offset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[4..], fingerprint);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static bool TryReadToken(string token, ulong fingerprint, out int offset)
    {
        offset = 0;
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        Span<byte> bytes = stackalloc byte[16];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 12)
        {
            return false;
        }

        offset = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        return offset > 0 && BinaryPrimitives.ReadUInt64LittleEndian(bytes[4..]) == fingerprint;
    }
}
