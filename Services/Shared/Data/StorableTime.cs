namespace HotelBooking.Services.Shared.Data;

public static class StorableTime
{
    /// <summary>
    /// UTC now, cut to the microsecond: the precision PostgreSQL keeps. A time read back from any of the
    /// databases then equals the time written, so an idempotent replay answers exactly what the first call did.
    /// </summary>
    public static DateTime GetStorableUtcNow(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
