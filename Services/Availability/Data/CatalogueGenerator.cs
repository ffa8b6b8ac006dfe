using System.Globalization;
using System.Text;
using HotelBooking.Availability.Domain;

namespace HotelBooking.Availability.Data;

/// <summary>
/// The seeded catalogue: the three hand-made hotels that tests and the bench name, and generated hotels
/// around them up to 200 in 20 cities. Deterministic: every value comes from a <see cref="Random"/> seeded
/// with a stable hash of a city or hotel id (never the clock, never string.GetHashCode, which differs per
/// process), so every machine and every start makes the same ids, rooms and rates. Hotels come round by
/// round (each city's first hotel, then each city's second…), so a smaller catalogue is the first hotels
/// of the full one and still spreads over the cities.
/// </summary>
public static class CatalogueGenerator
{
    public const int HandMadeHotels = 3;
    public const int MaxHotels = 200;

    /// <summary>Hotels in the full catalogue per city, hand-made ones included: a few big cities, a long tail.</summary>
    private static readonly City[] Cities =
    [
        new("Paris", "EUR", 190, 20, ["Montmartre", "Le Marais", "Saint-Germain", "Opéra", "Bastille", "Montparnasse", "Latin Quarter", "Trocadéro"]),
        new("London", "GBP", 170, 19, ["Covent Garden", "Kensington", "Shoreditch", "Bloomsbury", "Mayfair", "Southbank", "Notting Hill", "Marylebone"]),
        new("Rome", "EUR", 160, 16, ["Trastevere", "Monti", "Piazza Navona", "Spanish Steps", "Testaccio", "Prati", "Colosseo", "Aventino"]),
        new("Barcelona", "EUR", 150, 14, ["Gothic Quarter", "El Born", "Eixample", "Gràcia", "Barceloneta", "Raval", "Poblenou", "Sant Antoni"]),
        new("Amsterdam", "EUR", 180, 12, ["Jordaan", "De Pijp", "Canal Ring", "Museum Quarter", "Oost", "Dam Square", "Plantage", "Westerpark"]),
        new("Berlin", "EUR", 120, 12, ["Mitte", "Kreuzberg", "Prenzlauer Berg", "Charlottenburg", "Friedrichshain", "Tiergarten", "Schöneberg", "Neukölln"]),
        new("Lisbon", "EUR", 110, 11, ["Baixa", "Chiado", "Bairro Alto", "Belém", "Príncipe Real", "Graça", "Cais do Sodré", "Avenida"]),
        new("Prague", "CZK", 3200, 10, ["Staré Město", "Malá Strana", "Vinohrady", "Žižkov", "Karlín", "Nové Město", "Hradčany", "Holešovice"]),
        new("Vienna", "EUR", 140, 10, ["Innere Stadt", "Leopoldstadt", "Neubau", "Wieden", "Josefstadt", "Mariahilf", "Belvedere", "Schönbrunn"]),
        new("Madrid", "EUR", 130, 10, ["Sol", "Malasaña", "Chueca", "Salamanca", "La Latina", "Lavapiés", "Retiro", "Gran Vía"]),
        new("New York", "USD", 260, 9, ["Midtown", "SoHo", "Tribeca", "Flatiron", "Upper West Side", "Williamsburg", "Greenwich Village", "Gramercy"]),
        new("Copenhagen", "DKK", 1300, 8, ["Nyhavn", "Vesterbro", "Nørrebro", "Østerbro", "Christianshavn", "Indre By", "Frederiksberg", "Tivoli"]),
        new("Stockholm", "SEK", 1600, 8, ["Gamla Stan", "Södermalm", "Östermalm", "Norrmalm", "Vasastan", "Kungsholmen", "Djurgården", "Skeppsholmen"]),
        new("Zurich", "CHF", 230, 7, ["Altstadt", "Seefeld", "Enge", "Niederdorf", "Zürichberg", "Oerlikon", "Wiedikon", "Bahnhofstrasse"]),
        new("Edinburgh", "GBP", 130, 7, ["Old Town", "New Town", "Leith", "Stockbridge", "Bruntsfield", "Haymarket", "Royal Mile", "Dean Village"]),
        new("Dublin", "EUR", 170, 6, ["Temple Bar", "Ballsbridge", "Smithfield", "Portobello", "Docklands", "Merrion Square", "Rathmines", "Grand Canal"]),
        new("Warsaw", "PLN", 450, 6, ["Stare Miasto", "Śródmieście", "Praga", "Mokotów", "Powiśle", "Żoliborz", "Wola", "Nowy Świat"]),
        new("Budapest", "HUF", 45000, 5, ["Buda Castle", "Belváros", "Jewish Quarter", "Andrássy", "Óbuda", "Margaret Island", "Gellért Hill", "Lipótváros"]),
        new("Oslo", "NOK", 1500, 5, ["Aker Brygge", "Grünerløkka", "Frogner", "Majorstuen", "Bjørvika", "Sentrum", "Holmenkollen", "Tjuvholmen"]),
        new("Toronto", "CAD", 220, 5, ["Yorkville", "Distillery District", "King West", "Harbourfront", "Kensington Market", "Liberty Village", "The Annex", "Queen West"]),
    ];

