using Microsoft.Playwright;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>What a guest does on the page, by label and button name, the way a screen reader would find them.</summary>
public static class GuestSteps
{
    public static async Task SearchAsync(IPage page, string hotelId, string checkIn, string checkOut, int guests, bool expectRooms = true)
    {
        await page.GetByLabel("Hotel").SelectOptionAsync(hotelId);
        await page.GetByLabel("Check-in").FillAsync(checkIn);
        await page.GetByLabel("Check-out").FillAsync(checkOut);
        await page.GetByLabel("Guests").FillAsync(guests.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        if (expectRooms)
        {
            await Assertions.Expect(page.Locator("#rooms tr").First).ToBeVisibleAsync();
        }
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
