using HotelBooking.EndToEnd.Infrastructure;
using HotelBooking.Tests;
using Microsoft.Playwright;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>One Chromium for the browser tests; each test opens fresh contexts (fresh profiles) on it.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.IsInstalled || Environment.GetEnvironmentVariable("CI") == "true")
        {
            (_playwright, Browser) = await Chromium.LaunchAsync();
        }
    }

    /// <summary>A new page on the gateway, recording console errors so a test can assert there were none.</summary>
    public async Task<(IPage Page, List<string> ConsoleErrors)> OpenAsync(SystemFixture system, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = system.Api.BaseAddress!.ToString(), ViewportSize = viewport });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync("/");
        await page.Locator("#city option").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        return (page, errors);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new() { FullPage = true });
        Artifacts.WriteBytes($"browser-{name}.png", bytes);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
