using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Alliance.Application.Boundaries;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Api;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// Boundary watch over HTTP: contacts through the API and their alerts; red-light routing (the supervisor at once, the
/// admin without the narrative) and visibility (the therapist a report concerns cannot see or change it by any route;
/// another supervisor cannot see it; the family link reads nothing back); requests for assistance and their answers.
/// </summary>
[Trait("Capability", "Boundaries")]
public sealed class BoundaryTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiTests.Json;

    private sealed record Family(Guid CaseId, string CaseName, Guid MemberId, Guid SessionId, Guid Tobias, Guid Amara);

    /// <summary>A family of Tobias's that Amara does not share, with a held session.</summary>
    private Task<Family> TobiasFamilyAsync() => app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var tobias = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
        var amara = await db.Users.Where(u => u.Email == AllianceWebFactory.OtherTherapist).Select(u => u.Id).SingleAsync();
        var c = await db.Cases.Include(x => x.Members).Include(x => x.Episodes).ThenInclude(e => e.Sessions)
            .Where(x => x.PrimaryTherapistId == tobias && x.CoTherapistId == null).OrderBy(x => x.Name).FirstAsync();
        var session = c.Episodes.SelectMany(e => e.Sessions).First(s => s.Status == SessionStatus.Held);
        return new Family(c.Id, c.Name, c.Members[0].Id, session.Id, tobias, amara);
    });

    /// <summary>A questionnaire link for the member, made directly: its token is returned once, as the therapist would get it.</summary>
    private Task<string> LinkAsync(Family f, TimeSpan? lifetime = null, bool completed = false) => app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var session = await db.Sessions.Include(s => s.Episode).ThenInclude(e => e.Case).ThenInclude(c => c.Members).SingleAsync(s => s.Id == f.SessionId);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var link = new QuestionnaireLink(session, f.MemberId, ["alliance-check"], StaffAccounts.Hash(token), f.Tobias,
            DateTime.UtcNow - (lifetime is { } l && l < TimeSpan.Zero ? TimeSpan.FromDays(2) : TimeSpan.Zero), lifetime is { } x && x < TimeSpan.Zero ? TimeSpan.FromDays(1) : QuestionnaireLink.DefaultLifetime);
        if (completed) link.Complete(DateTime.UtcNow);
        db.QuestionnaireLinks.Add(link);
        await db.SaveChangesAsync();
        return token;
    });

    private async Task<HttpClient> OtherSupervisorAsync()
    {
        var email = $"s{Guid.NewGuid():N}@harbourlight.example";
        await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var agency = await db.Agencies.Select(a => a.Id).SingleAsync();
            var jonah = await db.Users.Where(u => u.Email == "jonah@harbourlight.example").Select(u => u.Id).SingleAsync();
            var created = await sp.GetRequiredService<StaffAccounts>().CreateAsync(agency, new NewStaff(email, "Rowan Ellery", [StaffRoles.Supervisor]), "quiet-harbour-lantern-7");
            // A supervisor, but of someone else: not over Tobias.
            db.SupervisionLines.Add(new SupervisionLine(agency, created.Id, jonah, DateTime.UtcNow));
            await db.SaveChangesAsync();
            return created;
        });
        return await app.SignedInAsync(email, "quiet-harbour-lantern-7");
    }

    private async Task<Guid> FamilyReportsAsync(string token, string narrative, IncidentCategory category = IncidentCategory.InappropriateAdvances)
    {
        var family = app.Client();
        var page = await family.GetAsync($"/q/{token}/uncomfortable");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var sent = await family.PostFormAsync($"/q/{token}/uncomfortable", new() { ["Category"] = category.ToString(), ["Narrative"] = narrative });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var html = await sent.Content.ReadAsStringAsync();
        Assert.Contains("Thank you for telling us", html, StringComparison.Ordinal);
        // The answer carries nothing of what was written back to the phone.
        Assert.DoesNotContain(narrative, html, StringComparison.Ordinal);
        return await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Incidents
            .OrderByDescending(i => i.ReportedAt).Select(i => i.Id).FirstAsync());
    }

    [Fact]
    public async Task AFamilyReportReachesTheSupervisorAtOnceAndTheAdminWithoutItsWords()
    {
        var f = await TobiasFamilyAsync();
        var token = await LinkAsync(f);
        const string narrative = "My therapist asked me to meet him for coffee on Saturday.";
        var id = await FamilyReportsAsync(token, narrative);

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var inbox = await supervisor.GetFromJsonAsync<List<Alliance.Web.Features.Inbox.NotificationView>>("/api/notifications", Json);
        var told = inbox!.First(n => n.Kind == "incident" && n.Text.Contains(f.CaseName, StringComparison.Ordinal) && n.Text.Contains("inappropriate advances", StringComparison.Ordinal) && !n.IsRead);
        Assert.StartsWith("High priority", told.Text, StringComparison.Ordinal);
        Assert.Contains("inappropriate advances", told.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("coffee", told.Text, StringComparison.Ordinal);
        var details = await supervisor.GetFromJsonAsync<IncidentDetails>($"/api/incidents/{id}", Json);
        Assert.Equal(narrative, details!.Narrative);
        Assert.Equal(IncidentWork.FamilyReporter, details.Summary.Reporter);
        Assert.Equal("Tobias Wrenfield", details.Summary.Concerns);
        Assert.True(details.CanRespond);
        var page = await supervisor.GetStringAsync($"/incidents/{id}");
        Assert.Contains(narrative, System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);

        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var adminInbox = await admin.GetFromJsonAsync<List<Alliance.Web.Features.Inbox.NotificationView>>("/api/notifications", Json);
        var adminTold = adminInbox!.First(n => n.Kind == "incident" && n.Text.Contains(f.CaseName, StringComparison.Ordinal) && n.Text.Contains("inappropriate advances", StringComparison.Ordinal));
        Assert.Contains("inappropriate advances", adminTold.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("coffee", adminTold.Text, StringComparison.Ordinal);
        var overview = await admin.GetFromJsonAsync<List<IncidentSummary>>("/api/incidents", Json);
        var line = Assert.Single(overview!, i => i.Id == id);
        Assert.Equal((IncidentCategory.InappropriateAdvances, f.CaseId, f.CaseName), (line.Category, line.CaseId, line.CaseName));
        Assert.Null(line.Concerns);
        var adminRaw = await admin.GetStringAsync("/api/incidents");
        Assert.DoesNotContain("coffee", adminRaw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/incidents/{id}")).StatusCode);
        var adminPage = await admin.GetStringAsync("/incidents");
        Assert.Contains(f.CaseName, System.Net.WebUtility.HtmlDecode(adminPage), StringComparison.Ordinal);
        Assert.DoesNotContain("coffee", adminPage, StringComparison.Ordinal);

        // The narrative is ciphertext in the database file.
        await using var raw = new SqliteConnection($"Data Source={Path.Combine(app.DataFolder, "alliance.db")};Mode=ReadOnly");
        await raw.OpenAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = "SELECT \"Narrative\" FROM incidents WHERE \"Id\" = $id";
        command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        var stored = (string?)await command.ExecuteScalarAsync();
        Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("coffee", stored!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTherapistTheReportConcernsCannotSeeOrChangeItByAnyRoute()
    {
        var f = await TobiasFamilyAsync();
        var token = await LinkAsync(f);
        const string narrative = "He shouted at my daughter and called her lazy.";
        var id = await FamilyReportsAsync(token, narrative, IncidentCategory.Disrespect);

        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Equal(HttpStatusCode.NotFound, (await tobias.GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tobias.GetAsync($"/incidents/{id}")).StatusCode);
        Assert.DoesNotContain(id.ToString(), await tobias.GetStringAsync("/api/incidents"), StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), await tobias.GetStringAsync("/incidents"), StringComparison.Ordinal);
        var follow = await tobias.PostAsJsonAsync($"/api/incidents/{id}/follow-ups", new IncidentTextCommand("That is not what happened."), Json);
        Assert.Equal(HttpStatusCode.NotFound, follow.StatusCode);
        var correct = await tobias.PostAsJsonAsync($"/api/incidents/{id}/corrections", new IncidentTextCommand("Untrue."), Json);
        Assert.Equal(HttpStatusCode.NotFound, correct.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tobias.PostAsJsonAsync($"/api/incidents/{id}/close", new IncidentTextCommand("Closed."), Json)).StatusCode);
        var casePage = System.Net.WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}"));
        Assert.DoesNotContain("lazy", casePage, StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), casePage, StringComparison.Ordinal);
        var inbox = await tobias.GetStringAsync("/api/notifications");
        Assert.DoesNotContain("incident", inbox, StringComparison.OrdinalIgnoreCase);
        // The audit search is for supervisors and admins; a therapist is refused it.
        Assert.Equal(HttpStatusCode.Forbidden, (await tobias.GetAsync($"/api/audit?caseId={f.CaseId}")).StatusCode);
        Assert.Equal(0, await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().IncidentEntries.CountAsync(e => e.IncidentId == id)));

        // Another supervisor, not over Tobias, cannot see it either, nor respond.
        var other = await OtherSupervisorAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.DoesNotContain(id.ToString(), await other.GetStringAsync("/api/incidents"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/incidents/{id}/response", new IncidentTextCommand("Seen."), Json)).StatusCode);
        Assert.DoesNotContain("incident", await other.GetStringAsync("/api/notifications"), StringComparison.OrdinalIgnoreCase);

        // Tobias's own supervisor responds and closes; it stays out of Tobias's reach afterwards too.
        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var closeFirst = await supervisor.PostAsJsonAsync($"/api/incidents/{id}/close", new IncidentTextCommand("Closing."), Json);
        Assert.Equal(HttpStatusCode.BadRequest, closeFirst.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsJsonAsync($"/api/incidents/{id}/response", new IncidentTextCommand("Met the family and Tobias separately; a co-therapist joins the next sessions."), Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsJsonAsync($"/api/incidents/{id}/close", new IncidentTextCommand("The family is satisfied with the plan."), Json)).StatusCode);
        var closed = await supervisor.GetFromJsonAsync<IncidentDetails>($"/api/incidents/{id}", Json);
        Assert.Equal(IncidentStatus.Closed, closed!.Summary.Status);
        Assert.Equal([IncidentEntryKind.Response, IncidentEntryKind.Closing], closed.Entries.Select(e => e.Kind));
        Assert.Equal(HttpStatusCode.NotFound, (await tobias.GetAsync($"/api/incidents/{id}")).StatusCode);
        // The family's page lists the report to the supervisor who may read it, and still not to Tobias.
        Assert.Contains($"href=\"/incidents/{id}\"", await supervisor.GetStringAsync($"/cases/{f.CaseId}"), StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), await tobias.GetStringAsync($"/cases/{f.CaseId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATherapistWhoIsAlsoASupervisorFindsNoTraceOfAReportAboutThemInTheAuditSearch()
    {
        var email = $"ts{Guid.NewGuid():N}@harbourlight.example";
        var (me, caseId, memberId, sessionId) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var agency = await db.Agencies.Select(a => a.Id).SingleAsync();
            var created = await sp.GetRequiredService<StaffAccounts>().CreateAsync(agency, new NewStaff(email, "Wren Halloway", [StaffRoles.Therapist, StaffRoles.Supervisor]), "quiet-harbour-lantern-7");
            var imogen = await db.Users.Where(u => u.Email == AllianceWebFactory.Supervisor).Select(u => u.Id).SingleAsync();
            db.SupervisionLines.Add(new SupervisionLine(agency, imogen, created.Id, DateTime.UtcNow));
            var c = Case.Open(agency, "Larkspur family", created.Id, null, created.Id, DateTime.UtcNow.AddDays(-20));
            var m = c.AddMember("Ivy Larkspur", FamilyRole.Client, 1992, DateTime.UtcNow.AddDays(-20));
            var session = c.CurrentEpisode.ScheduleSession(DateTime.UtcNow.AddDays(-2), 50, created.Id, DateTime.UtcNow.AddDays(-10));
            session.RecordHeld(DateTime.UtcNow.AddDays(-2), DateTime.UtcNow.AddDays(-2).AddMinutes(50), [m.Id], Modality.InPerson, null, DateTime.UtcNow);
            db.Cases.Add(c);
            await db.SaveChangesAsync();
            return (created.Id, c.Id, m.Id, session.Id);
        });
        var token = await LinkAsync(new Family(caseId, "Larkspur family", memberId, sessionId, me, me));
        var id = await FamilyReportsAsync(token, "She read my messages aloud to my partner without asking.", IncidentCategory.Disrespect);

        var wren = await app.SignedInAsync(email, "quiet-harbour-lantern-7");
        Assert.Equal(HttpStatusCode.NotFound, (await wren.GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.DoesNotContain(id.ToString(), await wren.GetStringAsync("/api/incidents"), StringComparison.Ordinal);
        var trail = await wren.GetFromJsonAsync<List<Alliance.Web.Features.Audit.AuditLine>>($"/api/audit?caseId={caseId}", Json);
        Assert.NotEmpty(trail!);
        Assert.DoesNotContain(trail!, l => l.Record.StartsWith("incident", StringComparison.Ordinal));
        var auditPage = System.Net.WebUtility.HtmlDecode(await wren.GetStringAsync($"/audit?caseId={caseId}"));
        var at = auditPage.IndexOf("incident", StringComparison.OrdinalIgnoreCase);
        Assert.True(at < 0, at < 0 ? "" : auditPage.Substring(Math.Max(0, at - 300), 600));
        Assert.Contains("No open incidents.", await wren.GetStringAsync("/supervision/boundaries"), StringComparison.Ordinal);

        // The admin's search shows that the report was written (not what it says).
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var adminTrail = await admin.GetFromJsonAsync<List<Alliance.Web.Features.Audit.AuditLine>>($"/api/audit?caseId={caseId}", Json);
        Assert.Contains(adminTrail!, l => l.Record == "incident" && l.Action == "create");
    }

    [Fact]
    public async Task TheFamilyLinkReadsNothingAndOnlyAValidLinkCanReport()
    {
        var f = await TobiasFamilyAsync();
        var token = await LinkAsync(f, completed: true);
        // Decided: an answered link can still report while it has not expired (docs/decisions/0007-boundary-watch.md).
        var id = await FamilyReportsAsync(token, "The therapist told me about his divorce for most of the session.", IncidentCategory.BoundaryCrossing);
        var family = app.Client();
        var again = await family.GetStringAsync($"/q/{token}/uncomfortable");
        Assert.DoesNotContain("divorce", again, StringComparison.Ordinal);
        Assert.DoesNotContain(f.CaseName, System.Net.WebUtility.HtmlDecode(again), StringComparison.Ordinal);
        Assert.DoesNotContain(id.ToString(), again, StringComparison.Ordinal);
        // Without a staff sign-in the API answers nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, (await family.GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await family.GetAsync("/api/incidents")).StatusCode);

        var unknown = await family.GetAsync($"/q/{new string('A', 43)}/uncomfortable");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var expired = await LinkAsync(f, lifetime: TimeSpan.FromDays(-1));
        var expiredPage = await family.GetAsync($"/q/{expired}/uncomfortable");
        Assert.Equal(HttpStatusCode.Gone, expiredPage.StatusCode);
        Assert.DoesNotContain("<form", await expiredPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A report with nothing in it names the missing answers and stores nothing.
        var count = await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Incidents.CountAsync());
        var empty = await family.PostFormAsync($"/q/{token}/uncomfortable", new() { ["Narrative"] = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var html = await empty.Content.ReadAsStringAsync();
        Assert.Contains("Please choose what it was about.", html, StringComparison.Ordinal);
        Assert.Contains("Please tell us what happened", html, StringComparison.Ordinal);
        Assert.Equal(count, await app.AsOperatorAsync(async sp => await sp.GetRequiredService<AllianceDbContext>().Incidents.CountAsync()));
    }

    [Fact]
    public async Task EveryQuestionnairePageOffersTheUncomfortableLink()
    {
        var f = await TobiasFamilyAsync();
        var token = await LinkAsync(f);
        var page = await app.Client().GetStringAsync($"/q/{token}");
        Assert.Contains($"href=\"/q/{token}/uncomfortable\"", page, StringComparison.Ordinal);
        Assert.Contains("Tell us if something made you uncomfortable", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStaffReportAboutAColleagueIsHiddenFromThemAndShownToTheReporter()
    {
        var f = await TobiasFamilyAsync();
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var form = await tobias.GetStringAsync($"/incidents/new?caseId={f.CaseId}");
        Assert.Contains("Who reads it", form, StringComparison.Ordinal);
        var posted = await tobias.PostFormAsync("/incidents/new", new()
        {
            ["Input.Category"] = nameof(IncidentCategory.BoundaryCrossing),
            ["Input.CaseId"] = f.CaseId.ToString(),
            ["Input.ConcernsStaffId"] = f.Amara.ToString(),
            ["Input.Narrative"] = "Amara gave the mother her personal mobile number.",
        });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var id = Guid.Parse(posted.Headers.Location!.ToString().Split('/')[^1]);

        var mine = await tobias.GetFromJsonAsync<IncidentDetails>($"/api/incidents/{id}", Json);
        Assert.Equal("Amara Quillon", mine!.Summary.Concerns);
        Assert.False(mine.CanRespond);
        Assert.Equal(HttpStatusCode.NoContent, (await tobias.PostAsJsonAsync($"/api/incidents/{id}/follow-ups", new IncidentTextCommand("She has since deleted the number."), Json)).StatusCode);

        var amara = await app.SignedInAsync(AllianceWebFactory.OtherTherapist);
        Assert.Equal(HttpStatusCode.NotFound, (await amara.GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.DoesNotContain("mobile", await amara.GetStringAsync("/api/incidents"), StringComparison.Ordinal);

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var seen = await supervisor.GetFromJsonAsync<IncidentDetails>($"/api/incidents/{id}", Json);
        Assert.Equal("She has since deleted the number.", Assert.Single(seen!.Entries).Text);
        Assert.True(seen.CanRespond);

        // A report with no category names the field.
        var bad = await tobias.PostAsJsonAsync("/api/incidents", new { caseId = f.CaseId, narrative = "x", category = "Gossip" }, Json);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("category", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContactsThroughTheApiAreLoggedEncryptedAndRaiseTheirAlert()
    {
        var f = await TobiasFamilyAsync();
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var at = DateTimeOffset.UtcNow.AddHours(-3);
        var created = await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/contacts",
            new RecordContactRequest(at, f.MemberId, "personal-message", ContactStartedBy.Family, 3, "Asked whether Friday is still on"), Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Created>(Json))!.Id;

        var log = await tobias.GetFromJsonAsync<List<ContactView>>($"/api/cases/{f.CaseId}/contacts", Json);
        var contact = Assert.Single(log!, c => c.Id == id);
        Assert.Equal(("personal-message", true, "family", 3, "Asked whether Friday is still on"), (contact.Channel, contact.Personal, contact.InitiatedBy, contact.Minutes!.Value, contact.Summary));
        var alerts = await tobias.GetStringAsync($"/api/cases/{f.CaseId}/alerts");
        Assert.Contains("personal-contact", alerts, StringComparison.Ordinal);
        var casePage = System.Net.WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}"));
        Assert.Contains("Contacts between sessions", casePage, StringComparison.Ordinal);
        Assert.Contains("Asked whether Friday is still on", casePage, StringComparison.Ordinal);
        Assert.Contains("Ask my supervisor about this family", casePage, StringComparison.Ordinal);

        await using (var raw = new SqliteConnection($"Data Source={Path.Combine(app.DataFolder, "alliance.db")};Mode=ReadOnly"))
        {
            await raw.OpenAsync();
            await using var command = raw.CreateCommand();
            command.CommandText = "SELECT \"Summary\" FROM contacts WHERE \"Id\" = $id";
            command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
            var stored = (string?)await command.ExecuteScalarAsync();
            Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("Friday", stored!, StringComparison.Ordinal);
        }

        var wrong = await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/contacts", new RecordContactRequest(at, null, "pager", ContactStartedBy.Family, 3, null), Json);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("\"channel\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tooLong = await tobias.PostAsJsonAsync($"/api/cases/{f.CaseId}/contacts", new RecordContactRequest(at, null, "agency-phone", ContactStartedBy.Family, 2000, null), Json);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("\"minutes\"", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var jonah = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.Equal(HttpStatusCode.NotFound, (await jonah.GetAsync($"/api/cases/{f.CaseId}/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await jonah.PostAsJsonAsync($"/api/cases/{f.CaseId}/contacts", new RecordContactRequest(at, null, "agency-phone", ContactStartedBy.Family, 3, null), Json)).StatusCode);
    }

    [Fact]
    public async Task ContactsRecordedFromTheCasePageFormGoIntoTheLog()
    {
        var f = await TobiasFamilyAsync();
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var local = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var posted = await tobias.PostFormAsync($"/cases/{f.CaseId}/contacts", new()
        {
            ["Input.At"] = local, ["Input.Channel"] = nameof(ContactMeans.AgencyEmail), ["Input.InitiatedBy"] = nameof(ContactStartedBy.Therapist),
            ["Input.Minutes"] = "7", ["Input.Summary"] = "Sent the worksheet we discussed", ["Input.MemberId"] = "",
        });
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/cases/{f.CaseId}", posted.Headers.Location!.ToString());
        Assert.Contains("Sent the worksheet we discussed", System.Net.WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{f.CaseId}/contacts")), StringComparison.Ordinal);

        var bad = await tobias.PostFormAsync($"/cases/{f.CaseId}/contacts", new()
        {
            ["Input.At"] = local, ["Input.Channel"] = nameof(ContactMeans.AgencyEmail), ["Input.InitiatedBy"] = nameof(ContactStartedBy.Therapist), ["Input.Minutes"] = "-4",
        });
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Give the length in whole minutes", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestForAssistanceReachesTheSupervisorAndTheAnswerComesBack()
    {
        var f = await TobiasFamilyAsync();
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var asked = await tobias.PostFormAsync("/assistance", new() { ["CaseId"] = f.CaseId.ToString(), ["Text"] = "I find myself checking their social media." }, $"/assistance?caseId={f.CaseId}");
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var self = await tobias.PostAsJsonAsync("/api/assistance", new AskForAssistanceCommand(null, "I am more tired than usual after sessions."), Json);
        Assert.Equal(HttpStatusCode.Created, self.StatusCode);

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var requests = await supervisor.GetFromJsonAsync<List<AssistanceView>>("/api/supervision/assistance", Json);
        var aboutFamily = Assert.Single(requests!, r => r.Text == "I find myself checking their social media.");
        Assert.Equal((f.CaseId, "Tobias Wrenfield"), (aboutFamily.CaseId!.Value, aboutFamily.Therapist));
        Assert.Contains(requests!, r => r.CaseId is null && r.Text.StartsWith("I am more tired", StringComparison.Ordinal));
        var inbox = await supervisor.GetFromJsonAsync<List<Alliance.Web.Features.Inbox.NotificationView>>("/api/notifications", Json);
        Assert.Contains(inbox!, n => n.Kind == "assistance" && n.Text == $"Tobias Wrenfield asks to talk with you about the {f.CaseName} case.");
        Assert.Contains(inbox!, n => n.Kind == "assistance" && n.Text == "Tobias Wrenfield asks to talk with you about their own practice.");

        var other = await OtherSupervisorAsync();
        Assert.DoesNotContain((await other.GetFromJsonAsync<List<AssistanceView>>("/api/supervision/assistance", Json))!, r => r.TherapistId == f.Tobias);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/supervision/assistance/{aboutFamily.Id}/answer", new AnswerAssistanceCommand("No."), Json)).StatusCode);
        var jonah = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.DoesNotContain("social media", await jonah.GetStringAsync("/api/assistance"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await supervisor.PostAsJsonAsync($"/api/supervision/assistance/{aboutFamily.Id}/answer", new AnswerAssistanceCommand("Let us look at it on Thursday; it is worth naming."), Json)).StatusCode);
        var mine = await tobias.GetFromJsonAsync<List<AssistanceView>>("/api/assistance", Json);
        Assert.Equal("Let us look at it on Thursday; it is worth naming.", mine!.Single(r => r.Id == aboutFamily.Id).Answer);
        Assert.Contains("Let us look at it on Thursday", System.Net.WebUtility.HtmlDecode(await tobias.GetStringAsync("/assistance")), StringComparison.Ordinal);
        Assert.Contains("Your supervisor answered", await tobias.GetStringAsync("/api/notifications"), StringComparison.Ordinal);
    }
}
