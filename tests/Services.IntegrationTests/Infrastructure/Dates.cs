using HotelBooking.Contracts;

namespace HotelBooking.Services.IntegrationTests.Infrastructure;

internal static class Dates
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static Google.Type.Date DaysFromToday(int days) => Today.AddDays(days).ToProtoDate();
}
