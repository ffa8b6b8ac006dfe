namespace HotelBooking.Availability.Domain;

/// <summary>The nights from check-in up to, not including, check-out.</summary>
public readonly record struct Stay(DateOnly CheckIn, DateOnly CheckOut)
{
    public const int MaxNights = 30;

    public int Nights => CheckOut.DayNumber - CheckIn.DayNumber;

    public IEnumerable<DateOnly> EachNight()
    {
        for (var night = CheckIn; night < CheckOut; night = night.AddDays(1))
        {
            yield return night;
        }
    }

    /// <summary>Why a stay cannot be booked, as (field, message) pairs; empty when it can.</summary>
    public static IEnumerable<(string Field, string Message)> Problems(DateOnly? checkIn, DateOnly? checkOut, DateOnly today)
    {
        if (checkIn is null)
        {
            yield return ("check_in", "Check-in must be a valid date.");
        }
        else if (checkIn < today)
        {
            yield return ("check_in", "Check-in cannot be in the past.");
        }

        if (checkOut is null)
        {
            yield return ("check_out", "Check-out must be a valid date.");
        }
        else if (checkIn is not null && checkOut <= checkIn)
        {
            yield return ("check_out", "Check-out must be after check-in.");
        }
        else if (checkIn is not null && checkOut.Value.DayNumber - checkIn.Value.DayNumber > MaxNights)
        {
            yield return ("check_out", $"A stay can be at most {MaxNights} nights.");
        }
    }
}
