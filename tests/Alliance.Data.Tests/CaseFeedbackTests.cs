using Alliance.Application.Feedback;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// Alerts raised in the app from stored scores, by the same rules as <c>alliance signals</c>, on both providers:
/// a hand-worked rupture (38 then 29: a drop of 9, at least 5), its repair (37 is within 2 of 38), low alliance
/// below 36, and withdrawal when a score is withdrawn.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class CaseFeedbackTests
{
    private static async Task<(TestDatabase Db, Guid Agency, Guid Case, Guid Member, List<Guid> Sessions)> FamilyWithSessionsAsync(string provider, int sessions)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();
        var agency = Agency(db, "Northgate");
        var therapist = Staff(db, agency, "Tess Arden");
        await db.SaveChangesAsync();
        var c = Case.Open(agency.Id, "Harlow family", therapist.Id, null, therapist.Id, Now.AddDays(-60));
        var mother = c.AddMember("Rose Harlow", FamilyRole.Parent, 1982, Now.AddDays(-60));
        var ids = new List<Guid>();
        for (var i = 0; i < sessions; i++)
        {
            var start = Now.AddDays(-7 * (sessions - i));
            var s = c.CurrentEpisode.ScheduleSession(start, 60, therapist.Id, start.AddDays(-7));
            s.RecordHeld(start, start.AddMinutes(55), [mother.Id], Modality.InPerson, null, Now);
            ids.Add(s.Id);
        }
        db.Cases.Add(c);
        await db.SaveChangesAsync();
        return (database, agency.Id, c.Id, mother.Id, ids);
    }

    private static async Task<Guid> ScoreAsync(TestDatabase database, Guid agency, Guid sessionId, Guid member, decimal score)
    {
        await using var db = database.OpenFor(agency);
        var session = await db.Sessions.Include(s => s.Episode).ThenInclude(e => e.Case).ThenInclude(c => c.Members).SingleAsync(s => s.Id == sessionId);
        var response = new Response(session, member, "alliance-check", RaterRole.Client, null, score, null, false, "{}", ResponseSource.Paper, Now);
        db.Responses.Add(response);
        await db.SaveChangesAsync();
        return response.Id;
    }

    private static async Task<FeedbackChanges> EvaluateAsync(TestDatabase database, Guid agency, Guid caseId)
    {
        await using var db = database.OpenFor(agency);
        var changes = await new CaseFeedback(db, TimeProvider.System).EvaluateAsync(caseId);
        await db.SaveChangesAsync();
        return changes;
    }

    private static async Task<List<Alert>> AlertsAsync(TestDatabase database, Guid agency) =>
        await database.OpenFor(agency).Alerts.AsNoTracking().OrderBy(a => a.SessionNumber).ThenBy(a => a.Kind).ToListAsync();

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ARuptureIsRaisedOnceAndItsRepairResolvesIt(string provider)
    {
        var (database, agency, caseId, member, sessions) = await FamilyWithSessionsAsync(provider, 3);
        await using var owned = database;
        await ScoreAsync(database, agency, sessions[0], member, 38);
        await ScoreAsync(database, agency, sessions[1], member, 29);

        Assert.Equal(new FeedbackChanges(2, 0, 0), await EvaluateAsync(database, agency, caseId));
        var alerts = await AlertsAsync(database, agency);
        Assert.Equal(["low-alliance", "rupture"], alerts.Select(a => a.Kind));
        var rupture = alerts.Single(a => a.Kind == "rupture");
        Assert.Equal(("medium", 2, member, AlertStatus.Open), (rupture.Severity, rupture.SessionNumber, rupture.MemberId, rupture.Status));
        Assert.Contains("Rose Harlow", rupture.Message, StringComparison.Ordinal);
        Assert.Contains("38", rupture.Message, StringComparison.Ordinal);
        Assert.Contains("29", rupture.Message, StringComparison.Ordinal);
        Assert.Equal("""[{"sessionNumber":1,"score":38},{"sessionNumber":2,"score":29}]""", rupture.EvidenceJson);
        Assert.False(string.IsNullOrWhiteSpace(rupture.ConsiderNext));

        // The same scores raise nothing new.
        Assert.Equal(new FeedbackChanges(0, 0, 0), await EvaluateAsync(database, agency, caseId));

        // 37 is at least 38 - 2: the rupture is repaired.
        await ScoreAsync(database, agency, sessions[2], member, 37);
        var changes = await EvaluateAsync(database, agency, caseId);
        Assert.Equal(1, changes.Repaired);
        var after = await AlertsAsync(database, agency);
        Assert.Contains(after, a => a.Kind == "repair" && a.SessionNumber == 3);
        var resolved = after.Single(a => a.Kind == "rupture");
        Assert.Equal(AlertStatus.Resolved, resolved.Status);
        Assert.StartsWith("Repaired at session 3", resolved.ResolutionNote, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AWithdrawnScoreWithdrawsTheAlertsItRaised(string provider)
    {
        var (database, agency, caseId, member, sessions) = await FamilyWithSessionsAsync(provider, 2);
        await using var owned = database;
        await ScoreAsync(database, agency, sessions[0], member, 38);
        var low = await ScoreAsync(database, agency, sessions[1], member, 29);
        await EvaluateAsync(database, agency, caseId);

        await using (var db = database.OpenFor(agency))
        {
            (await db.Responses.SingleAsync(r => r.Id == low)).Withdraw("Entered for the wrong member", Now);
            await db.SaveChangesAsync();
        }
        Assert.Equal(new FeedbackChanges(0, 2, 0), await EvaluateAsync(database, agency, caseId));
        Assert.All(await AlertsAsync(database, agency), a => Assert.Equal(AlertStatus.Withdrawn, a.Status));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AScoreExactlyAtTheCutoffIsNotLowAlliance(string provider)
    {
        var (database, agency, caseId, member, sessions) = await FamilyWithSessionsAsync(provider, 1);
        await using var owned = database;
        await ScoreAsync(database, agency, sessions[0], member, 36);
        Assert.Equal(new FeedbackChanges(0, 0, 0), await EvaluateAsync(database, agency, caseId));
    }
}
