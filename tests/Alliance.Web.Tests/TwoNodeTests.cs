using System.Net;
using System.Net.Http.Json;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Testing;
using Alliance.Web.Features.Alerts;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Cases;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// Two web nodes on one PostgreSQL database work as one: a sign-in on one is honoured by the other (the Data Protection
/// key ring is in the database), text encrypted by one is read by the other, and scheduled work runs once, not once
/// per node.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class TwoNodeTests : IAsyncLifetime
{
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "alliance-two-nodes-keys-" + Guid.NewGuid().ToString("N"));
    private string _connectionString = "";
    private WebApplicationFactory<Program>? _a;
    private WebApplicationFactory<Program>? _b;

    public async Task InitializeAsync()
    {
        if (await PostgresServer.UnavailableReasonAsync() is not null) return;
        _connectionString = await PostgresServer.CreateDatabaseAsync();
        _a = Node("a");
        _a.CreateClient().Dispose(); // the first node migrates and seeds the demo
        _b = Node("b");
        _b.CreateClient().Dispose();
    }

    private WebApplicationFactory<Program> Node(string name) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Production");
        b.UseSetting("Database:Provider", "Postgres");
        b.UseSetting("Database:ConnectionString", _connectionString);
        b.UseSetting("data", Path.Combine(Path.GetTempPath(), $"alliance-node-{name}-{Guid.NewGuid():N}"));
        // Both nodes hold the same key-encryption certificate, as a deployment's nodes would.
        b.UseSetting("keys", _keys);
        b.UseSetting("Demo", "true");
        b.UseSetting("Demo:HistoricalEpisodes", "0");
        b.UseSetting("Logging:LogLevel:Default", "Warning");
    });

    /// <summary>Signs in on the node and returns the sign-in cookie.</summary>
    private static async Task<string> SignInAsync(WebApplicationFactory<Program> node, string email)
    {
        var client = node.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var signIn = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = AllianceWebFactory.Password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("alliance.auth=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static HttpClient Client(WebApplicationFactory<Program> node, string cookie)
    {
        var client = Client(node);
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static HttpClient Client(WebApplicationFactory<Program> node) => node.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = false,
        BaseAddress = new Uri("https://localhost"),
    });

    [SkippableFact]
    public async Task ASignInOnOneNodeWorksOnTheOtherAndNotesWrittenByOneAreReadByTheOther()
    {
        await PostgresServer.RequireAsync();
        // Sign in on node A and keep the cookie.
        var cookie = await SignInAsync(_a!, AllianceWebFactory.Therapist);

        // Node B honours it.
        var b = Client(_b!, cookie);
        var caseload = await b.GetAsync("/api/caseload");
        Assert.Equal(HttpStatusCode.OK, caseload.StatusCode);

        // Node A writes a note; node B reads it back.
        var tobias = await _a!.Services.CreateScope().ServiceProvider.GetRequiredService<AllianceDbContext>().Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
        Guid caseId;
        await using (var scope = _a.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
            // The shared demo family: an active episode on Tobias's caseload.
            caseId = await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Cases.Where(c => c.PrimaryTherapistId == tobias && c.CoTherapistId != null).Select(c => c.Id).SingleAsync();
        }
        var aApi = Client(_a!, cookie);
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var created = await aApi.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(start, 60), ApiTests.Json);
        var sessionId = (await created.Content.ReadFromJsonAsync<Created>(ApiTests.Json))!.Id;
        var details = await aApi.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", ApiTests.Json);
        const string note = "Written on node A, read on node B.";
        var held = await aApi.PostAsJsonAsync($"/api/sessions/{sessionId}/held", new RecordSessionRequest(start, start.AddMinutes(50), [details!.Members[0].Id], Modality.Video, note), ApiTests.Json);
        Assert.Equal(HttpStatusCode.NoContent, held.StatusCode);

        var read = await b.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", ApiTests.Json);
        Assert.Equal(note, read!.Episode.Sessions.Single(s => s.Id == sessionId).Notes);
    }

    /// <summary>
    /// The reads compiled once (the access check and the caseload for each kind of access, the case page's sections,
    /// the badges and the unread count) answer on PostgreSQL as on SQLite, from either node, for a therapist and for
    /// a supervisor reading a supervisee's caseload.
    /// </summary>
    [SkippableFact]
    public async Task TheCompiledReadsAnswerOnPostgreSqlFromEitherNode()
    {
        await PostgresServer.RequireAsync();
        var therapist = await SignInAsync(_a!, AllianceWebFactory.Therapist);
        var supervisor = await SignInAsync(_b!, AllianceWebFactory.Supervisor);
        foreach (var node in new[] { _a!, _b! })
        {
            var client = Client(node, therapist);
            var caseload = (await client.GetFromJsonAsync<CaseloadView>("/api/caseload", ApiTests.Json))!;
            Assert.NotEmpty(caseload.Cases);
            var flagged = caseload.Cases.First(c => c.HighAlerts + c.MediumAlerts > 0);
            var alerts = (await client.GetFromJsonAsync<List<AlertView>>($"/api/cases/{flagged.CaseId}/alerts", ApiTests.Json))!;
            Assert.Equal(flagged.HighAlerts, alerts.Count(a => a.Severity == "high" && a.Status is AlertStatus.Open or AlertStatus.Acknowledged));
            Assert.Equal(flagged.MediumAlerts, alerts.Count(a => a.Severity == "medium" && a.Status is AlertStatus.Open or AlertStatus.Acknowledged));

            var home = await client.GetStringAsync("/");
            Assert.Contains(WebUtility.HtmlEncode(flagged.Name), home, StringComparison.Ordinal);
            var page = await client.GetAsync($"/cases/{flagged.CaseId}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.All(flagged.Members, m => Assert.Contains(WebUtility.HtmlEncode(m), html, StringComparison.Ordinal));
            Assert.Contains("<svg", html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/notifications")).StatusCode);

            // A supervisor reads the therapist's caseload and case through their supervision, and not another agency's way.
            var overseeing = Client(node, supervisor);
            var theirs = (await overseeing.GetFromJsonAsync<CaseloadView>($"/api/caseload?therapistId={caseload.TherapistId}", ApiTests.Json))!;
            Assert.Equal(caseload.Cases.Select(c => c.CaseId).Order(), theirs.Cases.Select(c => c.CaseId).Order());
            Assert.Equal(HttpStatusCode.OK, (await overseeing.GetAsync($"/api/cases/{flagged.CaseId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await overseeing.GetAsync($"/api/cases/{Guid.NewGuid()}")).StatusCode);
        }
    }

    [SkippableFact]
    public async Task ScheduledEscalationRunsOnceAcrossBothNodes()
    {
        await PostgresServer.RequireAsync();
        Guid alertId;
        await using (var scope = _a!.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var c = await db.Cases.FirstAsync(x => x.CoTherapistId != null);
            var alert = new Alert(c.AgencyId, c.Id, null, null, 1, "deterioration", "high", "wellbeing-check", "[]",
                "Two-node escalation check.", "Discuss progress with the family.", "two-nodes|" + Guid.NewGuid(), DateTime.UtcNow.AddDays(-10));
            db.Alerts.Add(alert);
            await db.SaveChangesAsync();
            alertId = alert.Id;
        }

        // Both nodes sweep at the same moment, several times.
        var sweeps = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? _a : _b!).Services.GetRequiredService<AlertEscalation>().SweepAsync(CancellationToken.None)));

        await using var check = _b!.Services.CreateAsyncScope();
        check.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
        var checkDb = check.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var notices = await checkDb.Notifications.CountAsync(n => n.Kind == "escalation" && n.Text.Contains("Two-node escalation check."));
        // The shared demo family's two therapists have one supervisor: one notice, whichever node sent it.
        Assert.Equal(1, notices);
        Assert.Contains(sweeps, s => s > 0);
        Assert.NotNull((await checkDb.Alerts.SingleAsync(a => a.Id == alertId)).EscalatedAt);
    }

    public async Task DisposeAsync()
    {
        if (_a is not null) await _a.DisposeAsync();
        if (_b is not null) await _b.DisposeAsync();
        if (_connectionString.Length > 0)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await PostgresServer.DropDatabaseAsync(_connectionString);
        }
        try { Directory.Delete(_keys, recursive: true); } catch (IOException) { }
    }
}
