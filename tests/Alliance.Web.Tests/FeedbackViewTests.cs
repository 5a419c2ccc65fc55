using System.Net;
using System.Net.Http.Json;
using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Alerts;
using Alliance.Web.Features.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>A family made for the feedback tests: members, held sessions and who came to each.</summary>
internal sealed record TestFamily(Guid CaseId, IReadOnlyList<Guid> Members, IReadOnlyList<Guid> Sessions);

/// <summary>Families on Tobias's caseload with held sessions and stored scores, evaluated as the app does.</summary>
internal static class FeedbackFamilies
{
    /// <summary>A new family with the named members and one held session per attendance list (members by index).</summary>
    public static async Task<TestFamily> CreateAsync(HttpClient therapist, string[] names, params int[][] attendance)
    {
        var json = ApiTests.Json;
        var created = await therapist.PostAsJsonAsync("/api/cases", new
        {
            name = "Feedback family " + Guid.NewGuid().ToString("N")[..6],
            members = names.Select(n => new { displayName = n, role = "Parent", birthYear = 1980 }).ToArray(),
        }, json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var caseId = (await created.Content.ReadFromJsonAsync<Created>(json))!.Id;
        var members = (await therapist.GetFromJsonAsync<Features.Cases.CaseDetails>($"/api/cases/{caseId}", json))!.Members.Select(m => m.Id).ToList();
        var sessions = new List<Guid>();
        for (var i = 0; i < attendance.Length; i++)
        {
            var start = DateTimeOffset.UtcNow.AddDays(-7 * (attendance.Length - i)).AddHours(-2);
            var s = await therapist.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(start, 60), json);
            var sessionId = (await s.Content.ReadFromJsonAsync<Created>(json))!.Id;
            var held = await therapist.PostAsJsonAsync($"/api/sessions/{sessionId}/held",
                new RecordSessionRequest(start, start.AddMinutes(50), attendance[i].Select(m => members[m]).ToList(), Modality.InPerson, null), json);
            Assert.True(held.IsSuccessStatusCode, $"recording session {i + 1}: {held.StatusCode}");
            sessions.Add(sessionId);
        }
        await ProcessApi.OrientAsync(therapist, caseId, members);
        return new TestFamily(caseId, members, sessions);
    }

    /// <summary>Stores client scores (session index, member index, instrument, score, answers) and evaluates the case.</summary>
    public static async Task ScoreAsync(AllianceWebFactory app, TestFamily family, params (int Session, int Member, string Instrument, decimal Score, string Answers)[] scores) =>
        await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var sessions = await db.Sessions.Include(s => s.Episode).ThenInclude(e => e.Case).ThenInclude(c => c.Members)
                .Where(s => s.CaseId == family.CaseId).ToListAsync();
            foreach (var (session, member, instrument, score, answers) in scores)
                db.Responses.Add(new Response(sessions.Single(s => s.Id == family.Sessions[session]), family.Members[member], instrument,
                    RaterRole.Client, null, score, null, false, answers, ResponseSource.Paper, DateTime.UtcNow));
            await db.SaveChangesAsync();
            await sp.GetRequiredService<CaseFeedback>().EvaluateAsync(family.CaseId);
            return await db.SaveChangesAsync();
        });

    public static async Task<List<AlertView>> AlertsAsync(HttpClient therapist, Guid caseId) =>
        (await therapist.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", ApiTests.Json))!;
}

