using Microsoft.Playwright;

namespace Alliance.Web.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright, headless. Playwright's own browser download does not work here,
/// so the machine's /usr/bin/chromium is used. Without it the browser tests skip visibly, unless
/// ALLIANCE_REQUIRE_BROWSER=1 makes that a failure (CI sets it).
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser? Instance { get; private set; }

    /// <summary>Why the browser is missing, or null when it is here.</summary>
    public static string? Missing =>
        File.Exists(Environment.GetEnvironmentVariable("ALLIANCE_CHROMIUM") ?? ChromiumPath) ? null
            : $"Chromium was not found at {ChromiumPath} (install Debian's chromium package, or set ALLIANCE_CHROMIUM).";

    /// <summary>Skips the calling test when the browser is missing, or fails it when CI requires the browser.</summary>
    public static void RequireOrSkip()
    {
        if (Missing is not { } why) return;
        if (Environment.GetEnvironmentVariable("ALLIANCE_REQUIRE_BROWSER") == "1")
            throw new InvalidOperationException("ALLIANCE_REQUIRE_BROWSER=1 but " + why);
        Skip.If(true, why);
    }

    public async Task InitializeAsync()
    {
        if (Missing is not null) return;
        _playwright = await Playwright.CreateAsync();
        Instance = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("ALLIANCE_CHROMIUM") ?? ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null) await Instance.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>Where screenshots are kept: ALLIANCE_SCREENSHOTS, else TestResults/screenshots at the repository root.</summary>
    public static string ScreenshotFolder()
    {
        var folder = Environment.GetEnvironmentVariable("ALLIANCE_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Alliance.slnx"))) dir = dir.Parent;
            folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
        }
        Directory.CreateDirectory(folder);
        return folder;
    }
}

/// <summary>A live server and a browser shared by one test class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public LiveServer Server { get; } = new();
    public Browser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        if (Browser.Instance is not null) await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (Browser.Instance is not null) await Server.DisposeAsync();
    }
}
