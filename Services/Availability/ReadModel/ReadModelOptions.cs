using System.ComponentModel.DataAnnotations;

namespace HotelBooking.Availability.ReadModel;

public sealed class ReadModelOptions
{
    public const string Section = "ReadModel";

    /// <summary>
    /// The safety net: the change log is read at least this often even with no notification (a notification
    /// lost with a connection, or SQLite, which has none). Also how long a LISTEN connection waits between checks.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a missing change-log id is waited for: it is a transaction still committing, or one that
    /// rolled back (its id is never used). Rows after it are applied meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Change-log rows older than this are deleted; a process that read none for this long reloads everything.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);
}
