namespace HotelBooking.Services.IntegrationTests.Infrastructure;

/// <summary>
/// Most availability tests start a fresh database per test and use only the three hand-made hotels, so they
/// seed those alone; CatalogueSeedTests and DatabaseMigrationTests seed the full default catalogue.
/// </summary>
internal static class TestCatalogue
{
    public const string HotelsSetting = "Catalogue:Hotels";
    public const string HandMadeOnly = "3";

    /// <summary><paramref name="settings"/> with the hand-made hotels only.</summary>
    public static Dictionary<string, string?> HandMade(Dictionary<string, string?>? settings = null) =>
        new(settings ?? []) { [HotelsSetting] = HandMadeOnly };
}
