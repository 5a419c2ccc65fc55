using System.Net;
using System.Net.Http.Json;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Process;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>The orientation through the API, as a first visit records it.</summary>
internal static class ProcessApi
{
    public static readonly string[] AllTopics = ["expectations", "responsibilities", "roles", "confidentiality", "measures"];

    /// <summary>An orientation body: every topic covered, no secrets, the given members present and consenting; a child's consent by the parent named.</summary>
    public static OrientationRequest Orientation(IEnumerable<Guid> members, Guid? consentingParent = null, Guid? sessionId = null, IEnumerable<Guid>? children = null)
    {
        var kids = (children ?? []).ToHashSet();
        return new OrientationRequest(sessionId, AllTopics, SecretsPolicy.NoSecrets, null, YoungPersonSharing.ScoresOnly,
            members.Select(m => new MemberConsentInput(m, true, kids.Contains(m) ? consentingParent : null, true, true)).ToList());
    }

    /// <summary>Orients the members through the API; children (by the case's own reading) assent with the first adult parent consenting.</summary>
    public static async Task OrientAsync(HttpClient therapist, Guid caseId, IReadOnlyList<Guid> members)
    {
        var details = (await therapist.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", ApiTests.Json))!;
        var children = details.Members.Where(m => m.IsChild).Select(m => m.Id).ToList();
        var parent = details.Members.FirstOrDefault(m => !m.IsChild && m.Role is FamilyRole.Parent or FamilyRole.Caregiver)?.Id;
        var response = await therapist.PostAsJsonAsync($"/api/cases/{caseId}/orientation", Orientation(members, parent, null, children), ApiTests.Json);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"orientation: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>The guided process through HTTP: gating, overrides, versions, reviews, the ending and closing, the pages.</summary>
[Trait("Capability", "Process")]
public sealed class ProcessTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiTests.Json;

    private sealed record Family(Guid CaseId, Guid Mum, Guid Dad, Guid Child, Guid SessionId);

    /// <summary>Two parents and a child with a first visit held yesterday that all three came to.</summary>
    private static async Task<Family> FirstVisitAsync(HttpClient therapist)
    {
        var created = await therapist.PostAsJsonAsync("/api/cases", new
        {
            name = "Process family " + Guid.NewGuid().ToString("N")[..6],
            members = new object[]
            {
                new { displayName = "Jo Process", role = "Parent", birthYear = 1984 },
                new { displayName = "Sam Process", role = "Parent", birthYear = 1982 },
                new { displayName = "Kit Process", role = "Child", birthYear = DateTime.UtcNow.Year - 9 },
            },
        }, Json);
        var caseId = (await created.Content.ReadFromJsonAsync<Created>(Json))!.Id;
        var members = (await therapist.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json))!.Members.Select(m => m.Id).ToList();
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var scheduled = await therapist.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(start, 90), Json);
        var sessionId = (await scheduled.Content.ReadFromJsonAsync<Created>(Json))!.Id;
        var held = await therapist.PostAsJsonAsync($"/api/sessions/{sessionId}/held", new RecordSessionRequest(start, start.AddMinutes(80), members, Modality.InPerson, null), Json);
        Assert.Equal(HttpStatusCode.NoContent, held.StatusCode);
        return new Family(caseId, members[0], members[1], members[2], sessionId);
    }

    private async Task<ProcessResponse> ProcessAsync(HttpClient client, Guid caseId) =>
        (await client.GetFromJsonAsync<ProcessResponse>($"/api/cases/{caseId}/process", Json))!;

    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task TheFirstSessionBookedIsTheFirstVisitAndTheGuideAsksForTheOrientation()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FirstVisitAsync(tobias);

        var process = await ProcessAsync(tobias, family.CaseId);

