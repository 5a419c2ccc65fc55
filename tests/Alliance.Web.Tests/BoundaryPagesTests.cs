using System.Net;
using System.Net.Http.Json;
using Alliance.Application.Boundaries;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// The boundary pages: the private self-check (who can see it, stated on the page; a recurring family flagged to the
/// supervisor by name and months only, with a one-step request), the therapist's yellow lights, the supervisor's one
/// page, the admin's numbers (audited) and referral attributes, and intake decisions.
/// </summary>
[Trait("Capability", "Boundaries")]
public sealed class BoundaryPagesTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiTests.Json;

    [Fact]
    public async Task ARecurringFamilyInTheSelfCheckReachesTheSupervisorAsAPatternWithoutTheAnswers()
    {
        var (tobias, caseId, caseName, thisMonth) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var id = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
            var c = await db.Cases.Where(x => x.PrimaryTherapistId == id && x.CoTherapistId == null).OrderByDescending(x => x.Name).FirstAsync();
            var agency = await db.Agencies.SingleAsync();
            var local = agency.ToLocal(DateTime.UtcNow);
            var month = new DateOnly(local.Year, local.Month, 1);
            // Two months ago the family was marked; last month it was not.
            var earlier = new SelfCheck(agency.Id, id, month.AddMonths(-2), DateTime.UtcNow);
            earlier.Answer(c.Id, false, false, true, false, "Kept thinking about the eldest on my day off", DateTime.UtcNow);
            var last = new SelfCheck(agency.Id, id, month.AddMonths(-1), DateTime.UtcNow);
            last.Answer(c.Id, false, false, false, false, null, DateTime.UtcNow);
            db.SelfChecks.AddRange(earlier, last);
            await db.SaveChangesAsync();
            return (id, c.Id, c.Name, month);
        });

        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var page = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/self-check"));
        Assert.Contains("Who can see this:", page, StringComparison.Ordinal);
        Assert.Contains("only you can read your answers and notes", page, StringComparison.Ordinal);
        Assert.Contains("2 of the last 3 months", page, StringComparison.Ordinal);
        Assert.Contains(caseName, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Families that keep coming up", page, StringComparison.Ordinal);

        var rows = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            return await db.Cases.Where(c => (c.PrimaryTherapistId == tobias || c.CoTherapistId == tobias)
                && c.Episodes.OrderByDescending(e => e.Number).Select(e => e.Phase).FirstOrDefault() != EpisodePhase.Closed)
                .OrderBy(c => c.Name).Select(c => c.Id).ToListAsync();
        });
        var fields = new Dictionary<string, string>();
        for (var i = 0; i < rows.Count; i++)
        {
            fields[$"Answers[{i}].CaseId"] = rows[i].ToString();
            if (rows[i] == caseId)
            {
                fields[$"Answers[{i}].SharedOwnTroubles"] = "true";
                fields[$"Answers[{i}].Note"] = "Told them about my own mother's illness";
            }
        }
        var saved = await client.PostFormAsync("/self-check", fields);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/self-check"));
        Assert.Contains("Families that keep coming up", after, StringComparison.Ordinal);
        Assert.Contains("Told them about my own mother's illness", after, StringComparison.Ordinal);
        Assert.Contains("A family that keeps coming up", System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/boundaries")), StringComparison.Ordinal);

        // The supervisor sees the family and the months, never the answers or notes.
        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var lights = await supervisor.GetFromJsonAsync<List<SuperviseeLights>>("/api/supervision/yellow-lights", Json);
        var tobiasLights = Assert.Single(lights!, s => s.TherapistId == tobias);
        var pattern = Assert.Single(tobiasLights.Recent, l => l.Kind == "self-check-pattern");
        Assert.Equal(caseId, pattern.CaseId);
        var monthNames = new[] { thisMonth.AddMonths(-2), thisMonth }.Select(m => m.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(monthNames, m => Assert.Contains(m, pattern.Evidence, StringComparison.Ordinal));
        var supervisorPage = System.Net.WebUtility.HtmlDecode(await supervisor.GetStringAsync("/supervision/boundaries"));
        Assert.Contains("A family that keeps coming up", supervisorPage, StringComparison.Ordinal);
        foreach (var secret in new[] { "mother's illness", "day off", "difficulties in my own life" })
        {
            Assert.DoesNotContain(secret, supervisorPage, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, await supervisor.GetStringAsync("/api/supervision/yellow-lights"), StringComparison.Ordinal);
        }
        // The self-check page is the therapist's own: the supervisor's is about their own caseload.
        Assert.DoesNotContain("mother's illness", System.Net.WebUtility.HtmlDecode(await supervisor.GetStringAsync("/self-check")), StringComparison.Ordinal);

        // One step from the pattern to the supervisor.
        var asked = await client.PostFormAsync("/self-check?handler=Ask", new() { ["caseId"] = caseId.ToString() }, "/self-check");
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var requests = await supervisor.GetFromJsonAsync<List<AssistanceView>>("/api/supervision/assistance", Json);
        Assert.Contains(requests!, r => r.CaseId == caseId && r.TherapistId == tobias && r.Text == Alliance.Web.Features.Boundaries.SelfCheckModel.PatternRequest);
    }

    [Fact]
    public async Task TheSupervisorsPageGathersIncidentsRequestsRupturesAndYellowLights()
    {
        var (caseId, caseName) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var tobias = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
            var c = await db.Cases.Where(x => x.PrimaryTherapistId == tobias && x.CoTherapistId == null).OrderBy(x => x.Name).FirstAsync();
            db.Alerts.Add(new Alert(c.AgencyId, c.Id, null, null, 4, "session-overrun", "low", null, "[]",
                "Sessions 2 to 4 ran 25 minutes or more over their planned time.", "Check whether the sessions' length still fits the plan.", "boundary-test|" + Guid.NewGuid(), DateTime.UtcNow));
            db.Alerts.Add(new Alert(c.AgencyId, c.Id, null, null, 3, "unrepaired-rupture", "medium", null, "[]",
                "A drop in the alliance at session 3 has not recovered.", "Talk about the relationship itself.", "boundary-test|" + Guid.NewGuid(), DateTime.UtcNow));
            await db.SaveChangesAsync();
            return (c.Id, c.Name);
        });
        var tobiasClient = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var report = await tobiasClient.PostAsJsonAsync("/api/incidents", new ReportIncidentCommand(caseId, null, IncidentCategory.Violence, "The father threw a chair in the waiting room."), Json);
        Assert.Equal(HttpStatusCode.Created, report.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await tobiasClient.PostAsJsonAsync("/api/assistance", new AskForAssistanceCommand(caseId, "How do I keep the sessions safe now?"), Json)).StatusCode);

        var own = System.Net.WebUtility.HtmlDecode(await tobiasClient.GetStringAsync("/boundaries"));
        Assert.Contains("Sessions running over", own, StringComparison.Ordinal);
        Assert.Contains("Sessions 2 to 4 ran 25 minutes", own, StringComparison.Ordinal);
        Assert.Contains("prompts for reflection, not judgements", own, StringComparison.Ordinal);

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var page = System.Net.WebUtility.HtmlDecode(await supervisor.GetStringAsync("/supervision/boundaries"));
        Assert.Contains("Open incidents", page, StringComparison.Ordinal);
        Assert.Contains("Violence", page, StringComparison.Ordinal);
        Assert.Contains("How do I keep the sessions safe now?", page, StringComparison.Ordinal);
        Assert.Contains("A drop in the alliance at session 3 has not recovered.", page, StringComparison.Ordinal);
        Assert.Contains("Tobias Wrenfield", page, StringComparison.Ordinal);
        Assert.Contains("Sessions running over", page, StringComparison.Ordinal);
        var lights = await supervisor.GetFromJsonAsync<List<SuperviseeLights>>("/api/supervision/yellow-lights", Json);
        var tobias = lights!.Single(s => s.Therapist == "Tobias Wrenfield");
        Assert.Equal(6, tobias.ByMonth.Count);
        Assert.True(tobias.ByMonth[^1].Count >= 1);
        Assert.Contains(caseName, page, StringComparison.Ordinal);

        // The supervisor answers from the page.
        var request = (await supervisor.GetFromJsonAsync<List<AssistanceView>>("/api/supervision/assistance", Json))!.First(r => r.Text == "How do I keep the sessions safe now?");
        var answered = await supervisor.PostFormAsync("/supervision/boundaries?handler=Answer", new() { ["requestId"] = request.Id.ToString(), ["answer"] = "Two staff in the room until we review." }, "/supervision/boundaries");
        Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        Assert.Contains("Two staff in the room until we review.", System.Net.WebUtility.HtmlDecode(await tobiasClient.GetStringAsync("/assistance")), StringComparison.Ordinal);

        // A therapist is refused the supervisor's page.
        var refused = await tobiasClient.GetAsync("/supervision/boundaries");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/denied", refused.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdminChangesTheNumbersWithAnAuditEntryAndDefinesReferralAttributesThatIntakeRecords()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var bad = await admin.PostFormAsync("/admin/boundaries", new()
        {
            ["Input.SelfCheckTimes"] = "5", ["Input.SelfCheckWindow"] = "3", ["Input.MinimumDecisions"] = "20", ["Input.MinimumExpected"] = "5", ["Input.Alpha"] = "0.05", ["Input.HoursShareRatio"] = "2",
        });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Choose 1 up to the window", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ok = await admin.PostFormAsync("/admin/boundaries", new()
        {
            ["Input.SelfCheckTimes"] = "2", ["Input.SelfCheckWindow"] = "4", ["Input.MinimumDecisions"] = "25", ["Input.MinimumExpected"] = "5", ["Input.Alpha"] = "0.05", ["Input.HoursShareRatio"] = "2.5",
        });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var (window, audited) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var s = await db.BoundarySettings.SingleAsync();
            return (s.SelfCheckWindow, await db.AuditEntries.CountAsync(e => e.RecordType == "boundary-settings"));
        });
        Assert.Equal(4, window);
        Assert.True(audited >= 1);
        // Back to the defaults, which the self-check test in this class relies on.
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/admin/boundaries", new()
        {
            ["Input.SelfCheckTimes"] = "2", ["Input.SelfCheckWindow"] = "3", ["Input.MinimumDecisions"] = "20", ["Input.MinimumExpected"] = "5", ["Input.Alpha"] = "0.05", ["Input.HoursShareRatio"] = "2",
        })).StatusCode);

        var field = await admin.PostFormAsync("/admin/boundaries?handler=Field", new() { ["name"] = "Funding source", ["values"] = "Public\nInsurance\nSelf-paying" }, "/admin/boundaries");
        Assert.Equal(HttpStatusCode.Redirect, field.StatusCode);
        var therapist = await app.SignedInAsync("jonah@harbourlight.example");
        var form = await therapist.GetStringAsync("/intake");
        Assert.Contains("Funding source", form, StringComparison.Ordinal);
        var fieldId = await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().ReferralFields.Where(f => f.Name == "Funding source").Select(f => f.Id).SingleAsync());
        var missing = await therapist.PostFormAsync("/intake", new() { ["Input.Referral"] = "R-101", ["Input.Outcome"] = "Declined", ["Input.Reason"] = "Caseload full" });
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains("Choose a value for Funding source.", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var recorded = await therapist.PostFormAsync("/intake", new()
        {
            ["Input.Referral"] = "R-102", ["Input.Outcome"] = "Accepted", ["Input.Reason"] = "Fits my Thursday slots", [$"Input.Values[{fieldId}]"] = "Insurance",
        });
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        Assert.Contains("Funding source: Insurance", await therapist.GetStringAsync("/intake"), StringComparison.Ordinal);
        // Admins see the intake settings but not the therapists' own decisions list.
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/intake")).StatusCode);
    }
}