    /// <summary>Kinds of name, with the price tiers each suggests (an inn is cheap, a palace is not).</summary>
    private static readonly NamePattern[] NamePatterns =
    [
        new("{0} Palace", [1.3m, 1.8m]),
        new("{0} Grand Hotel", [1.3m, 1.8m]),
        new("{0} Boutique Hotel", [1m, 1.3m]),
        new("{0} Suites", [1m, 1.3m]),
        new("The {0} House", [0.85m, 1m, 1.3m]),
        new("{0} Garden Hotel", [0.85m, 1m]),
        new("Hotel {0}", [0.65m, 0.85m, 1m]),
        new("{0} Inn", [0.65m, 0.85m]),
    ];

    /// <summary>Room types a generated hotel may have besides its double room, with their price against the double.</summary>
    private static readonly RoomKind[] OtherRoomKinds =
    [
        new("single", "Single Room", 1, 0.75m),
        new("twin", "Twin Room", 2, 0.95m),
        new("deluxe", "Deluxe Double Room", 2, 1.35m),
        new("triple", "Triple Room", 3, 1.4m),
        new("junior-suite", "Junior Suite", 3, 1.8m),
        new("family", "Family Room", 4, 1.9m),
        new("suite", "Suite", 4, 2.6m),
    ];

    private static readonly RoomKind Double = new("double", "Double Room", 2, 1m);

    /// <summary>A hotel's rooms per type against the hand-made hotels' (<see cref="RoomsOf"/>): small ones and big ones.</summary>
    private static readonly decimal[] SizeScales = [0.5m, 0.75m, 1m, 1.5m, 2m];

    private static readonly string[] HandMadeIds = ["alfama-riverside", "spree-loft", "harbour-view"];

    /// <summary>The cities with their hotel counts in the full catalogue.</summary>
    public static IReadOnlyList<(string Name, int Hotels)> CitySizes => [.. Cities.Select(c => (c.Name, c.Hotels))];

