using System.Globalization;
using HotelBooking.Contracts;

namespace HotelBooking.Gateway.Apis;

/// <summary>
/// Turns the strings a REST caller sends into typed values, collecting a field error for each one that
/// does not parse. Whether a well-formed value is acceptable (a past date, too many guests) is the
/// owning service's rule, and its answer comes back as field errors too.
/// </summary>
public sealed class RequestParsing
{
    private readonly Dictionary<string, string[]> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public IDictionary<string, string[]> Errors => _errors;

    public DateOnly Date(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Fail<DateOnly>(field, $"'{field}' is required, as YYYY-MM-DD.");
        }

        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : Fail<DateOnly>(field, $"'{field}' must be a date as YYYY-MM-DD.");
    }

    /// <summary>The availability query's three parameters (<c>checkIn</c>, <c>checkOut</c>, <c>guests</c>), as the services take them.</summary>
    public (Google.Type.Date CheckIn, Google.Type.Date CheckOut, int Guests) StayQuery(string? checkIn, string? checkOut, string? guests) =>
        (Date("checkIn", checkIn).ToProtoDate(), Date("checkOut", checkOut).ToProtoDate(), Integer("guests", guests));

    public int Integer(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Fail<int>(field, $"'{field}' is required.");
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : Fail<int>(field, $"'{field}' must be a whole number.");
    }

    public T Required<T>(string field, T? value) where T : struct =>
        value ?? Fail<T>(field, $"'{field}' is required.");

    /// <summary>The value, or "" (never null: proto strings refuse null) with a field error.</summary>
    public string Required(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? Fail<string?>(field, $"'{field}' is required.") ?? "" : value;

    private T Fail<T>(string field, string message)
    {
        _errors[field] = [message];
        return default!;
    }
}
