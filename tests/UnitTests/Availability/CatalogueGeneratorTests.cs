using HotelBooking.Availability.Data;
using HotelBooking.Availability.Domain;

namespace HotelBooking.UnitTests.Availability;

public class CatalogueGeneratorTests
{
    private static readonly List<Hotel> Full = CatalogueGenerator.Generate();

    [Fact]
    public void Generate_Twice_SameHotelsRoomsAndRates()
    {
        Assert.Equal(Describe(Full), Describe(CatalogueGenerator.Generate()));
    }

    [Fact]
    public void Generate_AnyProcess_TheSameIdsAsEveryMachine()
    {
        // Pinned: a seed that differed per process or per runtime (string.GetHashCode, the clock, a GUID)
        // would give each machine different ids, and ids already stored or written in tests would vanish.
        Assert.Equal(["bastille-garden-hotel", "mayfair-inn", "nove-mesto-garden-hotel"],
            Full.Where(h => h.City is "Paris" or "London" or "Prague").Take(3).Select(h => h.Id));
    }

    [Fact]
    public void Generate_Default_200HotelsIn20CitiesWithTheSizesOfTheCityTable()
    {
        Assert.Equal(200, Full.Count);
        var cities = Full.GroupBy(h => h.City).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(20, cities.Count);
        Assert.Equal(CatalogueGenerator.CitySizes.ToDictionary(c => c.Name, c => c.Hotels), cities);
        // The bench's "city search (20 hotels)" searches Paris.
        Assert.Equal(20, cities["Paris"]);
        Assert.Equal("Paris", cities.MaxBy(c => c.Value).Key);
        Assert.InRange(cities.Values.Min(), 3, 6);
    }

    [Fact]
    public void Generate_Default_IdsUniqueAndFitTheColumns()
    {
        Assert.Equal(Full.Count, Full.Select(h => h.Id).Distinct().Count());
        Assert.Equal(Full.Count, Full.Select(h => h.Name).Distinct().Count());
        var roomTypes = Full.SelectMany(h => h.RoomTypes).ToList();
        Assert.Equal(roomTypes.Count, roomTypes.Select(r => r.Id).Distinct().Count());
        Assert.All(roomTypes, r => Assert.Matches("^[a-z0-9-]{1,64}$", r.Id));
    }

    [Fact]
    public void Generate_EveryHotel_TwoToFiveRoomTypesForOneToFourGuestsWithPositiveRates()
    {
        Assert.All(Full, hotel =>
        {
            Assert.InRange(hotel.RoomTypes.Count, 2, 5);
            Assert.All(hotel.RoomTypes, r =>
            {
                Assert.InRange(r.Capacity, 1, 4);
                Assert.True(r.NightlyRateMinor > 0);
                Assert.Equal(hotel.Id, r.HotelId);
                Assert.InRange(CatalogueGenerator.RoomsPerNight(r), 1, 24);
            });
        });
        Assert.InRange(Full.Average(h => h.RoomTypes.Count), 3.0, 4.0);
    }

    [Fact]
    public void Generate_Rates_VaryByCityAndRoomTypeInTheCitysCurrency()
    {
        var currencies = Full.GroupBy(h => h.City).ToDictionary(g => g.Key, g => g.Select(h => h.Currency).Distinct().Single());
        Assert.Equal("CZK", currencies["Prague"]);
        Assert.Equal("GBP", currencies["London"]);
        Assert.Equal("USD", currencies["New York"]);

        long MedianDouble(string city) => Full.Where(h => h.City == city)
            .Select(h => h.RoomTypes.Single(r => r.Id == $"{h.Id}-double").NightlyRateMinor).Order().ElementAt(2);
        Assert.True(MedianDouble("Paris") > MedianDouble("Lisbon"));
        Assert.True(MedianDouble("Prague") > 10 * MedianDouble("Paris")); // koruna, not euros

        // Within a hotel, a room that sleeps more costs more than its single room.
        Assert.All(Full.Where(h => h.RoomTypes.Any(r => r.Capacity == 1)), h =>
            Assert.All(h.RoomTypes.Where(r => r.Capacity >= 3), big =>
                Assert.True(big.NightlyRateMinor > h.RoomTypes.Single(r => r.Capacity == 1).NightlyRateMinor)));
    }

    [Fact]
    public void Generate_HandMadeHotels_FirstAndUnchanged()
    {
        var handMade = CatalogueGenerator.Generate(CatalogueGenerator.HandMadeHotels);

        Assert.Equal(["alfama-riverside", "spree-loft", "harbour-view"], handMade.Select(h => h.Id));
        var spree = handMade[1];
        Assert.Equal(("Spree Loft Hotel", "Berlin", "EUR"), (spree.Name, spree.City, spree.Currency));
        Assert.Equal(["spree-loft-single", "spree-loft-double", "spree-loft-loft", "spree-loft-penthouse"], spree.RoomTypes.Select(r => r.Id));
        var penthouse = spree.RoomTypes[3];
        Assert.Equal((4, 480_00L, 3), (penthouse.Capacity, penthouse.NightlyRateMinor, CatalogueGenerator.RoomsPerNight(penthouse)));
        Assert.Equal([12, 12], handMade[2].RoomTypes.Select(CatalogueGenerator.RoomsPerNight));
    }

    [Fact]
    public void Generate_SmallerCatalogue_IsTheFirstHotelsOfTheFullOneSpreadOverCities()
    {
        var small = CatalogueGenerator.Generate(23);

        Assert.Equal(Describe(Full.Take(23)), Describe(small));
        Assert.Equal(20, small.Select(h => h.City).Distinct().Count());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(201)]
    public void Generate_SizeOutsideTheCatalogue_Refused(int hotels)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CatalogueGenerator.Generate(hotels));
    }

    private static List<string> Describe(IEnumerable<Hotel> hotels) => [.. hotels.Select(h =>
        $"{h.Id}|{h.Name}|{h.City}|{h.Currency}|" + string.Join(",", h.RoomTypes.Select(r =>
            $"{r.Id}:{r.Name}:{r.Capacity}:{r.NightlyRateMinor}:{CatalogueGenerator.RoomsPerNight(r)}")))];
}