/// <summary>
/// The session's feedback view: what the family sees on a shared screen (the members who came, in plain words, never
/// written answers), the therapist's record that it was discussed (a feedback gap when not), and the care relationship.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class FeedbackViewTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private const string PrivateWords = "only-for-the-therapist-7f3a";

    [Fact]
    public async Task TheViewShowsTheMembersWhoCameInPlainWordsAndNeverWrittenAnswers()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        // Dana and Lee came to session 1; only Dana to session 2.
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Dana Plain", "Lee Absent"], [0, 1], [0]);
        var answers = $$"""{"resourceType":"QuestionnaireResponse","item":[{"linkId":"note","answer":[{"valueString":"{{PrivateWords}}"}]}]}""";
        await FeedbackFamilies.ScoreAsync(app, family,
            (0, 0, "alliance-check", 38, answers), (1, 0, "alliance-check", 37, answers),
            // Wellbeing 18 then 24: 6 up, at least the 5 that counts: better than when Dana started.
            (0, 0, "wellbeing-check", 18, answers), (1, 0, "wellbeing-check", 24, answers),
            (0, 1, "alliance-check", 30, answers));

        var response = await tobias.GetAsync($"/sessions/{family.Sessions[1]}/feedback");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Dana Plain", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Lee Absent", page, StringComparison.Ordinal);
        Assert.Contains("How our sessions feel", page, StringComparison.Ordinal);
        Assert.Contains("Our sessions seem to be working for you.", page, StringComparison.Ordinal);
        Assert.Contains("About the same as the session before.", page, StringComparison.Ordinal); // 38 then 37
        Assert.Contains("How things are going", page, StringComparison.Ordinal);
        Assert.Contains("Better than when we started.", page, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"fb-chart\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(PrivateWords, page, StringComparison.Ordinal);
        foreach (var jargon in new[] { "reliable", "cutoff", "clinical", "rupture", "not on track" })
            Assert.DoesNotContain(jargon, page, StringComparison.OrdinalIgnoreCase);

        // The case page links the held session's feedback view.
        var casePage = await tobias.GetStringAsync($"/cases/{family.CaseId}");
        Assert.Contains($"/sessions/{family.Sessions[1]}/feedback", casePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkingFeedbackNotDiscussedOnASessionWithScoresRaisesAFeedbackGap()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Robin Gap"], [0], [0]);
        await FeedbackFamilies.ScoreAsync(app, family, (1, 0, "alliance-check", 38, "{}"));
        var url = $"/sessions/{family.Sessions[1]}/feedback";
        Assert.DoesNotContain(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "feedback-gap");

        var posted = await tobias.PostFormAsync(url, new() { ["discussed"] = "false" });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var gap = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "feedback-gap");
        Assert.Equal(("low", 2, AlertStatus.Open), (gap.Severity, gap.SessionNumber, gap.Status));
        Assert.False(await app.AsOperatorAsync(async sp => (await sp.GetRequiredService<AllianceDbContext>().Sessions.SingleAsync(s => s.Id == family.Sessions[1])).FeedbackDiscussed));
        Assert.Contains("Recorded: the feedback was not discussed this time.", WebUtility.HtmlDecode(await tobias.GetStringAsync(url)), StringComparison.Ordinal);

        // Session 1 has no scores: not discussed there is no gap.
        await tobias.PostFormAsync($"/sessions/{family.Sessions[0]}/feedback", new() { ["discussed"] = "false" });
        Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "feedback-gap");

        // Discussed after all: the gap is no longer raised.
        Assert.Equal(HttpStatusCode.Redirect, (await tobias.PostFormAsync(url, new() { ["discussed"] = "true" })).StatusCode);
        var after = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "feedback-gap");
        Assert.Equal(AlertStatus.Withdrawn, after.Status);
    }

    [Fact]
    public async Task ATherapistOutsideTheCareRelationshipGetsNotFound()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Kim Private"], [0]);
        await FeedbackFamilies.ScoreAsync(app, family, (0, 0, "alliance-check", 30, "{}"));
        var url = $"/sessions/{family.Sessions[0]}/feedback";

        var jonah = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.Equal(HttpStatusCode.NotFound, (await jonah.GetAsync(url)).StatusCode);
        // A form post with Jonah's own valid token is not found either, and records nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await jonah.PostFormAsync(url, new() { ["discussed"] = "false" }, pageUrl: "/cases/new")).StatusCode);
        Assert.Null(await app.AsOperatorAsync(async sp => (await sp.GetRequiredService<AllianceDbContext>().Sessions.SingleAsync(s => s.Id == family.Sessions[0])).FeedbackDiscussed));
        // An admin does not read clinical feedback.
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var refused = await admin.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/denied", refused.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The feedback view and the thresholds page in a real browser, on a wide screen and a phone (screenshots kept).</summary>
[Trait("Capability", "Signals")]
public sealed class FeedbackBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private async Task<Microsoft.Playwright.IPage> SignInAsync(Microsoft.Playwright.IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Server.Address, "/").ToString());
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(AllianceWebFactory.Password);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/sign-in", StringComparison.Ordinal));
        return page;
    }

    private static Task<byte[]> ShotAsync(Microsoft.Playwright.IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder(), name + ".png"), FullPage = true });

    [SkippableFact]
    public async Task TheTherapistOpensASessionsFeedbackFromTheCaseAndRecordsThatItWasDiscussed()
    {
        Browser.RequireOrSkip();
        await using var context = await fixture.Browser.Instance!.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var page = await SignInAsync(context, AllianceWebFactory.Therapist);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Applewhite family" }).ClickAsync();
        var held = page.Locator("table.sessions tr", new() { HasText = "held" }).Last;
        await held.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Feedback" }).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("how it is going$") })).ToBeVisibleAsync();
        await Microsoft.Playwright.Assertions.Expect(page.Locator("svg.fb-chart").First).ToBeVisibleAsync();
        await ShotAsync(page, "session-feedback");

        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Yes, we discussed it" }).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(page.GetByText("Recorded: the feedback was discussed with the family.").First).ToBeVisibleAsync();

        // On a phone the view fits the screen.
        await using var phone = await fixture.Browser.Instance!.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true, StorageState = await context.StorageStateAsync(),
        });
        var small = await phone.NewPageAsync();
        await small.GotoAsync(page.Url);
        await Microsoft.Playwright.Assertions.Expect(small.Locator("svg.fb-chart").First).ToBeVisibleAsync();
        var overflow = await small.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone screen");
        await ShotAsync(small, "session-feedback-phone");
    }

    [SkippableFact]
    public async Task TheAdminSeesEachThresholdWithItsDefaultAndSource()
    {
        Browser.RequireOrSkip();
        await using var context = await fixture.Browser.Instance!.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        var page = await SignInAsync(context, AllianceWebFactory.Admin);
        await page.GotoAsync(new Uri(fixture.Server.Address, "/admin/thresholds").ToString());
        await Microsoft.Playwright.Assertions.Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "Feedback thresholds" })).ToBeVisibleAsync();
        await Microsoft.Playwright.Assertions.Expect(page.GetByLabel("Rupture: a member's alliance rating falls at least this far below their previous one")).ToHaveValueAsync("5");
        await ShotAsync(page, "thresholds");
    }
}
