using Microsoft.Playwright;

namespace HotelBooking.EndToEnd.Browser;

/// <summary>
/// A real headless Chromium (Debian's, at /usr/bin/chromium), driven by Playwright. Playwright's own
/// browser download is not used. The flags keep Chromium off the network beyond localhost.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        return (playwright, browser);
    }
}

/// <summary>
/// A browser test: skipped with a reason when Chromium is not installed on a developer's machine, but a
/// failure on CI (CI=true), where .ci/run installs it.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"Chromium is not installed at {Chromium.ExecutablePath} (Debian: apt-get install chromium).";
        }
    }
}
