using System.Net.Http.Json;
using System.Text.Json;

namespace HotelBooking.EndToEnd.Infrastructure;

/// <summary>Seeded ids, and stays that no two tests share, so no test depends on another's bookings.</summary>
public static class TestData
{
    public const string LisbonCity = "Lisbon";
    public const string Lisbon = "alfama-riverside";
    public const string LisbonDouble = "alfama-riverside-double";
    public const string Berlin = "spree-loft";
    public const string BerlinPenthouse = "spree-loft-penthouse"; // 3 rooms, sleeps 4

    private static int _nextOffset = 20;

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A stay starting on a day no other test in this run uses.</summary>
    public static (string CheckIn, string CheckOut) UniqueStay(int nights = 2)
    {
        var start = Interlocked.Add(ref _nextOffset, nights + 1) - nights;
        return (Iso(Today.AddDays(start)), Iso(Today.AddDays(start + nights)));
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd");

    public static object BookingBody(string checkIn, string checkOut, string token = "tok_visa",
        string hotelId = Lisbon, string roomTypeId = LisbonDouble, int guests = 2,
        string name = "Ana Lima", string email = "ana@example.com") => new
        {
            hotelId,
            roomTypeId,
            checkIn,
            checkOut,
            guests,
            guest = new { name, email },
            paymentToken = token,
        };

    /// <summary>POST /api/bookings, with an Idempotency-Key when one is given.</summary>
    public static Task<HttpResponseMessage> PostBookingAsync(this HttpClient api, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return api.SendAsync(request);
    }

    public static async Task<int> AvailableAsync(HttpClient api, string checkIn, string checkOut,
        string hotelId = Lisbon, string roomTypeId = LisbonDouble, int guests = 1)
    {
        var response = await api.GetFromJsonAsync<JsonElement>(
            $"/api/hotels/{hotelId}/availability?checkIn={checkIn}&checkOut={checkOut}&guests={guests}");
        return response.GetProperty("rooms").EnumerateArray()
            .Single(r => r.GetProperty("roomTypeId").GetString() == roomTypeId)
            .GetProperty("available").GetInt32();
    }
}
