using System.Net;
using System.Net.Http.Json;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>Access follows the care relationship; what is not yours does not exist for you.</summary>
[Trait("Capability", "Foundation")]
public sealed class AccessTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiTests.Json;

    private async Task<Guid> AnyCaseOfAsync(string email) => await app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var id = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        return await db.Cases.Where(c => c.PrimaryTherapistId == id).Select(c => c.Id).FirstAsync();
    });

    [Fact]
    public async Task AnotherTherapistsCaseAnswers404OnApiAndPage()
    {
        var theirs = await AnyCaseOfAsync(AllianceWebFactory.OtherTherapist);
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/cases/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/cases/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/cases/{theirs}/sessions", new ScheduleSessionRequest(DateTimeOffset.UtcNow.AddDays(1), 60), Json)).StatusCode);
        var caseload = await client.GetFromJsonAsync<CaseloadView>("/api/caseload", Json);
        Assert.DoesNotContain(caseload!.Cases, c => c.CaseId == theirs);
    }

    [Fact]
    public async Task AnotherAgencysTherapistSeesNothingOfThisAgency()
    {
        var mine = await AnyCaseOfAsync(AllianceWebFactory.Therapist);
        var outsider = await app.SignedInAsync(await app.CreateOtherAgencyTherapistAsync(), "elsewhere-password-1");

        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/cases/{mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/cases/{mine}")).StatusCode);
        var caseload = await outsider.GetFromJsonAsync<CaseloadView>("/api/caseload", Json);
        Assert.Empty(caseload!.Cases);
        var someone = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/caseload?therapistId={someone}")).StatusCode);
    }

    [Fact]
    public async Task CoTherapistSeesTheSharedCase()
    {
        // In the demo, the first family is shared: Tobias is primary, Amara co-therapist.
        var shared = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Cases.Where(c => c.CoTherapistId != null).Select(c => c.Id).FirstAsync());
        var co = await app.SignedInAsync(AllianceWebFactory.OtherTherapist);
        Assert.Equal(HttpStatusCode.OK, (await co.GetAsync($"/api/cases/{shared}")).StatusCode);
        var caseload = await co.GetFromJsonAsync<CaseloadView>("/api/caseload", Json);
        Assert.True(Assert.Single(caseload!.Cases, c => c.CaseId == shared).IsCoTherapist);
    }

    [Fact]
    public async Task SupervisorSeesSuperviseesCaseloadsAndNobodyElses()
    {
        var (loneId, loneCase) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var agency = await db.Agencies.Select(a => a.Id).FirstAsync();
            var user = await sp.GetRequiredService<StaffAccounts>().CreateAsync(agency, new NewStaff($"lone{Guid.NewGuid():N}@harbourlight.example", "Unsupervised Therapist", [StaffRoles.Therapist]), "lone-password-123");
            var c = Case.Open(agency, "Outside family", user.Id, null, user.Id, DateTime.UtcNow);
            db.Cases.Add(c);
            await db.SaveChangesAsync();
            return (user.Id, c.Id);
        });
        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var tobias = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync());

        var superviseeLoad = await supervisor.GetFromJsonAsync<CaseloadView>($"/api/caseload?therapistId={tobias}", Json);
        Assert.NotEmpty(superviseeLoad!.Cases);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync($"/api/cases/{superviseeLoad.Cases[0].CaseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/caseload?therapistId={loneId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/api/cases/{loneCase}")).StatusCode);

        var page = await supervisor.GetStringAsync("/supervision");
        Assert.Contains("Tobias Wrenfield", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Outside family", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SupervisorMovesACaseAndTheMoveIsRecorded()
    {
        var caseId = await AnyCaseOfAsync(AllianceWebFactory.OtherTherapist);
        var jonah = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Users.Where(u => u.Email == "jonah@harbourlight.example").Select(u => u.Id).SingleAsync());

        var therapist = await app.SignedInAsync(AllianceWebFactory.OtherTherapist);
        var refused = await therapist.PostAsJsonAsync($"/api/cases/{caseId}/transfer", new TransferRequest(jonah, "I would like to hand over"), Json);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var moved = await supervisor.PostAsJsonAsync($"/api/cases/{caseId}/transfer", new TransferRequest(jonah, "Caseload balance"), Json);
        Assert.Equal(HttpStatusCode.NoContent, moved.StatusCode);

        var details = await supervisor.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        Assert.Equal(jonah, details!.PrimaryTherapistId);
        var record = Assert.Single(details.Assignments);
        Assert.Equal(("Amara Quillon", "Jonah Bellweather", "Dr Imogen Farrowdale", "Caseload balance"), (record.From, record.To, record.By, record.Reason));
        Assert.Equal(HttpStatusCode.NotFound, (await therapist.GetAsync($"/api/cases/{caseId}")).StatusCode);
    }

    [Fact]
    public async Task AdminManagesTheAgencyButDoesNotReadCases()
    {
        var caseId = await AnyCaseOfAsync(AllianceWebFactory.Therapist);
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        // Without a break-the-glass grant, a case does not exist for an admin.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/cases/{caseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/staff")).StatusCode);

        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Equal(HttpStatusCode.Forbidden, (await therapist.GetAsync("/api/admin/staff")).StatusCode);
        var page = await therapist.GetAsync("/admin/staff");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/denied", page.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}
