using System.Net;
using Alliance.Application;
using Alliance.Application.Import;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Errors;
using Alliance.Web.Features.Scores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>Scores on the case page (charts with cutoff lines and their tables) and the empathy pages, on the demo agency.</summary>
[Trait("Capability", "Measures")]
public sealed class ScoresTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private Task<(Guid CaseId, Guid Lily, Guid Maya)> ApplewhiteAsync() => ApplewhiteAsync(app);

    /// <summary>The demo's Applewhite family in the given app: the case and its two daughters.</summary>
    private static async Task<(Guid CaseId, Guid Lily, Guid Maya)> ApplewhiteAsync(AllianceWebFactory factory) => await factory.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var c = await db.Cases.Include(x => x.Members).SingleAsync(x => x.Name == "Applewhite family");
        return (c.Id, c.Members.Single(m => m.DisplayName == "Lily Applewhite").Id, c.Members.Single(m => m.DisplayName == "Maya Applewhite").Id);
    });

    private async Task<Guid> StaffIdAsync(string email) => await app.AsOperatorAsync(sp =>
        sp.GetRequiredService<AllianceDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>The part of the case page that holds one member's charts.</summary>
    private static string MemberSection(string html, Guid memberId)
    {
        var start = html.IndexOf($"aria-labelledby=\"scores-{memberId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no scores section for member {memberId}");
        var end = html.IndexOf("<section class=\"member-scores\"", start, StringComparison.Ordinal);
        return end < 0 ? html[start..] : html[start..end];
    }

    [Fact]
    public async Task TheCasePageChartsEachMembersScoresWithCutoffLinesAndTables()
    {
        var (caseId, _, maya) = await ApplewhiteAsync();
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var html = await client.GetStringAsync($"/cases/{caseId}");

        Assert.Contains("Scores over sessions", html, StringComparison.Ordinal);
        var section = MemberSection(html, maya);
        foreach (var group in new[] { "Alliance", "Outcome", "Self-efficacy" })
            Assert.Contains($"<h4 class=\"group\">{group}</h4>", section, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", section, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", section, StringComparison.Ordinal);
        // The alliance cutoff (36) and the adult wellbeing cutoff (25), drawn as lines and written in the tables.
        Assert.Contains("class=\"cutoff\"", section, StringComparison.Ordinal);
        Assert.Contains("data-cutoff=\"36\"", section, StringComparison.Ordinal);
        Assert.Contains("data-cutoff=\"25\"", section, StringComparison.Ordinal);
        Assert.Contains("cutoff 25 (adult)", section, StringComparison.Ordinal);
        // Every chart has its accessible table: a caption and one row per session with a score.
        Assert.Contains("<table class=\"scores-table\">", section, StringComparison.Ordinal);
        Assert.Contains("<caption>Alliance check: Maya Applewhite, by session</caption>", section, StringComparison.Ordinal);
        Assert.Contains("<caption>Well-being check: Maya Applewhite, by session</caption>", section, StringComparison.Ordinal);
        Assert.Equal(CountOf(section, "<svg class=\"chart\""), CountOf(section, "<table class=\"scores-table\">"));
        // No inline style anywhere: the Content-Security-Policy would block it.
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChildsWellbeingIsDrawnAgainstTheChildCutoff()
    {
        var (caseId, lily, maya) = await ApplewhiteAsync();
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var html = await client.GetStringAsync($"/cases/{caseId}");

        var child = MemberSection(html, lily);
        Assert.Contains("data-cutoff=\"32\"", child, StringComparison.Ordinal);
        Assert.Contains("cutoff 32 (child)", child, StringComparison.Ordinal);
        Assert.DoesNotContain("data-cutoff=\"25\"", child, StringComparison.Ordinal);
        Assert.Contains("32 (child)</td>", child, StringComparison.Ordinal);
        Assert.DoesNotContain("data-cutoff=\"32\"", MemberSection(html, maya), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task TheScoresSectionKeptFromAnEarlierViewIsLaidOutAgainWhenAScoreIsWithdrawn()
    {
        // A database of its own: a score is withdrawn here.
        using var own = new AllianceWebFactory();
        var (caseId, _, maya) = await ApplewhiteAsync(own);
        var latest = await own.AsOperatorAsync(sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            return db.Responses.Where(r => r.MemberId == maya && r.InstrumentId == "alliance-check" && r.Rater == RaterRole.Client && r.WithdrawnAt == null)
                .Join(db.Sessions, r => r.SessionId, s => s.Id, (r, s) => s.Number).MaxAsync();
        });
        var client = await own.SignedInAsync(AllianceWebFactory.Therapist);
        const string caption = "<caption>Alliance check: Maya Applewhite, by session</caption>";
        var first = MemberSection(await client.GetStringAsync($"/cases/{caseId}"), maya);
        // The second view is the kept section, the same to the character.
        Assert.Equal(first, MemberSection(await client.GetStringAsync($"/cases/{caseId}"), maya));
        Assert.Contains($"<th scope=\"row\">{latest} ", TableOf(first, caption), StringComparison.Ordinal);

        await own.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var response = await db.Responses.Join(db.Sessions, r => r.SessionId, s => s.Id, (r, s) => new { r, s.Number })
                .Where(x => x.r.MemberId == maya && x.r.InstrumentId == "alliance-check" && x.r.Rater == RaterRole.Client && x.Number == latest)
                .Select(x => x.r).SingleAsync();
            response.Withdraw("entered for the wrong member", DateTime.UtcNow);
            return await db.SaveChangesAsync();
        });

        var after = MemberSection(await client.GetStringAsync($"/cases/{caseId}"), maya);
        Assert.DoesNotContain($"<th scope=\"row\">{latest} ", TableOf(after, caption), StringComparison.Ordinal);
        Assert.Equal(CountOf(TableOf(first, caption), "<th scope=\"row\">") - 1, CountOf(TableOf(after, caption), "<th scope=\"row\">"));
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task TheScoresKeyChangesWithTheScoresAndTheAlertsEvidenceAndNotOtherwise()
    {
        using var own = new AllianceWebFactory();
        var (caseId, _, maya) = await ApplewhiteAsync(own);
        async Task<string> KeyAsync() => await own.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var c = await db.Cases.AsNoTracking().IncludeWholeCase().SingleAsync(x => x.Id == caseId);
            var alerts = await db.Alerts.AsNoTracking().Where(a => a.CaseId == caseId).ToListAsync();
            var section = await sp.GetRequiredService<GetScores>().ReadAsync(c, "Europe/London", alerts, CancellationToken.None);
            return section.Key;
        });
        Task ChangeAsync(Func<AllianceDbContext, Task> change) => own.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            await change(db);
            return await db.SaveChangesAsync();
        });

        var key = await KeyAsync();
        Assert.Equal(key, await KeyAsync());
        // An alert without evidence of a member's scores changes nothing the section shows.
        await ChangeAsync(async db => (await db.Alerts.FirstAsync(a => a.CaseId == caseId && a.Status == AlertStatus.Open && a.MemberId == null)).Acknowledge(Guid.NewGuid(), DateTime.UtcNow));
        Assert.Equal(key, await KeyAsync());

        // Resolving the alerts whose evidence is a member's scores takes the rings off them.
        await ChangeAsync(async db =>
        {
            var ringed = await db.Alerts.Where(a => a.CaseId == caseId && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)
                && a.MemberId == maya && a.Instrument != null && a.EvidenceJson.Contains("sessionNumber")).ToListAsync();
            Assert.NotEmpty(ringed);
            foreach (var alert in ringed) alert.Resolve(null, "talked it through", DateTime.UtcNow);
        });
        var resolved = await KeyAsync();
        Assert.NotEqual(key, resolved);

        // A withdrawn score.
        await ChangeAsync(async db => (await db.Responses.FirstAsync(r => r.CaseId == caseId && r.MemberId == maya && r.WithdrawnAt == null && r.Score != null)).Withdraw("entered twice", DateTime.UtcNow));
        var withdrawn = await KeyAsync();
        Assert.NotEqual(resolved, withdrawn);

        // A change to the family (a member's name) gives the case a new version.
        await ChangeAsync(async db =>
        {
            var c = await db.Cases.Include(x => x.Members).SingleAsync(x => x.Id == caseId);
            var member = c.Members.Single(m => m.Id == maya);
            member.Update("Maya Applewhite-Jones", member.Role, member.BirthYear, DateTime.UtcNow);
        });
        Assert.NotEqual(withdrawn, await KeyAsync());
    }

    /// <summary>One chart's table, from its caption to its end.</summary>
    private static string TableOf(string section, string caption)
    {
        var start = section.IndexOf(caption, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table {caption}");
        return section[start..section.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task AnotherTherapistsCaseAndItsScoresAreNotFound()
    {
        var (caseId, _, _) = await ApplewhiteAsync();
        var unrelated = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.Equal(HttpStatusCode.NotFound, (await unrelated.GetAsync($"/cases/{caseId}")).StatusCode);

        var jonah = await StaffIdAsync("jonah@harbourlight.example");
        var agency = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Agencies.Select(a => a.Id).FirstAsync());
        await app.AsOperatorAsync<bool>(async sp =>
        {
            // The scores are built on the case page's one read of the case, which refuses a case outside the care relationship.
            var handler = sp.GetRequiredService<Alliance.Web.Features.Cases.GetCase>();
            await Assert.ThrowsAsync<NotFoundException>(() => handler.ReadWithAlertsAsync(new Actor(jonah, agency, new HashSet<string> { StaffRoles.Therapist }), caseId, CancellationToken.None));
            return true;
        });
    }

    [Fact]
    public async Task ATherapistSeesTheirEmpathyObservationsSelfAndObserverSideBySide()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.GetAsync("/me/empathy");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<svg class=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"series series-observer\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"series series-self\"", html, StringComparison.Ordinal);
        Assert.Contains("<caption>Empathy observations of Tobias Wrenfield, observer and self-rating side by side</caption>", html, StringComparison.Ordinal);
        Assert.Contains("Dr Imogen Farrowdale", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Applewhite", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSupervisorSeesASuperviseesEmpathyObservationsAndNoOneElseDoes()
    {
        var tobias = await StaffIdAsync(AllianceWebFactory.Therapist);
        var admin = await StaffIdAsync(AllianceWebFactory.Admin);
        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var page = await supervisor.GetAsync($"/supervision/empathy/{tobias}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Empathy observations of Tobias Wrenfield", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Not a supervisee: not found. Not a supervisor: refused.
        Assert.Equal(HttpStatusCode.NotFound, (await supervisor.GetAsync($"/supervision/empathy/{admin}")).StatusCode);
        var colleague = await app.SignedInAsync(AllianceWebFactory.OtherTherapist);
        var refused = await colleague.GetAsync($"/supervision/empathy/{tobias}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/denied", refused.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryDemoScoreIsTheScoreOfItsStoredAnswers()
    {
        var (checkedCount, attendeesWithoutScores) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var catalog = InstrumentCatalog.CreateWithBuiltIns();
            var responses = await db.Responses.Where(r => r.Source != ResponseSource.Import).ToListAsync();
            foreach (var r in responses)
            {
                var read = QuestionnaireResponseMapper.FromJson(r.AnswersJson!, catalog);
                Assert.True(read.Succeeded, string.Join("; ", read.Errors));
                Assert.Equal(r.Score, read.Response!.Score.Total);
            }
            // Every member who attended a held session rated the alliance and their well-being there.
            var held = await db.Sessions.Include(s => s.Attendees).Where(s => s.Status == SessionStatus.Held).ToListAsync();
            var rated = responses.Where(r => r.Rater == RaterRole.Client).Select(r => (r.SessionId, r.MemberId, Series: r.InstrumentId.Replace("child-", "", StringComparison.Ordinal))).ToHashSet();
            var missing = held.SelectMany(s => s.Attendees.Select(a => (s.Id, a.MemberId)))
                .Count(x => !rated.Contains((x.Id, x.MemberId, "alliance-check")) || !rated.Contains((x.Id, x.MemberId, "wellbeing-check")));
            return (responses.Count, missing);
        });
        Assert.True(checkedCount > 300, $"only {checkedCount} demo responses");
        Assert.Equal(0, attendeesWithoutScores);
    }

    [Fact]
    public async Task ImportedFamiliesShowTheirHistoricalScoresWithAChildMovingToTheAdultCutoff()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "examples", "edge");
        var outcome = await app.AsOperatorAsync(sp => ActivatorUtilities.CreateInstance<ImportSpreadsheet>(sp)
            .HandleAsync(new ImportSpreadsheetCommand(folder, null, AllianceWebFactory.Therapist, new Uri("https://localhost/"))));
        Assert.True(outcome.Succeeded, string.Join(Environment.NewLine, outcome.Problems));
        var caseId = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Cases.Where(c => c.Name == "E02").Select(c => c.Id).SingleAsync());

        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Contains("E02", await client.GetStringAsync("/"), StringComparison.Ordinal);
        var html = await client.GetStringAsync($"/cases/{caseId}");
        // E02's member was 12 at the first two sessions and 13 at the last two: the cutoff line steps from 32 to 25.
        Assert.Contains("cutoff 32 (child)", html, StringComparison.Ordinal);
        Assert.Contains("cutoff 25 (adult)", html, StringComparison.Ordinal);
        // The alliance table lists the four sessions, child and adult versions in one series.
        var start = html.IndexOf("<section class=\"member-scores\"", StringComparison.Ordinal);
        var alliance = html[start..html.IndexOf("<h4 class=\"group\">Outcome</h4>", start, StringComparison.Ordinal)];
        Assert.Equal(4, CountOf(alliance, "<th scope=\"row\">"));
        Assert.Contains("Alliance check for children", alliance, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
