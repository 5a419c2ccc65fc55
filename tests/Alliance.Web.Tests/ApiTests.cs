using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alliance.Domain;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

[Trait("Capability", "Foundation")]
public sealed class ApiTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static async Task<Guid> CreateCaseAsync(HttpClient client, string name = "Testwood family")
    {
        var response = await client.PostAsJsonAsync("/api/cases", new
        {
            name,
            members = new object[]
            {
                new { displayName = "Alex Testwood", role = "Parent", birthYear = 1985 },
                new { displayName = "Sam Testwood", role = "Child", birthYear = 2016 },
            },
        }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Created>(Json))!.Id;
    }

    [Fact]
    public async Task TherapistCreatesACaseThatAppearsOnTheirCaseloadAtReferral()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var id = await CreateCaseAsync(client, "Caseload Check family");

        var caseload = await client.GetFromJsonAsync<CaseloadView>("/api/caseload", Json);
        var row = Assert.Single(caseload!.Cases, c => c.CaseId == id);
        Assert.Equal(EpisodePhase.Referral, row.Phase);
        Assert.Equal(["Alex Testwood", "Sam Testwood"], row.Members);

        var details = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{id}", Json);
        Assert.Equal("Caseload Check family", details!.Name);
        Assert.Equal(2, details.Members.Count);
        Assert.Equal(FamilyRole.Child, details.Members[1].Role);
    }

    [Fact]
    public async Task SchedulesRecordsCancelsAndMarksNoShow()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await CreateCaseAsync(client);
        var details = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        var start = DateTimeOffset.UtcNow.AddHours(-3);

        async Task<Guid> Schedule(DateTimeOffset at)
        {
            var r = await client.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(at, 60), Json);
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            return (await r.Content.ReadFromJsonAsync<Created>(Json))!.Id;
        }
        var held = await Schedule(start);
        var cancelled = await Schedule(start.AddDays(7));
        var missed = await Schedule(start.AddDays(14));

        var record = await client.PostAsJsonAsync($"/api/sessions/{held}/held",
            new RecordSessionRequest(start, start.AddMinutes(55), [details!.Members[0].Id], Modality.HomeVisit, "Met at home."), Json);
        Assert.Equal(HttpStatusCode.NoContent, record.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/sessions/{cancelled}/cancel", new CloseSessionRequest("Snow"), Json)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/sessions/{missed}/no-show", new CloseSessionRequest(null), Json)).StatusCode);

        var after = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        var sessions = after!.Episode.Sessions;
        Assert.Equal([1, 2, 3], sessions.Select(s => s.Number));
        Assert.Equal([SessionStatus.Held, SessionStatus.Cancelled, SessionStatus.NoShow], sessions.Select(s => s.Status));
        Assert.Equal(55, sessions[0].ActualMinutes);
        Assert.Equal(Modality.HomeVisit, sessions[0].Modality);
        Assert.Equal([details.Members[0].Id], sessions[0].AttendeeIds);
        Assert.Equal("Met at home.", sessions[0].Notes);
        Assert.Equal("Snow", sessions[1].StatusReason);
    }

    [Fact]
    public async Task ABrokenRuleAnswers400NamingTheFieldAndSavesNothing()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await CreateCaseAsync(client);
        var details = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        var future = DateTimeOffset.UtcNow.AddHours(2);
        var created = await client.PostAsJsonAsync($"/api/cases/{caseId}/sessions", new ScheduleSessionRequest(future, 60), Json);
        var sessionId = (await created.Content.ReadFromJsonAsync<Created>(Json))!.Id;

        var response = await client.PostAsJsonAsync($"/api/sessions/{sessionId}/held",
            new RecordSessionRequest(future, future.AddMinutes(50), [details!.Members[0].Id], Modality.InPerson, "x"), Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("A session cannot be recorded as held in the future.", problem.GetProperty("title").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("actualStart", out _));
        var after = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        Assert.Equal(SessionStatus.Scheduled, after!.Episode.Sessions.Single().Status);
    }

    [Fact]
    public async Task AttendeesFromAnotherFamilyAreRefused()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var first = await CreateCaseAsync(client, "First family");
        var second = await CreateCaseAsync(client, "Second family");
        var stranger = (await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{second}", Json))!.Members[0].Id;
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var created = await client.PostAsJsonAsync($"/api/cases/{first}/sessions", new ScheduleSessionRequest(start, 60), Json);
        var sessionId = (await created.Content.ReadFromJsonAsync<Created>(Json))!.Id;

        var response = await client.PostAsJsonAsync($"/api/sessions/{sessionId}/held",
            new RecordSessionRequest(start, start.AddMinutes(50), [stranger], Modality.InPerson, null), Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("attendees", out _));
    }

    [Fact]
    public async Task EachCaseloadRowMatchesItsFamilyAsStored()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var rows = (await client.GetFromJsonAsync<CaseloadView>("/api/caseload?includeClosed=true", Json))!.Cases;

        // The same facts read the plain way, one family at a time, with its whole record.
        var now = DateTime.UtcNow;
        var ids = rows.Select(r => r.CaseId).ToList();
        var stored = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<Data.AllianceDbContext>();
            var families = await db.Cases.AsNoTracking().Include(c => c.Members).Include(c => c.Episodes).ThenInclude(e => e.Sessions)
                .Where(c => ids.Contains(c.Id)).ToListAsync();
            return families.ToDictionary(c => c.Id, c =>
            {
                var sessions = c.Episodes.SelectMany(e => e.Sessions).ToList();
                return (Members: c.Members.OrderBy(m => m.Position).Select(m => m.DisplayName).ToList(),
                    Phase: c.Episodes.MaxBy(e => e.Number)!.Phase,
                    Last: sessions.Where(s => s.Status == SessionStatus.Held).Max(s => s.ActualStart),
                    Next: sessions.Where(s => s.Status == SessionStatus.Scheduled && s.ScheduledStart >= now).Min(s => (DateTime?)s.ScheduledStart));
            });
        });

        Assert.Equal(stored.Count, rows.Count);
        Assert.Contains(rows, r => r.Members.Count > 2);
        Assert.Contains(rows, r => r.LastSession is not null);
        Assert.Contains(rows, r => r.NextSession is not null);
        Assert.Contains(rows, r => r.Phase == EpisodePhase.Closed);
        foreach (var row in rows)
        {
            var family = stored[row.CaseId];
            Assert.Equal(family.Members, row.Members);
            Assert.Equal(family.Phase, row.Phase);
            Assert.Equal(family.Last, row.LastSession);
            Assert.Equal(family.Next, row.NextSession);
        }
    }

    [Fact]
    public async Task InvalidMemberInANewCaseNamesTheMemberAndCreatesNoCase()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var before = (await client.GetFromJsonAsync<CaseloadView>("/api/caseload", Json))!.Cases.Count;

        var response = await client.PostAsJsonAsync("/api/cases", new
        {
            name = "Half family",
            members = new object[] { new { displayName = "Ok Person", role = "Parent" }, new { displayName = "Too Old", role = "Parent", birthYear = 1700 } },
        }, Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("members[1].birthYear", out _));
        Assert.Equal(before, (await client.GetFromJsonAsync<CaseloadView>("/api/caseload", Json))!.Cases.Count);
    }

    [Fact]
    public async Task UnreadableJsonNamesTheField()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.PostAsync("/api/cases", new StringContent("""{"name":"X","members":[{"displayName":"A","role":"Grandmother"}]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("members[0].role", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownIdsAnswer404()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/cases/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/sessions/{Guid.NewGuid()}/cancel", new CloseSessionRequest(null), Json)).StatusCode);
    }

    [Fact]
    public async Task PhasesMoveForwardOnlyAndAClosedCaseReopensAsANewEpisode()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var caseId = await CreateCaseAsync(client);

        // Nobody has been oriented: the work cannot begin, and the answer says why.
        var early = await client.PostAsJsonAsync($"/api/cases/{caseId}/phase", new ChangePhaseRequest(EpisodePhase.Active, "Straight to work"), Json);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Contains("not been oriented", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var members = (await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json))!.Members.Select(m => m.Id).ToList();
        await ProcessApi.OrientAsync(client, caseId, members);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/api/cases/{caseId}/phase", new ChangePhaseRequest(EpisodePhase.Active, "Straight to work"), Json)).StatusCode);
        var back = await client.PostAsJsonAsync($"/api/cases/{caseId}/phase", new ChangePhaseRequest(EpisodePhase.FirstVisit, "Oops"), Json);
        Assert.Equal(HttpStatusCode.BadRequest, back.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/cases/{caseId}/reopen", new ReasonRequest("Too early"), Json)).StatusCode);
        // Closing is a step of its own: straight to closed is refused; closing as dropped out records the outcome.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/cases/{caseId}/phase", new ChangePhaseRequest(EpisodePhase.Closed, "Family moved away"), Json)).StatusCode);
        var closed = await client.PostAsJsonAsync($"/api/cases/{caseId}/close", new CloseRequest(true, "Family moved away before a planned ending."), Json);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(EpisodeOutcome.DroppedOut, (await closed.Content.ReadFromJsonAsync<ClosedResponse>(Json))!.Outcome);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/cases/{caseId}/reopen", new ReasonRequest("Family is back"), Json)).StatusCode);

        var details = await client.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        Assert.Equal(2, details!.Episode.Number);
        Assert.Equal(EpisodePhase.Referral, details.Episode.Phase);
        var first = Assert.Single(details.EarlierEpisodes);
        Assert.Equal([null, EpisodePhase.Referral, EpisodePhase.Active], first.PhaseChanges.Select(p => p.From));
        Assert.Equal("Closed: the family stopped coming", first.PhaseChanges[^1].Reason);
        Assert.Equal("Tobias Wrenfield", first.PhaseChanges[^1].By);
    }
}
