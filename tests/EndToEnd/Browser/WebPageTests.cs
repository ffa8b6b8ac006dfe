using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HotelBooking.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static HotelBooking.EndToEnd.Browser.GuestSteps;
using static HotelBooking.EndToEnd.Infrastructure.TestData;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>The web page served at /, used the way a guest would, in a real headless Chromium.</summary>
[Collection(SystemCollection.Name)]
public sealed class WebPageTests(SystemFixture system, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [BrowserFact]
    public async Task SearchBookOpenCancel_ApprovedCard_ConfirmationThenCancelled()
    {
        var (page, consoleErrors) = await browser.OpenAsync(system);
        var (checkIn, checkOut) = UniqueStay(nights: 3);
        await SearchAsync(page, LisbonCity, Lisbon, checkIn, checkOut, guests: 2);
        await BookAsync(page, "Double Room", "Ana Lima", "ana@example.com", "tok_visa");

        // Generous, for a loaded machine: a booking that never confirms still fails here, only later.
        await Assertions.Expect(page.Locator("#booking-status")).ToHaveTextAsync("Confirmed", new() { Timeout = 30_000 });
        var bookingId = await page.Locator("#booking-id").InnerTextAsync();
        Assert.Matches("^bk_[0-9a-f]{32}$", bookingId);
        await Assertions.Expect(page.Locator("#booking-total")).ToContainTextAsync("360");
        await BrowserFixture.ScreenshotAsync(page, "booked");

        // Open it by id in a fresh page, as the guest would later, and cancel it there.
        var (later, laterErrors) = await browser.OpenAsync(system);
        await later.GetByLabel("Booking id").FillAsync(bookingId);
        await later.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(later.Locator("#booking-status")).ToHaveTextAsync("Confirmed");
        await later.GetByRole(AriaRole.Button, new() { Name = "Cancel this booking" }).ClickAsync();
        await Assertions.Expect(later.Locator("#booking-status")).ToHaveTextAsync("Cancelled", new() { Timeout = 30_000 });
        await Assertions.Expect(later.Locator("#confirmation-message")).ToContainTextAsync("refunded");
        await BrowserFixture.ScreenshotAsync(later, "cancelled");

        Assert.Empty(consoleErrors);
        Assert.Empty(laterErrors);
    }

    [BrowserFact]
    public async Task SearchCity_EveryOfferCheapestFirst_OpenedHotelShowsTheOfferedRoom()
    {
        var (page, consoleErrors) = await browser.OpenAsync(system);
        var (checkIn, checkOut) = UniqueStay();
        var expected = await system.Api.GetFromJsonAsync<JsonElement>(
            $"/api/search?city={LisbonCity}&checkIn={checkIn}&checkOut={checkOut}&guests=2&pageSize=100");

        await SearchCityAsync(page, LisbonCity, checkIn, checkOut, guests: 2);
        await ShowAllHotelsAsync(page);

        var rows = page.Locator("#offer-rows tr[data-hotel-id]");
        var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.dataset.hotelId)");
        var totals = (await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.dataset.total)"))
            .Select(total => decimal.Parse(total, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.GetProperty("offers").EnumerateArray().Select(o => o.GetProperty("hotelId").GetString()!), shown);
        Assert.Equal(totals.Order(), totals);
        await Assertions.Expect(page.Locator("#offers-city")).ToHaveTextAsync(LisbonCity);

        var offerCells = page.Locator($"#offer-rows tr[data-hotel-id='{Lisbon}'] td");
        var offeredRoom = await offerCells.Nth(1).InnerTextAsync();
        var offeredTotal = await offerCells.Nth(3).InnerTextAsync();
        await OpenHotelAsync(page, Lisbon);

        await Assertions.Expect(page.Locator("#results-title")).ToContainTextAsync("Alfama Riverside");
        var room = page.Locator("#rooms tr").Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = offeredRoom, Exact = true }) });
        await Assertions.Expect(room.Locator("td").Nth(3)).ToHaveTextAsync(offeredTotal);
        await BrowserFixture.ScreenshotAsync(page, "city-search");
        Assert.Empty(consoleErrors);
    }

    [BrowserFact]
    public async Task Book_DeclinedCard_DeclineMessageAndNoBooking()
    {
        var (page, _) = await browser.OpenAsync(system);
        var (checkIn, checkOut) = UniqueStay();
        await SearchAsync(page, LisbonCity, Lisbon, checkIn, checkOut, guests: 2);

        await BookAsync(page, "Double Room", "Ana Lima", "ana@example.com", "tok_chargeDeclined");

        await Assertions.Expect(page.Locator("#booking-message")).ToContainTextAsync("declined");
        await Assertions.Expect(page.Locator("#confirmation")).ToBeHiddenAsync();
        await BrowserFixture.ScreenshotAsync(page, "declined");
    }

    [BrowserFact]
    public async Task LiveAvailability_BookingOnAnotherPage_SeenWithinTwoSeconds()
    {
        var (checkIn, checkOut) = UniqueStay();
        var (watcher, watcherErrors) = await browser.OpenAsync(system, new ViewportSize { Width = 375, Height = 800 });
        var (booker, _) = await browser.OpenAsync(system);
        await SearchAsync(watcher, LisbonCity, Lisbon, checkIn, checkOut, guests: 2);
        await SearchAsync(booker, LisbonCity, Lisbon, checkIn, checkOut, guests: 2);
        var available = watcher.Locator("tr[data-room-type-id='alfama-riverside-double'] td.available");
        await Assertions.Expect(watcher.Locator("#live")).ToBeVisibleAsync();
        var before = int.Parse(await available.InnerTextAsync());

        await BookAsync(booker, "Double Room", "Bo Chen", "bo@example.com", "tok_visa");

        await Assertions.Expect(available).ToHaveTextAsync((before - 1).ToString(), new() { Timeout = 2000 });
        await BrowserFixture.ScreenshotAsync(watcher, "live-phone-width");
        Assert.Empty(watcherErrors);
    }

    [BrowserFact]
    public async Task Search_CheckOutBeforeCheckIn_ErrorShownNextToTheField()
    {
        var (page, _) = await browser.OpenAsync(system);
        var (checkIn, checkOut) = UniqueStay();

        await SearchCityAsync(page, LisbonCity, checkOut, checkIn, guests: 2, expectOffers: false);

        await Assertions.Expect(page.Locator("#check-out-error")).ToContainTextAsync("after check-in");
        await Assertions.Expect(page.Locator("#check-out")).ToHaveAttributeAsync("aria-invalid", "true");
        await BrowserFixture.ScreenshotAsync(page, "validation");
    }

    [BrowserFact]
    public async Task KeyboardOnly_TabToSearchAndPressEnter_ResultsShown()
    {
        var (page, _) = await browser.OpenAsync(system);

        // From the first control, Tab alone reaches the Search button (date inputs have several stops).
        await page.Locator("#city").FocusAsync();
        for (var presses = 0; await page.EvaluateAsync<string>("document.activeElement.textContent") != "Search"; presses++)
        {
            Assert.True(presses < 20, "Tab never reached the Search button.");
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#offers")).ToBeVisibleAsync();
    }
}
