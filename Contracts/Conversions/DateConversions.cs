using Google.Type;

namespace HotelBooking.Contracts;

/// <summary>google.type.Date lives in Google's assembly, so its conversions are extensions rather than a partial class.</summary>
public static class DateConversions
{
    public static Date ToProtoDate(this DateOnly date) =>
        new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>Null for a missing or impossible date (month 13, 30 February), so callers report a field error.</summary>
    public static DateOnly? ToDateOnly(this Date? date)
    {
        if (date is null || date.Year is < 1 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1
            || date.Day > System.DateTime.DaysInMonth(date.Year, date.Month))
        {
            return null;
        }

        return new DateOnly(date.Year, date.Month, date.Day);
    }
}