        Assert.Equal(EpisodePhase.FirstVisit, process.Phase);
        Assert.Equal(NextAction.Orient, process.Next.Action);
        Assert.Equal("Go through the orientation with Jo Process, Sam Process and Kit Process.", process.Next.Text);
        Assert.All(process.Members, m => Assert.False(m.Oriented));
        var page = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{family.CaseId}"));
        Assert.Contains("Go through the orientation with Jo Process, Sam Process and Kit Process.", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/cases/{family.CaseId}/orientation\"", page, StringComparison.Ordinal);
        var record = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/sessions/{family.SessionId}/record"));
        Assert.Contains("Kit Process <span class=\"muted small\">(child, not yet oriented)</span>", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuestionnairesAndActiveWorkWaitForTheOrientationAndItsWholeChecklist()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var f = await FirstVisitAsync(tobias);

        // The questionnaire page says who is not oriented yet; links are refused for them, and the work cannot begin.
        var measures = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/sessions/{f.SessionId}/measures"));
        Assert.Contains("Kit Process has not been oriented yet.", measures, StringComparison.Ordinal);
        var (html, tokens) = await tobias.IssueAsync(f.SessionId, (f.Mum, ["wellbeing-check"]));
        Assert.Empty(tokens);
        Assert.Contains("Jo Process has not been oriented yet", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("not been oriented", await ProblemAsync(await tobias.PostAsync($"/api/cases/{f.CaseId}/begin", null)), StringComparison.Ordinal);

        // The checklist must be gone through whole; a child needs the parent who consents for them.
        var partial = ProcessApi.Orientation([f.Mum, f.Dad], sessionId: f.SessionId) with { TopicsCovered = ["expectations", "roles"] };
        var problem = await ProblemAsync(await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/orientation", partial, Json));
        Assert.Contains("topics", problem, StringComparison.Ordinal);
        Assert.Contains("Responsibilities; Confidentiality and its limits; Consent to the questionnaires", problem, StringComparison.Ordinal);
        var noGuardian = ProcessApi.Orientation([f.Mum, f.Dad, f.Child], consentingParent: null, sessionId: f.SessionId, children: [f.Child]);
        Assert.Contains("Kit Process is a child", await ProblemAsync(await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/orientation", noGuardian, Json)), StringComparison.Ordinal);
        Assert.All((await ProcessAsync(tobias, f.CaseId)).Members, m => Assert.False(m.Oriented));

        var whole = ProcessApi.Orientation([f.Mum, f.Dad, f.Child], consentingParent: f.Mum, sessionId: f.SessionId, children: [f.Child]);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/orientation", whole, Json)).StatusCode);

        var process = await ProcessAsync(tobias, f.CaseId);
        Assert.All(process.Members, m => Assert.True(m is { Oriented: true, TextVersion: 1, MeasuresConsent: true }));
        Assert.Equal(AgreementForm.Assented, process.Members.Single(m => m.MemberId == f.Child).Form);
        Assert.Equal(NextAction.RecordGoals, process.Next.Action);
        (_, tokens) = await tobias.IssueAsync(f.SessionId, (f.Mum, ["wellbeing-check"]));
        Assert.Single(tokens);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsync($"/api/cases/{f.CaseId}/begin", null)).StatusCode);
        Assert.Equal(EpisodePhase.Active, (await ProcessAsync(tobias, f.CaseId)).Phase);

        // What each member agreed to is kept with who recorded it, in the audit trail too.
        var agreements = await app.AsOperatorAsync(async sp =>
            await sp.GetRequiredService<AllianceDbContext>().MemberAgreements.AsNoTracking().Where(a => a.CaseId == f.CaseId).ToListAsync());
        Assert.Equal(3, agreements.Count);
        Assert.All(agreements, a => Assert.Equal((f.SessionId, 1), (a.SessionId!.Value, a.TextVersion)));
        Assert.Equal(f.Mum, agreements.Single(a => a.MemberId == f.Child).ConsentingMemberId);
        var audited = await app.AsOperatorAsync(async sp =>
            await sp.GetRequiredService<AllianceDbContext>().AuditEntries.AsNoTracking().CountAsync(e => e.CaseId == f.CaseId && e.RecordType == "orientation"));
        Assert.Equal(3, audited);
    }

    [Fact]
    public async Task AnOverrideWithAReasonLetsTheQuestionnairesGoAheadForThatMemberAndIsKept()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var f = await FirstVisitAsync(tobias);

        Assert.Contains("reason", await ProblemAsync(await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/overrides", new OverrideRequest(OverrideScope.ClientMeasures, f.Dad, "no"), Json)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/overrides",
            new OverrideRequest(OverrideScope.ClientMeasures, f.Dad, "Working away this month; orientation booked by phone."), Json)).StatusCode);

        var (_, tokens) = await tobias.IssueAsync(f.SessionId, (f.Dad, ["wellbeing-check"]));
        Assert.Single(tokens);
        (_, tokens) = await tobias.IssueAsync(f.SessionId, (f.Mum, ["wellbeing-check"]));
        Assert.Empty(tokens);
        var page = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}/orientation"));
        Assert.Contains("Working away this month; orientation booked by phone.", page, StringComparison.Ordinal);
        Assert.Contains("by Tobias Wrenfield", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublishedTextAsksEveryoneToAgreeAgainWithoutStoppingTheWork()
    {
        await using var own = new AllianceWebFactory();
        var tobias = await own.SignedInAsync(AllianceWebFactory.Therapist);
        var f = await FirstVisitAsync(tobias);
        await ProcessApi.OrientAsync(tobias, f.CaseId, [f.Mum, f.Dad, f.Child]);

        var admin = await own.SignedInAsync(AllianceWebFactory.Admin);
        var form = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/process"));
        Assert.Contains("Version 1", form, StringComparison.Ordinal);
        var parts = Features.Process.ProcessWork.Topics.Count;
        Assert.Equal(5, parts);
        var text = Alliance.Domain.OrientationParts.Default;
        var published = await admin.PostFormAsync("/admin/process?handler=Text", new Dictionary<string, string>
        {
            ["Text.Expectations"] = text.Expectations,
            ["Text.Responsibilities"] = text.Responsibilities,
            ["Text.Roles"] = text.Roles,
            ["Text.Confidentiality"] = text.Confidentiality + " Session recordings are deleted after 30 days.",
            ["Text.MeasuresAndFeedback"] = text.MeasuresAndFeedback,
            ["Text.ChildWords"] = text.ChildWords,
        }, "/admin/process");
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);

        var process = await ProcessAsync(tobias, f.CaseId);
        Assert.Equal(2, process.OrientationTextVersion);
        Assert.All(process.Members, m => Assert.True(m is { Oriented: true, NeedsRenewal: true, TextVersion: 1 }));
        Assert.Contains(process.Reminders, r => r.Contains("has changed since Jo Process, Sam Process and Kit Process agreed", StringComparison.Ordinal));
        var (_, tokens) = await tobias.IssueAsync(f.SessionId, (f.Mum, ["wellbeing-check"]));
        Assert.Single(tokens);

        await ProcessApi.OrientAsync(tobias, f.CaseId, [f.Mum]);
        process = await ProcessAsync(tobias, f.CaseId);
        Assert.Equal((2, false), (process.Members.Single(m => m.MemberId == f.Mum).TextVersion, process.Members.Single(m => m.MemberId == f.Mum).NeedsRenewal));
        var sheet = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}/orientation/sheet"));
        Assert.Contains("Session recordings are deleted after 30 days.", sheet, StringComparison.Ordinal);
        Assert.Contains("text version 2", sheet, StringComparison.Ordinal);
        Assert.Contains("no secrets", sheet, StringComparison.Ordinal);
        Assert.Contains("Your therapist's clinical supervisor: Dr Imogen Farrowdale.", sheet, StringComparison.Ordinal);
        // Reviews every 4 sessions and a follow-up on the ending checklist, as the admin sets them.
        var refused = await admin.PostFormAsync("/admin/process?handler=Settings", new Dictionary<string, string> { ["Settings.ReviewEverySessions"] = "1" }, "/admin/process");
        Assert.Contains("Propose a review every 2 to 52 sessions.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var saved = await admin.PostFormAsync("/admin/process?handler=Settings", new Dictionary<string, string> { ["Settings.ReviewEverySessions"] = "4", ["Settings.OffersFollowUp"] = "true" }, "/admin/process");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var agency = await own.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Agencies.AsNoTracking().SingleAsync());
        Assert.Equal((4, true), (agency.ReviewEverySessions, agency.OffersFollowUp));
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsync($"/api/cases/{f.CaseId}/begin", null)).StatusCode);
        Assert.Contains("Follow-up (the agency offers one)", WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}/ending")), StringComparison.Ordinal);

        var publication = await own.AsOperatorAsync(async sp =>
            await sp.GetRequiredService<AllianceDbContext>().AuditEntries.AsNoTracking().CountAsync(e => e.RecordType == "orientation-text" && e.Action == AuditActions.Create));
        Assert.Equal(1, publication);
    }

    [Fact]
    public async Task GoalsPlanReviewEndingAndClosingWithTheOutcomeReadFromTheScores()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var f = await FirstVisitAsync(tobias);
        await ProcessApi.OrientAsync(tobias, f.CaseId, [f.Mum, f.Dad, f.Child]);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/goals", new GoalRequest("Calmer mornings before school"), Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/plan", new PlanRequest(7, 60, 10), Json)).StatusCode);
        Assert.Contains("planSessionMinutes", await ProblemAsync(await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/plan", new PlanRequest(7, 5, null), Json)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(NextAction.StartActiveWork, (await ProcessAsync(tobias, f.CaseId)).Next.Action);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsync($"/api/cases/{f.CaseId}/begin", null)).StatusCode);

        // Five more sessions, Jo's well-being scored at the first and the last: 18 then 27.
        var sessions = new List<Guid> { f.SessionId };
        for (var i = 0; i < 5; i++)
        {
            var start = DateTimeOffset.UtcNow.AddHours(-20 + (3 * i));
            var s = (await (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/sessions", new ScheduleSessionRequest(start, 60), Json)).Content.ReadFromJsonAsync<Created>(Json))!.Id;
            Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/sessions/{s}/held", new RecordSessionRequest(start, start.AddMinutes(50), [f.Mum], Modality.InPerson, null), Json)).StatusCode);
            sessions.Add(s);
        }
        var family = new TestFamily(f.CaseId, [f.Mum, f.Dad, f.Child], sessions);
        await FeedbackFamilies.ScoreAsync(app, family, (0, 0, "wellbeing-check", 18, "{}"), (5, 0, "wellbeing-check", 27, "{}"));

        var process = await ProcessAsync(tobias, f.CaseId);
        Assert.Equal((NextAction.Review, 6), (process.Next.Action, process.ReviewDueAfter!.Value));
        var goals = await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Goals.AsNoTracking().Where(g => g.CaseId == f.CaseId).Select(g => g.Id).ToListAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/reviews",
            new ReviewRequest(new Dictionary<Guid, int> { [goals.Single()] = 8 }, ReviewDecision.PlanEnding, "Mornings are calm; the family wants to end."), Json)).StatusCode);
        Assert.Equal(NextAction.ScheduleSession, (await ProcessAsync(tobias, f.CaseId)).Next.Action);

        Assert.Contains("relapsePlan", await ProblemAsync(await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/ending", new EndingRequest(DateTimeOffset.UtcNow.AddDays(7), true, null, null), Json)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/ending",
            new EndingRequest(DateTimeOffset.UtcNow.AddDays(7), true, "Sunday family meeting; the duty line if mornings slide for two weeks.", DateTimeOffset.UtcNow.AddDays(97)), Json)).StatusCode);
        process = await ProcessAsync(tobias, f.CaseId);
        Assert.Equal((EpisodePhase.TerminationPlanned, NextAction.Close), (process.Phase, process.Next.Action));
        var ending = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}/ending"));
        Assert.Contains("Jo Process: 18 → 27 on wellbeing-check over 2 ratings, recovered", ending, StringComparison.Ordinal);

        var closed = await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/close", new CloseRequest(false, "Planned ending; the mornings are calm and the family has a plan."), Json);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        // Jo recovered (18 → 27: +9 ≥ 5, from below 25 to above); nobody else was measured: the family recovered.
        Assert.Equal(EpisodeOutcome.Recovered, (await closed.Content.ReadFromJsonAsync<ClosedResponse>(Json))!.Outcome);
        var episode = await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Episodes.AsNoTracking()
            .Include(e => e.MemberOutcomes).SingleAsync(e => e.CaseId == f.CaseId));
        Assert.Equal((EpisodePhase.Closed, (EpisodeOutcome?)EpisodeOutcome.Recovered), (episode.Phase, episode.Outcome));
        Assert.Equal((f.Mum, 18m, 27m, ChangeOutcome.Recovered), episode.MemberOutcomes.Select(o => (o.MemberId, o.FirstScore, o.LastScore, o.Outcome)).Single());
    }

    [Fact]
    public async Task TheProcessPagesAreForTheFamilysCliniciansOnly()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var f = await FirstVisitAsync(tobias);
        foreach (var page in new[] { "orientation", "orientation/sheet", "goals", "review", "ending" })
        {
            Assert.Equal(HttpStatusCode.OK, (await tobias.GetAsync($"/cases/{f.CaseId}/{page}")).StatusCode);
            var jonah = await app.SignedInAsync("jonah@harbourlight.example");
            Assert.Equal(HttpStatusCode.NotFound, (await jonah.GetAsync($"/cases/{f.CaseId}/{page}")).StatusCode);
        }
        var orientation = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}/orientation"));
        Assert.Contains("Not yet oriented", orientation, StringComparison.Ordinal);
        Assert.Contains("duty to warn or protect", orientation, StringComparison.Ordinal);
        Assert.Contains("assents", orientation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFamilysFeedbackViewShowsOnlyWhoConsentedAndAYoungPersonAsTheFamilyAgreed()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var f = await FirstVisitAsync(tobias);
        var body = ProcessApi.Orientation([f.Mum, f.Dad, f.Child], f.Mum, f.SessionId, [f.Child]) with { YoungPersonSharing = YoungPersonSharing.NothingShared };
        body = body with { Members = body.Members!.Select(m => m.MemberId == f.Dad ? m with { Feedback = false } : m).ToList() };
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/orientation", body, Json)).StatusCode);
        var family = new TestFamily(f.CaseId, [f.Mum, f.Dad, f.Child], [f.SessionId]);
        await FeedbackFamilies.ScoreAsync(app, family, (0, 0, "wellbeing-check", 30, "{}"), (0, 1, "wellbeing-check", 28, "{}"), (0, 2, "wellbeing-check", 26, "{}"));

        var page = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/sessions/{f.SessionId}/feedback"));

        Assert.Contains($"id=\"fb-{f.Mum}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"fb-{f.Dad}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"id=\"fb-{f.Child}\"", page, StringComparison.Ordinal);
        Assert.Contains("Sam Process's answers are not shown: they have not agreed to look at their scores with the family", page, StringComparison.Ordinal);
        Assert.Contains("Kit Process's answers are not shown: the family agreed that parents do not see a young person's answers", page, StringComparison.Ordinal);

        // The family changes its mind: parents may see the young person's scores.
        var again = ProcessApi.Orientation([f.Child], f.Mum, f.SessionId, [f.Child]) with { YoungPersonSharing = YoungPersonSharing.ScoresOnly };
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/orientation", again, Json)).StatusCode);
        page = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/sessions/{f.SessionId}/feedback"));
        Assert.Contains($"id=\"fb-{f.Child}\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryDemoFamilyShowsItsPlaceInTheProcessAndEveryProcessPageOpens()
    {
        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var caseload = await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Cases.AsNoTracking()
            .Select(c => new { c.Id, c.Name }).ToListAsync());
        // The demo's own families (the tests of this class add families named "Process family ...").
        caseload = caseload.Where(c => !c.Name.StartsWith("Process family", StringComparison.Ordinal)).ToList();
        Assert.True(caseload.Count >= 12, $"{caseload.Count} demo families");
        var phases = new HashSet<EpisodePhase>();
        foreach (var c in caseload)
        {
            var process = await ProcessAsync(supervisor, c.Id);
            phases.Add(process.Phase);
            Assert.False(string.IsNullOrWhiteSpace(process.Next.Text), c.Name);
            foreach (var page in new[] { "", "/orientation", "/orientation/sheet", "/goals", "/review", "/ending" })
            {
                var response = await supervisor.GetAsync($"/cases/{c.Id}{page}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{c.Name}{page}: {response.StatusCode}");
            }
        }
        // The demo shows every step: a referral, first visits, active work, planned endings and a closed family.
        Assert.Equal(Enum.GetValues<EpisodePhase>().ToHashSet(), phases);
    }
}
