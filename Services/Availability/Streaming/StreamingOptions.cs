using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Availability.Streaming;

public sealed class StreamingOptions
{
    public const string Section = "Streaming";

    /// <summary>Streams re-check on this timer too, catching holds that passed their expiry (changes arrive as signals).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The least time between two re-quotes of one stream: a burst of changes inside it costs one re-quote,
    /// so a busy hotel cannot turn every open stream into a query per booking.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RequoteInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Streams this process serves at once; one more is refused with RESOURCE_EXHAUSTED.</summary>
    [Range(1, 1_000_000)]
    public int MaxOpenStreams { get; set; } = 2000;

    /// <summary>Inventory updates applied per transaction during an import.</summary>
    [Range(1, 10_000)]
    public int ImportBatchSize { get; set; } = 500;
}
