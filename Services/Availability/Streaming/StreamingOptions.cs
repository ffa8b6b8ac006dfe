using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Availability.Streaming;

public sealed class StreamingOptions
{
    public const string Section = "Streaming";

    /// <summary>Streams re-check on this timer too, catching changes made by other instances.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Inventory updates applied per transaction during an import.</summary>
    [Range(1, 10_000)]
    public int ImportBatchSize { get; set; } = 500;
}
