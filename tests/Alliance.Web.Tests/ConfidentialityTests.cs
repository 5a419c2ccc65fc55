using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Web.Features.Admin;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Audit;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Inbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>Notes encrypted at rest, every read and write audited, break the glass, and who-looked search.</summary>
[Trait("Capability", "Confidentiality")]
public sealed class ConfidentialityTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly JsonSerializerOptions Json = ApiTests.Json;

    private Task<Guid> TobiasCaseAsync() => app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var tobias = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
        return await db.Cases.Where(c => c.PrimaryTherapistId == tobias && c.CoTherapistId == null).OrderBy(c => c.Name).Select(c => c.Id).FirstAsync();
    });

    private async Task<List<AuditEntry>> AuditForAsync(Guid caseId) => await app.AsOperatorAsync(sp =>
        sp.GetRequiredService<AllianceDbContext>().AuditEntries.AsNoTracking().Where(e => e.CaseId == caseId).OrderBy(e => e.Sequence).ToListAsync());

    private async Task<AuditEntry> WaitForAuditAsync(Guid caseId, Func<AuditEntry, bool> match)
    {
        // Reads are buffered and written within a second.
        for (var i = 0; i < 40; i++)
        {
            if ((await AuditForAsync(caseId)).FirstOrDefault(match) is { } found) return found;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("no matching audit entry was written within 4 seconds");
    }

    [Fact]
    public async Task SessionNotesAreStoredEncryptedAndReadBackForTheTherapist()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await TobiasCaseAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var created = await client.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(start, 60), Json);
        var sessionId = (await created.Content.ReadFromJsonAsync<Created>(Json))!.Id;
        var details = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        const string note = "Mother spoke about the night her brother left; agreed to keep it within the session.";
        var held = await client.PostAsJsonAsync($"/api/sessions/{sessionId}/held", new RecordSessionRequest(start, start.AddMinutes(50), [details!.Members[0].Id], Modality.InPerson, note), Json);
        Assert.Equal(HttpStatusCode.NoContent, held.StatusCode);

        // What is on disk: the SQLite file read directly, as a thief with a copy of it would.
        await using var raw = new SqliteConnection($"Data Source={Path.Combine(app.DataFolder, "alliance.db")};Mode=ReadOnly");
        await raw.OpenAsync();
        await using var command = raw.CreateCommand();
        command.CommandText = "SELECT \"Notes\" FROM sessions WHERE \"Id\" = $id";
        // EF Core's SQLite provider stores a Guid as upper-case text.
        command.Parameters.AddWithValue("$id", sessionId.ToString().ToUpperInvariant());
        var stored = (string?)await command.ExecuteScalarAsync();
        Assert.NotNull(stored);
        Assert.StartsWith("dp1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("brother", stored, StringComparison.Ordinal);

        var read = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        Assert.Equal(note, read!.Episode.Sessions.Single(s => s.Id == sessionId).Notes);
        // The key that protects the key ring is a file kept apart from the database.
        Assert.True(File.Exists(Path.Combine(app.KeysFolder, "alliance-key-encryption.pfx")));
    }

    [Fact]
    public async Task ReadsAndWritesAreAuditedWithWhoAndFromWhere()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await TobiasCaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/cases/{caseId}")).StatusCode);
        var read = await WaitForAuditAsync(caseId, e => e.Action == AuditActions.Read && e.ActorName == "Tobias Wrenfield");
        Assert.Equal((AuditActorKind.Staff, "case"), (read.ActorKind, read.RecordType));

        var added = await client.PostAsJsonAsync($"/api/cases/{caseId}/members", new AddMemberRequest("Grandma Visiting", FamilyRole.Caregiver, 1950), Json);
        var memberId = (await added.Content.ReadFromJsonAsync<Created>(Json))!.Id;
        var write = (await AuditForAsync(caseId)).Single(e => e.RecordId == memberId.ToString());
        Assert.Equal((AuditActions.Create, "member", "Tobias Wrenfield"), (write.Action, write.RecordType, write.ActorName));
        Assert.Empty(await app.AsOperatorAsync(sp => AuditLedger.VerifyAsync(sp.GetRequiredService<AllianceDbContext>())));
    }

    [Fact]
    public async Task AnAdminBreaksTheGlassToReadOneRecordAndTheSupervisorIsTold()
    {
        var caseId = await TobiasCaseAsync();
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/cases/{caseId}")).StatusCode);

        var tooShort = await admin.PostAsJsonAsync("/api/admin/break-glass", new BreakGlassCommand(caseId, "need it"), Json);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("reason", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        const string reason = "Police request under a court order about the family's safety, ref 2026/114";
        var granted = await admin.PostAsJsonAsync("/api/admin/break-glass", new BreakGlassCommand(caseId, reason), Json);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var until = (await granted.Content.ReadFromJsonAsync<BreakGlassResult>(Json))!.ExpiresAt;
        Assert.InRange(until - DateTime.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/cases/{caseId}")).StatusCode);
        var page = await admin.GetStringAsync($"/cases/{caseId}");
        Assert.Contains("by breaking the glass", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Schedule a session", page, StringComparison.Ordinal);
        // Reading only: no change is possible through the grant.
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/cases/{caseId}/members", new AddMemberRequest("X", FamilyRole.Other, null), Json)).StatusCode);

        var audit = (await AuditForAsync(caseId)).Single(e => e.Action == AuditActions.BreakGlass);
        Assert.Equal((reason, "Priya Ledgerwood"), (audit.Reason, audit.ActorName));

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var inbox = await supervisor.GetFromJsonAsync<List<NotificationView>>("/api/notifications", Json);
        var notice = Assert.Single(inbox!, n => n.Kind == "break-glass" && n.CaseId == caseId);
        Assert.Contains(reason, notice.Text, StringComparison.Ordinal);
        Assert.Contains("Priya Ledgerwood", notice.Text, StringComparison.Ordinal);
        Assert.Contains("class=\"badge\"", await supervisor.GetStringAsync("/inbox"), StringComparison.Ordinal);
        // Nobody else's inbox holds it.
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.DoesNotContain(await therapist.GetFromJsonAsync<List<NotificationView>>("/api/notifications", Json) ?? [], n => n.Kind == "break-glass");
    }

    [Fact]
    public async Task SupervisorsAndAdminsSeeWhoLookedAtAFamilyTherapistsDoNot()
    {
        var caseId = await TobiasCaseAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        await therapist.GetAsync($"/api/cases/{caseId}");
        await WaitForAuditAsync(caseId, e => e.Action == AuditActions.Read && e.ActorName == "Tobias Wrenfield");

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var lines = await supervisor.GetFromJsonAsync<List<AuditLine>>($"/api/audit?caseId={caseId}", Json);
        Assert.Contains(lines!, l => l.Who == "Tobias Wrenfield" && l.Action == "read" && l.Record == "case");
        var html = await supervisor.GetStringAsync($"/audit?caseId={caseId}");
        Assert.Contains("Tobias Wrenfield", html, StringComparison.Ordinal);

        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/audit?caseId={caseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await therapist.GetAsync($"/api/audit?caseId={caseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/audit?caseId={Guid.NewGuid()}")).StatusCode);
        // The search itself is in the trail.
        await WaitForAuditAsync(caseId, e => e.RecordType == "audit" && e.ActorName == "Dr Imogen Farrowdale");
    }
}
