using System.Net;
using System.Net.Http.Json;
using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Alerts;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Inbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>Alerts in the app: raised from stored scores, shown with their evidence, acknowledged, resolved, escalated.</summary>
[Trait("Capability", "Signals")]
public sealed class AlertTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiTests.Json;

    /// <summary>A new family on Tobias's caseload with two held sessions and alliance scores 38 then 29 (a rupture).</summary>
    private Task<Guid> RupturedFamilyAsync(HttpClient tobias) =>
        FamilyWithAllianceScoresAsync(tobias, "Rupture family", "Dana Test", 38, 29);

    /// <summary>A new family of one member on Tobias's caseload with a held session a week apart for each alliance score, the last a week ago.</summary>
    private async Task<Guid> FamilyWithAllianceScoresAsync(HttpClient tobias, string name, string member, params int[] scores)
    {
        var created = await tobias.PostAsJsonAsync("/api/cases", new { name = name + " " + Guid.NewGuid().ToString("N")[..6], members = new[] { new { displayName = member, role = "Parent", birthYear = 1980 } } }, Json);
        var caseId = (await created.Content.ReadFromJsonAsync<Created>(Json))!.Id;
        var memberId = (await tobias.GetFromJsonAsync<Features.Cases.CaseDetails>($"/api/cases/{caseId}", Json))!.Members[0].Id;
        for (var i = 0; i < scores.Length; i++)
        {
            var start = DateTimeOffset.UtcNow.AddDays(-7 * (scores.Length - i));
            var s = await tobias.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(start, 60), Json);
            var sessionId = (await s.Content.ReadFromJsonAsync<Created>(Json))!.Id;
            await tobias.PostAsJsonAsync($"/api/sessions/{sessionId}/held", new RecordSessionRequest(start, start.AddMinutes(50), [memberId], Modality.InPerson, null), Json);
        }
        await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var sessions = await db.Sessions.Include(s => s.Episode).ThenInclude(e => e.Case).ThenInclude(c => c.Members)
                .Where(s => s.CaseId == caseId).OrderBy(s => s.Number).ToListAsync();
            for (var i = 0; i < scores.Length; i++)
                db.Responses.Add(new Response(sessions[i], memberId, "alliance-check", RaterRole.Client, null, scores[i], null, false, "{}", ResponseSource.Paper, DateTime.UtcNow));
            await db.SaveChangesAsync();
            await sp.GetRequiredService<CaseFeedback>().EvaluateAsync(caseId);
            return await db.SaveChangesAsync();
        });
        return caseId;
    }

    [Fact]
    public async Task ARuptureShowsOnTheCaseAndCaseloadAndIsAcknowledgedThenResolved()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await RupturedFamilyAsync(tobias);

        var alerts = await tobias.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", Json);
        var rupture = Assert.Single(alerts!, a => a.Kind == "rupture");
        Assert.Equal(("medium", 2, "Dana Test", AlertStatus.Open), (rupture.Severity, rupture.SessionNumber, rupture.Member, rupture.Status));
        Assert.Contains(alerts!, a => a.Kind == "low-alliance");

        var page = await tobias.GetStringAsync($"/cases/{caseId}");
        Assert.Contains("Feedback from the scores", page, StringComparison.Ordinal);
        Assert.Contains("<strong>Rupture</strong>", page, StringComparison.Ordinal);
        Assert.Contains(rupture.Message, System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        var row = (await tobias.GetFromJsonAsync<CaseloadView>("/api/caseload", Json))!.Cases.Single(c => c.CaseId == caseId);
        Assert.Equal(2, row.MediumAlerts);

        // Someone outside the care relationship cannot act on it.
        var jonah = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.Equal(HttpStatusCode.NotFound, (await jonah.PostAsync($"/api/alerts/{rupture.Id}/acknowledge", null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsync($"/api/alerts/{rupture.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tobias.PostAsJsonAsync($"/api/alerts/{rupture.Id}/resolve", new ResolveAlertRequest(" "), Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/alerts/{rupture.Id}/resolve", new ResolveAlertRequest("Talked it through; Dana felt rushed last time."), Json)).StatusCode);
        var after = (await tobias.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", Json))!.Single(a => a.Id == rupture.Id);
        Assert.Equal((AlertStatus.Resolved, "Talked it through; Dana felt rushed last time."), (after.Status, after.ResolutionNote));
    }

    [Fact]
    public async Task AlertsOfOneKindAboutOneMemberShowAsOneGroupAndAreActedOnTogether()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        // Alliance 30, 31, 32 at three sessions: below the cutoff of 36 each time, so a low-alliance alert at each.
        var caseId = await FamilyWithAllianceScoresAsync(tobias, "Standing concern", "Rowan Test", 30, 31, 32);
        var low = (await tobias.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", Json))!.Where(a => a.Kind == "low-alliance").ToList();
        Assert.Equal([1, 2, 3], low.Select(a => a.SessionNumber ?? 0).Order());

        // One article for the standing concern, led by the newest, with the two before it listed under it.
        var url = $"/cases/{caseId}";
        var page = System.Net.WebUtility.HtmlDecode(await tobias.GetStringAsync(url));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "aria-label=\"medium alert: low-alliance\""));
        Assert.Contains("· 3 times", page, StringComparison.Ordinal);
        Assert.Contains("The 2 before it", page, StringComparison.Ordinal);
        Assert.Contains(low.Single(a => a.SessionNumber == 3).Message, page, StringComparison.Ordinal);
        Assert.Contains("Acknowledge all 3", page, StringComparison.Ordinal);

        // Acting on a group is all or nothing: an alert of another therapist's family in it refuses the whole request.
        var foreign = await tobias.PostFormAsync($"{url}?handler=Acknowledge", low.Select(a => new KeyValuePair<string, string>("alertId", a.Id.ToString())).Append(new("alertId", Guid.NewGuid().ToString())), url);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.All((await tobias.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", Json))!.Where(a => a.Kind == "low-alliance"), a => Assert.Equal(AlertStatus.Open, a.Status));

        var acknowledged = await tobias.PostFormAsync($"{url}?handler=Acknowledge", low.Select(a => new KeyValuePair<string, string>("alertId", a.Id.ToString())), url);
        Assert.Equal(HttpStatusCode.Redirect, acknowledged.StatusCode);
        Assert.All((await tobias.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", Json))!.Where(a => a.Kind == "low-alliance"), a => Assert.Equal(AlertStatus.Acknowledged, a.Status));

        var resolved = await tobias.PostFormAsync($"{url}?handler=Resolve",
            low.Select(a => new KeyValuePair<string, string>("alertId", a.Id.ToString())).Append(new("note", "Asked Rowan what fits; we changed the task.")), url);
        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        Assert.All((await tobias.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", Json))!.Where(a => a.Kind == "low-alliance"),
            a => Assert.Equal((AlertStatus.Resolved, "Asked Rowan what fits; we changed the task."), (a.Status, a.ResolutionNote)));
        Assert.DoesNotContain("aria-label=\"medium alert: low-alliance\"", await tobias.GetStringAsync(url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSupervisorSeesOpenAlertsOldestFirstAndOverdueHighOnesAreEscalatedOnce()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await RupturedFamilyAsync(tobias);
        // A high-severity alert left unacknowledged for a week.
        var old = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var c = await db.Cases.SingleAsync(x => x.Id == caseId);
            var alert = new Alert(c.AgencyId, c.Id, null, null, 2, "deterioration", "high", "wellbeing-check", "[]",
                "Wellbeing fell from 30 to 22.", "Discuss progress with the family.", "test|deterioration", DateTime.UtcNow.AddDays(-7));
            db.Alerts.Add(alert);
            await db.SaveChangesAsync();
            return alert.Id;
        });

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var open = await supervisor.GetFromJsonAsync<List<AlertView>>("/api/supervision/alerts", Json);
        Assert.Equal(old, open![0].Id);
        Assert.True(open.Select(a => a.CreatedAt).SequenceEqual(open.Select(a => a.CreatedAt).Order()));
        Assert.Equal(HttpStatusCode.Forbidden, (await tobias.GetAsync("/api/supervision/alerts")).StatusCode);

        var sweep = app.Services.GetRequiredService<AlertEscalation>();
        Assert.True(await sweep.SweepAsync(CancellationToken.None) >= 1);
        Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        var inbox = await supervisor.GetFromJsonAsync<List<NotificationView>>("/api/notifications", Json);
        Assert.Single(inbox!, n => n.Kind == "escalation" && n.Text.Contains("Wellbeing fell from 30 to 22.", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task TheEscalationSweepTakesItsTurnWithTheOtherWriters()
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Alliance.Web.Security.HttpTenantContext>().ActFor(FixedTenant.Operator);
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A long write on the same database file (an answer and its alerts, say) holds the writer's turn.
        var turn = SqliteWriterTurns.RunAsync(db.Database, () =>
        {
            started.SetResult();
            release.Task.Wait(TimeSpan.FromSeconds(20));
            return Task.FromResult(1);
        }, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var sweep = app.Services.GetRequiredService<AlertEscalation>().SweepAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(sweep.IsCompleted);

        release.SetResult();
        await turn.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(await sweep.WaitAsync(TimeSpan.FromSeconds(10)) >= 0);
    }

    [Theory]
    [InlineData("2026-11-20T10:00", "2026-11-23T09:59", 0)] // Friday to Monday, before the same time of day
    [InlineData("2026-11-20T10:00", "2026-11-23T10:00", 1)] // Monday at the same time: one working day
    [InlineData("2026-11-20T10:00", "2026-11-24T10:00", 2)] // Tuesday: two, the weekend not counted
    [InlineData("2026-11-23T16:00", "2026-11-25T15:00", 1)] // Monday 16:00 to Wednesday 15:00
    public void WorkingDaysCountOnlyTheAgencysDays(string from, string now, int expected)
    {
        var agency = new Agency("Test agency", "UTC", DateTime.UtcNow);
        var days = AlertEscalation.WorkingDaysBetween(agency,
            DateTime.SpecifyKind(DateTime.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc),
            DateTime.SpecifyKind(DateTime.Parse(now, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc));
        Assert.Equal(expected, days);
    }
}
