using Microsoft.Playwright;

namespace Alliance.Web.Tests;

/// <summary>A therapist's day in a real browser: sign in, open a family, schedule and record a session.</summary>
[Trait("Capability", "Foundation")]
public sealed class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> SignInAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Server.Address, "/").ToString());
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(AllianceWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
        return page;
    }

    private static Task<byte[]> ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), name + ".png"), FullPage = true });

    [SkippableFact]
    public async Task TherapistSignsInOpensACaseAndRecordsASession()
    {
        Browser.RequireOrSkip();
        await using var context = await fixture.Browser.Instance!.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var page = await SignInAsync(context, AllianceWebFactory.Therapist);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Applewhite family" })).ToBeVisibleAsync();
        await ShotAsync(page, "caseload");

        await page.GetByRole(AriaRole.Link, new() { Name = "Applewhite family" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Applewhite family" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Lily Applewhite", new() { Exact = true })).ToBeVisibleAsync();
        await ShotAsync(page, "case");

        // Schedule a session that took place yesterday morning, then record it as held.
        await page.GetByRole(AriaRole.Link, new() { Name = "Schedule a session" }).ClickAsync();
        var yesterday = DateTime.Now.AddDays(-1).Date.AddHours(9).AddMinutes(17);
        await page.GetByLabel("Date and time").FillAsync(yesterday.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The session is scheduled.")).ToBeVisibleAsync();

        var row = page.Locator("table.sessions tr", new() { HasText = "planned" }).First;
        await row.GetByRole(AriaRole.Link, new() { Name = "Record" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Record session") })).ToBeVisibleAsync();
        await page.GetByLabel("Owen Applewhite").UncheckAsync();
        await page.GetByLabel("video").CheckAsync();
        await page.GetByLabel("Session notes").FillAsync("Practised turn-taking; Lily led the check-in.");
        await ShotAsync(page, "record-session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the record" }).ClickAsync();

        await Assertions.Expect(page.GetByText("is recorded.")).ToBeVisibleAsync();
        var recorded = page.Locator("table.sessions tr", new() { HasText = "video" }).Last;
        await Assertions.Expect(recorded).ToContainTextAsync("held");
        await Assertions.Expect(recorded).ToContainTextAsync("Maya Applewhite, Lily Applewhite");
        await ShotAsync(page, "case-after-recording");
    }

    [SkippableFact]
    public async Task TheCaseloadReadsWellOnAPhone()
    {
        Browser.RequireOrSkip();
        await using var context = await fixture.Browser.Instance!.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var page = await SignInAsync(context, AllianceWebFactory.OtherTherapist);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your caseload" })).ToBeVisibleAsync();
        // Nothing wider than the screen: no sideways scrolling on a 360-pixel phone.
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
        await ShotAsync(page, "caseload-phone");
    }
}
