using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Availability.Data;

/// <summary>
/// How much of the generated catalogue a fresh database gets (docs/operations.md). The defaults are the
/// whole catalogue; test fixtures that start many fresh databases ask for less.
/// </summary>
public sealed class CatalogueOptions
{
    public const string Section = "Catalogue";

    /// <summary>Hotels in all, the three hand-made ones included; a smaller catalogue is the first hotels of the full one.</summary>
    [Range(CatalogueGenerator.HandMadeHotels, CatalogueGenerator.MaxHotels)]
    public int Hotels { get; set; } = CatalogueGenerator.MaxHotels;

    /// <summary>Nights of inventory ahead of today, topped up at every start.</summary>
    [Range(1, 730)]
    public int Days { get; set; } = 365;
}