    /// <summary>The first <paramref name="hotels"/> hotels of the catalogue (new instances every call: EF tracks them).</summary>
    public static List<Hotel> Generate(int hotels = MaxHotels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hotels, HandMadeHotels);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hotels, MaxHotels);

        var catalogue = HandMade();
        var generated = Cities.Select(city => GeneratedHotels(city).GetEnumerator()).ToList();
        while (catalogue.Count < hotels)
        {
            foreach (var city in generated)
            {
                if (catalogue.Count < hotels && city.MoveNext())
                {
                    catalogue.Add(city.Current);
                }
            }
        }

        return catalogue;
    }

    /// <summary>
    /// Rooms of a type each night. It follows from the room type alone (its capacity, and its hotel's size
    /// from a hash of the hotel id), so topping inventory up needs nothing stored.
    /// </summary>
    public static int RoomsPerNight(RoomType roomType)
    {
        var rooms = RoomsOf(roomType.Capacity);
        if (HandMadeIds.Contains(roomType.HotelId))
        {
            return rooms;
        }

        var scale = SizeScales[StableHash(roomType.HotelId) % (uint)SizeScales.Length];
        return Math.Max(1, (int)Math.Round(rooms * scale));
    }

    /// <summary>Rooms of each type per night in the hand-made hotels: fewer of the bigger ones.</summary>
    private static int RoomsOf(int capacity) => capacity switch
    {
        1 => 8,
        2 => 12,
        3 => 5,
        _ => 3,
    };

    // The hotels tests and the bench name; unchanged since the first seed.
    private static List<Hotel> HandMade() =>
    [
        NewHotel("alfama-riverside", "Alfama Riverside", "Lisbon", "EUR",
            ("single", "Single Room", 1, 80_00),
            ("double", "Double Room", 2, 120_00),
            ("family", "Family Suite", 4, 240_00)),
        NewHotel("spree-loft", "Spree Loft Hotel", "Berlin", "EUR",
            ("single", "Single Room", 1, 90_00),
            ("double", "Double Room", 2, 140_00),
            ("loft", "Loft Suite", 3, 260_00),
            ("penthouse", "Penthouse", 4, 480_00)),
        NewHotel("harbour-view", "Harbour View Inn", "Edinburgh", "GBP",
            ("double", "Double Room", 2, 110_00),
            ("twin", "Twin Room", 2, 105_00)),
    ];

    private static IEnumerable<Hotel> GeneratedHotels(City city)
    {
        // Each district once before any twice, each with a different kind of name.
        var random = new Random((int)StableHash(city.Name));
        var districts = city.Districts.ToArray();
        var patterns = NamePatterns.ToArray();
        random.Shuffle(districts);
        random.Shuffle(patterns);

        var handMade = HandMade().Count(h => h.City == city.Name);
        for (var k = 0; k < city.Hotels - handMade; k++)
        {
            var pattern = patterns[(k + k / districts.Length) % patterns.Length];
            yield return GeneratedHotel(city, string.Format(CultureInfo.InvariantCulture, pattern.Format, districts[k % districts.Length]), pattern.PriceTiers);
        }
    }

    /// <param name="priceTiers">The price of the hotel's double against the city's usual one: one of these.</param>
    private static Hotel GeneratedHotel(City city, string name, decimal[] priceTiers)
    {
        var id = Slug(name);
        var random = new Random((int)StableHash(id));
        var tier = priceTiers[random.Next(priceTiers.Length)];
        var others = OtherRoomKinds.ToArray();
        random.Shuffle(others);
        var kinds = others.Take(random.Next(1, 5)).Append(Double)
            .OrderBy(k => k.Capacity).ThenBy(k => k.PriceFactor);

        return NewHotel(id, name, city.Name, city.Currency,
            [.. kinds.Select(k => (k.Suffix, k.Name, k.Capacity, RateMinor(city.UsualRate * tier * k.PriceFactor)))]);
    }

    /// <summary>A rate rounded as hotels price: to 5 of a currency whose double costs a hundred or so, to 50 where it costs thousands.</summary>
    private static long RateMinor(decimal rate)
    {
        var step = Math.Max(1, (long)Math.Pow(10, Math.Floor(Math.Log10((double)rate)) - 1) / 2);
        return (long)Math.Max(step, Math.Round(rate / step) * step) * 100; // every currency here has cents
    }

    private static Hotel NewHotel(string id, string name, string city, string currency,
        params (string Suffix, string Name, int Capacity, long RateMinor)[] roomTypes) => new()
        {
            Id = id,
            Name = name,
            City = city,
            Currency = currency,
            RoomTypes = roomTypes
                .Select(r => new RoomType { Id = $"{id}-{r.Suffix}", HotelId = id, Name = r.Name, Capacity = r.Capacity, NightlyRateMinor = r.RateMinor })
                .ToList(),
        };

    /// <summary>"Saint-Germain Palace" → "saint-germain-palace", "Grünerløkka Inn" → "grunerlokka-inn".</summary>
    private static string Slug(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.Replace("ø", "o").Replace("Ø", "O").Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().TrimEnd('-');
    }

    /// <summary>FNV-1a: the same on every machine and in every process.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }

    private sealed record City(string Name, string Currency, decimal UsualRate, int Hotels, string[] Districts);

    private sealed record NamePattern(string Format, decimal[] PriceTiers);

    private sealed record RoomKind(string Suffix, string Name, int Capacity, decimal PriceFactor);
}
