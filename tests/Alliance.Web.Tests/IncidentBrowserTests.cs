using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Alliance.Web.Tests;

/// <summary>
/// A red light from end to end in real browsers: a family member, on a 360×740 phone, follows "Tell us if something made
/// you uncomfortable" from their questionnaire page and reports their therapist; the supervisor, at their desk, finds it
/// in the inbox and on the supervision page at once, reads it, responds and closes it; the therapist never sees it.
/// </summary>
[Trait("Capability", "Boundaries")]
public sealed class IncidentBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static Task<byte[]> ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), name + ".png"), FullPage = true });

    private static async Task<Guid> IdOfAsync(IAPIResponse response)
    {
        Assert.True(response.Ok, $"{response.Url}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value.GetProperty("id").GetGuid();
    }

    private static async Task SignInAsync(IPage page, Uri site, string email)
    {
        await page.GotoAsync(new Uri(site, "/").ToString());
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(AllianceWebFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    [SkippableFact]
    public async Task AFamilyMembersReportFromTheQuestionnairePageReachesTheSupervisor()
    {
        Browser.RequireOrSkip();
        var browser = fixture.Browser.Instance!;
        var site = fixture.Server.Address;

        // The therapist's family: one member, one session held yesterday, a questionnaire link issued for it.
        await using var desk = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var therapist = await desk.NewPageAsync();
        await SignInAsync(therapist, site, AllianceWebFactory.Therapist);
        await Assertions.Expect(therapist.GetByRole(AriaRole.Link, new() { Name = "Applewhite family" })).ToBeVisibleAsync();
        var api = desk.APIRequest;
        var name = "Report family " + Guid.NewGuid().ToString("N")[..6];
        var caseId = await IdOfAsync(await api.PostAsync(new Uri(site, "/api/cases").ToString(), new()
        {
            DataObject = new { name, members = new[] { new { displayName = "Sam Report", role = "Parent", birthYear = 1986 } } },
        }));
        var details = (await (await api.GetAsync(new Uri(site, $"/api/cases/{caseId}").ToString())).JsonAsync())!.Value;
        var sam = details.GetProperty("members")[0].GetProperty("id").GetGuid();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var sessionId = await IdOfAsync(await api.PostAsync(new Uri(site, $"/api/cases/{caseId}/sessions").ToString(), new() { DataObject = new { scheduledStart = start, scheduledMinutes = 60 } }));
        var held = await api.PostAsync(new Uri(site, $"/api/sessions/{sessionId}/held").ToString(), new()
        {
            DataObject = new { actualStart = start, actualEnd = start.AddMinutes(50), attendeeIds = new[] { sam }, modality = "InPerson", notes = (string?)null },
        });
        Assert.True(held.Ok, $"recording the session: {held.Status}");
        var oriented = await api.PostAsync(new Uri(site, $"/api/cases/{caseId}/orientation").ToString(), new() { DataObject = ProcessApi.Orientation([sam]) });
        Assert.True(oriented.Ok, $"recording the orientation: {oriented.Status} {await oriented.TextAsync()}");
        await therapist.GotoAsync(new Uri(site, $"/sessions/{sessionId}/measures").ToString());
        var ticked = therapist.Locator("fieldset.member-choice input[type=checkbox]:checked");
        while (await ticked.CountAsync() > 0)
            await ticked.First.UncheckAsync();
        await therapist.Locator("fieldset.member-choice", new() { HasText = "Sam Report" }).GetByRole(AriaRole.Checkbox, new() { Name = "Alliance check (" }).CheckAsync();
        await therapist.GetByRole(AriaRole.Button, new() { Name = "Issue links and QR codes" }).ClickAsync();
        var url = (await therapist.Locator(".issued-link", new() { HasText = "Sam Report" }).Locator(".linkbox").InnerTextAsync()).Trim();

        // On the phone: the questionnaire page offers the way to tell us, as a proper touch target.
        await using var phone = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true });
        var family = await phone.NewPageAsync();
        await family.GotoAsync(url);
        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "Alliance check" })).ToBeVisibleAsync();
        var tell = family.GetByRole(AriaRole.Link, new() { Name = "Tell us if something made you uncomfortable" });
        await Assertions.Expect(tell).ToBeVisibleAsync();
        var box = await tell.BoundingBoxAsync();
        Assert.True(box is { Height: >= 44 }, $"the link is only {box?.Height}px high");
        await tell.TapAsync();

        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "Tell us if something made you uncomfortable" })).ToBeVisibleAsync();
        await Assertions.Expect(family.GetByText("not to your therapist")).ToBeVisibleAsync();
        var overflow = await family.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the report page is {overflow}px wider than the phone screen");
        // Sending nothing says what is missing, beside each question.
        await family.GetByRole(AriaRole.Button, new() { Name = "Send to the supervisor" }).TapAsync();
        await Assertions.Expect(family.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please choose what it was about.");
        await family.GetByRole(AriaRole.Radio, new() { Name = "Unwanted advances or personal attention" }).TapAsync();
        await family.GetByLabel("What happened?").FillAsync("After the session my therapist messaged me asking to meet for a drink.");
        await ShotAsync(family, "incident-report-phone");
        await family.GetByRole(AriaRole.Button, new() { Name = "Send to the supervisor" }).TapAsync();
        await Assertions.Expect(family.GetByRole(AriaRole.Heading, new() { Name = "Thank you for telling us" })).ToBeVisibleAsync();
        await Assertions.Expect(family.Locator("main")).Not.ToContainTextAsync("a drink");
        await ShotAsync(family, "incident-thanks-phone");

        // At the supervisor's desk: the badge, the inbox, the supervision page, the report itself.
        await using var office = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var supervisor = await office.NewPageAsync();
        await SignInAsync(supervisor, site, AllianceWebFactory.Supervisor);
        await Assertions.Expect(supervisor.Locator("nav .badge")).ToBeVisibleAsync();
        await supervisor.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Inbox") }).ClickAsync();
        var notice = supervisor.Locator("tr", new() { HasText = $"concerning the {name} case" });
        await Assertions.Expect(notice).ToContainTextAsync("High priority: an incident (inappropriate advances) was reported by a family member");
        await Assertions.Expect(notice).Not.ToContainTextAsync("a drink");
        await ShotAsync(supervisor, "incident-supervisor-inbox");

        await supervisor.GotoAsync(new Uri(site, "/supervision").ToString());
        await supervisor.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Boundaries") }).ClickAsync();
        var row = supervisor.Locator("table.incidents tr", new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("Tobias Wrenfield");
        await Assertions.Expect(row).ToContainTextAsync("a family member, through their questionnaire link");
        await ShotAsync(supervisor, "incident-supervision-page");
        await row.GetByRole(AriaRole.Link, new() { Name = "Inappropriate advances" }).ClickAsync();
        await Assertions.Expect(supervisor.Locator(".narrative")).ToHaveTextAsync("After the session my therapist messaged me asking to meet for a drink.");
        var incidentUrl = supervisor.Url;

        await supervisor.GetByLabel("Your response").FillAsync("Spoke with Sam by phone and with Tobias; a colleague takes over the family while we review.");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Record the response" }).ClickAsync();
        await Assertions.Expect(supervisor.GetByText("Your response was recorded.")).ToBeVisibleAsync();
        await supervisor.GetByLabel("Close the incident").FillAsync("Review done; Sam is content with the new therapist.");
        await supervisor.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Assertions.Expect(supervisor.GetByText("The incident was closed.")).ToBeVisibleAsync();
        await Assertions.Expect(supervisor.Locator("ol.incident-entries li")).ToHaveCountAsync(2);
        await ShotAsync(supervisor, "incident-closed");

        // The therapist it concerns cannot open it, and it is not in their list.
        var response = await therapist.GotoAsync(incidentUrl);
        Assert.Equal(404, response!.Status);
        await therapist.GotoAsync(new Uri(site, "/incidents").ToString());
        await Assertions.Expect(therapist.Locator("main")).Not.ToContainTextAsync(name);
    }
}
