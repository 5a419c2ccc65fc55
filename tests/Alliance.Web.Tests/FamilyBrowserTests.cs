using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Alliance.Web.Tests;

/// <summary>
/// A session's questionnaires in real browsers: the therapist issues a link on a desk screen, a family member answers
/// on a 360×740 phone, and the therapist's page, left open, shows the score by itself.
/// </summary>
[Trait("Capability", "Measures")]
public sealed class FamilyBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static Task<byte[]> ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), name + ".png"), FullPage = true });

    [SkippableFact]
    public async Task AFamilyMemberAnswersOnAPhoneAndTheTherapistSeesTheScoreWithoutReloading()
    {
        Browser.RequireOrSkip();
        var browser = fixture.Browser.Instance!;

        // The therapist opens the family's planned session and sends Maya the alliance check only.
        await using var desk = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var therapist = await desk.NewPageAsync();
        await therapist.GotoAsync(new Uri(fixture.Server.Address, "/").ToString());
        await therapist.GetByLabel("Email").FillAsync(AllianceWebFactory.Therapist);
        await therapist.GetByLabel("Password").FillAsync(AllianceWebFactory.Password);
        await therapist.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await therapist.GetByRole(AriaRole.Link, new() { Name = "Applewhite family" }).ClickAsync();
        var planned = therapist.Locator("table.sessions tr", new() { HasText = "planned" }).First;
        await planned.GetByRole(AriaRole.Link, new() { Name = "Questionnaires" }).ClickAsync();
        await Assertions.Expect(therapist.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Questionnaires for session") })).ToBeVisibleAsync();

        var maya = therapist.Locator("fieldset.member-choice", new() { HasText = "Maya Applewhite" });
        await Assertions.Expect(maya.GetByRole(AriaRole.Checkbox, new() { Name = "Alliance check (" })).ToBeCheckedAsync();
        await Assertions.Expect(maya.GetByRole(AriaRole.Checkbox, new() { Name = "PHQ-9 (depression)" })).Not.ToBeCheckedAsync();
        var ticked = therapist.Locator("fieldset.member-choice input[type=checkbox]:checked");
        while (await ticked.CountAsync() > 0)
            await ticked.First.UncheckAsync();
        await maya.GetByRole(AriaRole.Checkbox, new() { Name = "Alliance check (" }).CheckAsync();
        var lily = therapist.Locator("fieldset.member-choice", new() { HasText = "Lily Applewhite" });
        Assert.Equal(0, await lily.GetByRole(AriaRole.Checkbox, new() { Name = "Alliance check (" }).CountAsync());
        await lily.GetByRole(AriaRole.Checkbox, new() { Name = "Alliance check for children" }).CheckAsync();
        await ShotAsync(therapist, "measures-choose");
        await therapist.GetByRole(AriaRole.Button, new() { Name = "Issue links and QR codes" }).ClickAsync();

        await Assertions.Expect(therapist.GetByRole(AriaRole.Heading, new() { Name = "New links" })).ToBeVisibleAsync();
        await Assertions.Expect(therapist.GetByRole(AriaRole.Img, new() { Name = "QR code of Maya Applewhite's questionnaire link" })).ToBeVisibleAsync();
        var url = (await therapist.Locator(".issued-link", new() { HasText = "Maya Applewhite" }).Locator(".linkbox").InnerTextAsync()).Trim();
        var lilysUrl = (await therapist.Locator(".issued-link", new() { HasText = "Lily Applewhite" }).Locator(".linkbox").InnerTextAsync()).Trim();
        Assert.Matches("/q/[A-Za-z0-9_-]{43}$", url);
        var mayaRow = therapist.Locator("tr", new() { Has = therapist.GetByRole(AriaRole.Cell, new() { Name = "Maya Applewhite", Exact = true }) });
        await Assertions.Expect(mayaRow).ToContainTextAsync("Link sent, not answered yet");
        await ShotAsync(therapist, "measures-issued");

        // Maya answers on her phone.
        await using var phone = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var family = await phone.NewPageAsync();
        await family.GotoAsync(url);
        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "Alliance check" })).ToBeVisibleAsync();
        var overflow = await family.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the questionnaire is {overflow}px wider than the phone screen");
        var smallest = await family.EvaluateAsync<double>(
            "() => Math.min(...[...document.querySelectorAll('.q-box, .q-private, .q-submit')].map(e => { const r = e.getBoundingClientRect(); return Math.min(r.width, r.height); }))");
        Assert.True(smallest >= 44, $"a touch target is only {smallest}px");
        await ShotAsync(family, "family-question-phone");

        // Each question is a labelled radio group; a tap chooses, and the keyboard works as well.
        ILocator Question(string words) => family.GetByRole(AriaRole.Group, new() { NameRegex = new Regex(Regex.Escape(words)) });
        await Question("felt listened to").GetByRole(AriaRole.Radio, new() { Name = "9", Exact = true }).TapAsync();
        await Question("things I wanted to work on").GetByRole(AriaRole.Radio, new() { Name = "8", Exact = true }).TapAsync();
        await Question("suited me").GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("^10\\b") }).TapAsync();
        await Question("good for me").GetByRole(AriaRole.Radio, new() { Name = "6", Exact = true }).FocusAsync();
        await family.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(Question("good for me").GetByRole(AriaRole.Radio, new() { Name = "7", Exact = true })).ToBeCheckedAsync();
        await family.GetByLabel("Is there anything you would like your therapist to know").FillAsync("The end felt rushed.");
        await family.GetByLabel("Keep this private from my family").CheckAsync();
        await ShotAsync(family, "family-answered-phone");
        await family.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).TapAsync();
        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "Thank you" })).ToBeVisibleAsync();
        await ShotAsync(family, "family-thanks-phone");

        // The therapist's page, never reloaded, shows the score: 9 + 8 + 10 + 7 = 34.
        await Assertions.Expect(mayaRow).ToContainTextAsync("Alliance check: 34 (range 0–40)", new() { Timeout = 15_000 });
        await Assertions.Expect(mayaRow).ToContainTextAsync("All answered");
        await Assertions.Expect(therapist.Locator("#measures-summary")).ToHaveTextAsync("1 of 2 members have answered everything.");

        // Lily, who is 11, gets the children's version: faces at the ends and the middle of each scale.
        var child = await phone.NewPageAsync();
        await child.GotoAsync(lilysUrl);
        await Assertions.Expect(child.GetByRole(AriaRole.Heading, new() { Name = "Alliance check for children" })).ToBeVisibleAsync();
        await Assertions.Expect(child.Locator(".q-face").First).ToBeVisibleAsync();
        Assert.Equal(12, await child.Locator(".q-face").CountAsync());
        foreach (var group in await child.GetByRole(AriaRole.Group).AllAsync())
            await group.GetByRole(AriaRole.Radio, new() { NameRegex = new Regex("^10\\b.*happy face") }).TapAsync();
        await ShotAsync(child, "family-child-phone");
        await child.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).TapAsync();
        await Assertions.Expect(child.GetByRole(AriaRole.Heading, new() { Name = "Thank you" })).ToBeVisibleAsync();
        var lilyRow = therapist.Locator("tr", new() { Has = therapist.GetByRole(AriaRole.Cell, new() { Name = "Lily Applewhite", Exact = true }) });
        await Assertions.Expect(lilyRow).ToContainTextAsync("Alliance check for children: 40 (range 0–40)", new() { Timeout = 15_000 });
        await Assertions.Expect(therapist.Locator("#measures-summary")).ToHaveTextAsync("2 of 2 members have answered everything.");
        await ShotAsync(therapist, "measures-answered");

        // The used link now says so, kindly.
        await family.GotoAsync(url);
        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "These questions are already answered" })).ToBeVisibleAsync();
    }
}
