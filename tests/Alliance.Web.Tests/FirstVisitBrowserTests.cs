using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Alliance.Web.Tests;

/// <summary>
/// A first visit in a real browser: a new family of two parents and a child, the first visit booked and held, the
/// orientation gone through (the parents agree, the child assents with a parent consenting), goals and plan, the work
/// begun, and the first questionnaire answered on a parent's phone.
/// </summary>
[Trait("Capability", "Process")]
public sealed class FirstVisitBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static Task<byte[]> ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), name + ".png"), FullPage = true });

    [SkippableFact]
    public async Task AFirstVisitWithTwoParentsAndAChildThroughToTheFirstMeasures()
    {
        Browser.RequireOrSkip();
        var site = fixture.Server.Address;
        await using var desk = await fixture.Browser.Instance!.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await desk.NewPageAsync();
        await page.GotoAsync(new Uri(site, "/").ToString());
        await page.GetByLabel("Email").FillAsync(AllianceWebFactory.Therapist);
        await page.GetByLabel("Password").FillAsync(AllianceWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));

        // A new family at referral: the guide asks for the first visit to be booked.
        var family = "Okoro family " + Guid.NewGuid().ToString("N")[..4];
        await page.GotoAsync(new Uri(site, "/cases/new").ToString());
        await page.GetByLabel("Family name").FillAsync(family);
        var childYear = (DateTime.Now.Year - 8).ToString(CultureInfo.InvariantCulture);
        foreach (var (i, name, role, year) in new[] { (0, "Ngozi Okoro", "Parent", "1986"), (1, "Tunde Okoro", "Parent", "1984"), (2, "Ada Okoro", "Child", childYear) })
        {
            await page.Locator($"#Input_Members_{i}__DisplayName").FillAsync(name);
            await page.Locator($"#Input_Members_{i}__Role").SelectOptionAsync(role);
            await page.Locator($"#Input_Members_{i}__BirthYear").FillAsync(year);
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the case" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = family })).ToBeVisibleAsync();
        var next = page.Locator("section.next-step");
        await Assertions.Expect(next).ToContainTextAsync("Book the first visit with the family.");

        // The first visit, booked for yesterday and held with everyone there.
        await next.GetByRole(AriaRole.Link, new() { Name = "Book the first visit" }).ClickAsync();
        var yesterday = DateTime.Now.AddDays(-1).Date.AddHours(16);
        await page.GetByLabel("Date and time").FillAsync(yesterday.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule" }).ClickAsync();
        await Assertions.Expect(page.Locator("ol.steps li.now")).ToContainTextAsync("First visit");
        await page.Locator("table.sessions tr", new() { HasText = "planned" }).First.GetByRole(AriaRole.Link, new() { Name = "Record" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the record" }).ClickAsync();
        await Assertions.Expect(page.GetByText("is recorded.")).ToBeVisibleAsync();
        await Assertions.Expect(next).ToContainTextAsync("Go through the orientation with Ngozi Okoro, Tunde Okoro and Ada Okoro.");
        await ShotAsync(page, "first-visit-case-page");

        // The orientation: every part of the checklist, the family's agreements, each member's agreement or assent.
        await next.GetByRole(AriaRole.Link, new() { Name = "Go through the orientation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orientation" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the orientation" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Go through every part of the checklist")).ToBeVisibleAsync();
        foreach (var topic in new[] { "Expectations", "Responsibilities", "Roles of everyone involved", "Confidentiality and its limits", "Consent to the questionnaires and the feedback conversation" })
            await page.GetByLabel(topic, new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Limited secrets, with the rule below").CheckAsync();
        await page.GetByLabel("The rule, as the family agreed it").FillAsync("Each of us may tell the therapist something alone; we decide together how to share it.");
        var adaRow = page.Locator("table.consent tr", new() { HasText = "Ada Okoro" });
        await Assertions.Expect(adaRow).ToContainTextAsync("assents");
        await adaRow.GetByRole(AriaRole.Combobox).SelectOptionAsync(new SelectOptionValue { Label = "Ngozi Okoro" });
        await ShotAsync(page, "first-visit-orientation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the orientation" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The orientation is recorded for 3 members.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("ol.steps li.now")).ToContainTextAsync("3 of 3 oriented");

        // Goals in the family's words, how much the goal matters to a parent, and the plan.
        await Assertions.Expect(next).ToContainTextAsync("Write down the family's goals");
        await next.GetByRole(AriaRole.Link, new() { Name = "Goals and plan" }).ClickAsync();
        await page.GetByLabel("A goal, in the family's words").FillAsync("Fewer arguments at bedtime");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add the goal" }).ClickAsync();
        await page.GetByLabel("How important to Ngozi Okoro").SelectOptionAsync("5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save how important each goal is" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the plan" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The plan is saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("How important to Ngozi Okoro")).ToHaveValueAsync("5");

        // Everyone involved is oriented: the work begins.
        await page.GotoAsync(new Uri(site, page.Url.Replace("/goals", "", StringComparison.Ordinal)).ToString());
        await next.GetByRole(AriaRole.Link, new() { Name = "Begin the active work" }).ClickAsync();
        await page.Locator("#begin").GetByRole(AriaRole.Button, new() { Name = "Begin the active work" }).ClickAsync();
        await Assertions.Expect(page.GetByText("The active work has begun.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("ol.steps li.now")).ToContainTextAsync("Active");

        // The first measures: the well-being check for Ngozi, answered on her phone.
        await page.Locator("table.sessions tr", new() { HasText = "held" }).First.GetByRole(AriaRole.Link, new() { Name = "Questionnaires" }).ClickAsync();
        var ticked = page.Locator("fieldset.member-choice input[type=checkbox]:checked");
        while (await ticked.CountAsync() > 0)
            await ticked.First.UncheckAsync();
        await page.Locator("fieldset.member-choice", new() { HasText = "Ngozi Okoro" }).GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^Well-being check") }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue links and QR codes" }).ClickAsync();
        var url = (await page.Locator(".issued-link", new() { HasText = "Ngozi Okoro" }).Locator(".linkbox").InnerTextAsync()).Trim();

        await using var phoneContext = await fixture.Browser.Instance!.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var phone = await phoneContext.NewPageAsync();
        await phone.GotoAsync(url);
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Well-being check" })).ToBeVisibleAsync();
        foreach (var group in await phone.GetByRole(AriaRole.Group).AllAsync())
            await group.GetByRole(AriaRole.Radio, new() { Name = "7", Exact = true }).TapAsync();
        await ShotAsync(phone, "first-visit-first-measure-phone");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).TapAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Thank you" })).ToBeVisibleAsync();

        // The therapist's page shows, without a reload, that Ngozi's answers have arrived.
        await Assertions.Expect(page.Locator("table.measures tr", new() { HasText = "Ngozi Okoro" })).ToContainTextAsync("All answered", new() { Timeout = 15000 });
        await ShotAsync(page, "first-visit-first-measure-arrived");
    }
}
