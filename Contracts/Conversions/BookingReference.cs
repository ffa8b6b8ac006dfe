using System.Security.Cryptography;
using System.Text;

namespace HotelBooking.Contracts;

/// <summary>
/// How logs and traces name a booking: the id itself is the guest's capability to read and cancel it, so it
/// stays out of telemetry. A reference is a truncated SHA-256 of the id; the id has 128 random bits, so the
/// reference cannot be turned back into it, while an operator who is given an id can compute its reference
/// and find its records.
/// </summary>
public static class BookingReference
{
    public static string For(string bookingId) =>
        "bkref_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bookingId)).AsSpan(0, 8));
}
