using System.Net;
using HotelBooking.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static HotelBooking.EndToEnd.Browser.GuestSteps;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>
/// Pressing "Book and pay" again after the first press timed out, in a real Chromium. The first press is
/// stalled in availability's ConfirmHold (after the charge), so it ends in 503 BOOKING_PENDING or 504 and
/// the booking service's recovery finishes it later. Latency on payment cannot stall it any more: payment
/// refuses a charge that arrives after its deadline.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BookAgainTests(SystemFixture system, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(90);

    [BrowserFact]
    public async Task BookAgain_AfterTheFirstPressTimedOut_SameKeyOneBookingOneCharge()
    {
        var (page, keys, email) = await BookWithTheFirstPressTimingOutAsync();

        await PressUntilBookedAsync(page);

        var bookings = await SettledBookingsAsync(email);
        Assert.Single(bookings);
        Assert.Equal("Confirmed", bookings[0].Status);
        Assert.Equal(1, ChargesFor(bookings[0].Id));
        Assert.Single(keys.Distinct());
        Assert.True(keys.Count >= 2, $"Only {keys.Count} booking request(s) were sent.");
        await Assertions.Expect(page.Locator("#booking-id")).ToHaveTextAsync(bookings[0].Id);
    }

    [BrowserFact]
    public async Task BookAgain_FormChangedAfterATimeout_NewKeyAndANewBooking()
    {
        var (page, keys, email) = await BookWithTheFirstPressTimingOutAsync();

        await page.GetByLabel("Your name").FillAsync("Ana M. Lima");
        await PressUntilBookedAsync(page);

        var bookings = await SettledBookingsAsync(email);
        Assert.Equal(2, bookings.Count);
        Assert.All(bookings, booking => Assert.Equal(1, ChargesFor(booking.Id)));
        Assert.Equal(2, keys.Distinct().Count());
        var second = Assert.Single(bookings, b => b.GuestName == "Ana M. Lima");
        await Assertions.Expect(page.Locator("#booking-id")).ToHaveTextAsync(second.Id);
    }

    /// <summary>
    /// Searches a stay of its own and books it for a guest of its own with ConfirmHold stalled, until the
    /// first press has its answer; returns the page, every Idempotency-Key the page sent and the guest's e-mail.
    /// </summary>
    private async Task<(IPage Page, List<string> Keys, string Email)> BookWithTheFirstPressTimingOutAsync()
    {
        var (page, _) = await browser.OpenAsync(system);
        var keys = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/api/bookings", StringComparison.Ordinal))
            {
                keys.Add(request.Headers["idempotency-key"]);
            }
        };
        var email = $"again-{Guid.NewGuid():N}@example.com";
        var (checkIn, checkOut) = UniqueStay();
        await SearchAsync(page, LisbonCity, Lisbon, checkIn, checkOut, guests: 2);

        // Stalled far beyond every deadline: each ConfirmHold waits until its caller gives up.
        await system.SetFaultsAsync("availability", new { maxLatency = "1.00:00:00", methods = new[] { "ConfirmHold" } });
        try
        {
            var first = await page.RunAndWaitForResponseAsync(() => BookAsync(page, "Double Room", "Ana Lima", email, "tok_visa"),
                IsBookingResponse, new() { Timeout = 60_000 });
            Assert.True(first.Status is (int)HttpStatusCode.ServiceUnavailable or (int)HttpStatusCode.GatewayTimeout,
                $"The first press was meant to time out but got {first.Status}.");
        }
        finally
        {
            await system.ClearFaultsAsync("availability");
        }

        return (page, keys, email);
    }

    /// <summary>Presses "Book and pay" as a guest would until the page shows a confirmed booking.</summary>
    private static async Task PressUntilBookedAsync(IPage page)
    {
        var until = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            var response = await page.RunAndWaitForResponseAsync(() => PressBookAsync(page), IsBookingResponse, new() { Timeout = 60_000 });
            if (response.Ok)
            {
                await Assertions.Expect(page.Locator("#booking-status")).ToHaveTextAsync("Confirmed");
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"No booking after pressing again for {SettleTimeout.TotalSeconds} s; last answer {response.Status}.");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>The guest's bookings once none is pending any more (recovery settles the stalled one).</summary>
    private async Task<List<(string Id, string Status, string GuestName)>> SettledBookingsAsync(string email)
    {
        var until = DateTime.UtcNow + SettleTimeout;
        while (true)
        {
            using var database = system.OpenDatabase("booking-db");
            using var command = database.CreateCommand();
            command.CommandText = $"SELECT \"Id\", \"Status\", \"GuestName\", \"Step\" FROM \"Bookings\" WHERE \"GuestEmail\" = '{email}'";
            var rows = new List<(string Id, string Status, string GuestName, string Step)>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                }
            }

            if (rows.All(r => r.Status != "Pending" && r.Step == "Done"))
            {
                return rows.Select(r => (r.Id, r.Status, r.GuestName)).ToList();
            }

            Assert.True(DateTime.UtcNow < until, $"{rows.Count(r => r.Status == "Pending")} booking(s) still pending after {SettleTimeout.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private long ChargesFor(string bookingId)
    {
        using var payments = system.OpenDatabase("payment-db");
        return Invariants.Scalar(payments, $"SELECT COUNT(*) FROM \"Payments\" WHERE \"RequestId\" = 'booking:{bookingId}'");
    }

    private static bool IsBookingResponse(IResponse response) =>
        response.Request.Method == "POST" && response.Url.EndsWith("/api/bookings", StringComparison.Ordinal);
}
