using Microsoft.Playwright;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>What a guest does on the page, by label and button name, the way a screen reader would find them.</summary>
public static class GuestSteps
{
    /// <summary>Searches the hotel's city for the stay, then opens the hotel from the offers.</summary>
    public static async Task SearchAsync(IPage page, string city, string hotelId, string checkIn, string checkOut, int guests)
    {
        await SearchCityAsync(page, city, checkIn, checkOut, guests);
        await OpenHotelAsync(page, hotelId);
    }

    public static async Task SearchCityAsync(IPage page, string city, string checkIn, string checkOut, int guests, bool expectOffers = true)
    {
        await page.GetByLabel("City").SelectOptionAsync(city);
        await page.GetByLabel("Check-in").FillAsync(checkIn);
        await page.GetByLabel("Check-out").FillAsync(checkOut);
        await page.GetByLabel("Guests").FillAsync(guests.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        if (expectOffers)
        {
            await Assertions.Expect(page.Locator("#offer-rows tr[data-hotel-id]").First).ToBeVisibleAsync();
        }
    }

    /// <summary>Shows more hotels until the hotel's offer is listed, then presses its "See rooms".</summary>
    public static async Task OpenHotelAsync(IPage page, string hotelId)
    {
        var offer = page.Locator($"#offer-rows tr[data-hotel-id='{hotelId}']");
        while (await offer.CountAsync() == 0)
        {
            Assert.True(await ShowMoreHotelsAsync(page), $"No offer from {hotelId}, and no more hotels to show.");
        }

        await offer.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#rooms tr").First).ToBeVisibleAsync();
    }

    /// <summary>Presses "More hotels" until there are none left to show.</summary>
    public static async Task ShowAllHotelsAsync(IPage page)
    {
        while (await ShowMoreHotelsAsync(page))
        {
        }
    }

    /// <summary>Presses "More hotels" and waits for the rows it adds; false when the button is not shown.</summary>
    private static async Task<bool> ShowMoreHotelsAsync(IPage page)
    {
        if (!await page.Locator("#more-offers").IsVisibleAsync())
        {
            return false;
        }

        var offers = page.Locator("#offer-rows tr[data-hotel-id]");
        var shown = await offers.CountAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "More hotels" }).ClickAsync();
        await Assertions.Expect(offers).Not.ToHaveCountAsync(shown);
        return true;
    }

    /// <summary>Chooses the room, fills in the guest and the card, and presses "Book and pay" once.</summary>
    public static async Task BookAsync(IPage page, string roomName, string name, string email, string token)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = $"Choose {roomName}" }).ClickAsync();
        await page.GetByLabel("Your name").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Test card").SelectOptionAsync(token);
        await PressBookAsync(page);
    }

    public static Task PressBookAsync(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Book and pay" }).ClickAsync();
}
