using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>Two people editing the same case: the second to save, working from a stale copy, is stopped.</summary>
[Trait("Capability", "Foundation")]
public sealed class ConcurrencyTests
{
    private static async Task<(TestDatabase Database, Guid AgencyId, Guid CaseId, Guid TherapistId)> OneCaseAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();
        var agency = Agency(db, "Northgate");
        var therapist = Staff(db, agency, "Tess Arden");
        await db.SaveChangesAsync();
        var c = Family(db, agency, "Harlow family", therapist);
        await db.SaveChangesAsync();
        return (database, agency.Id, c.Id, therapist.Id);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AStaleSecondWriterFails(string provider)
    {
        var (database, agencyId, caseId, _) = await OneCaseAsync(provider);
        await using var owned = database;
        await using var first = database.OpenFor(agencyId);
        await using var second = database.OpenFor(agencyId);
        var mine = await first.Cases.SingleAsync(c => c.Id == caseId);
        var theirs = await second.Cases.SingleAsync(c => c.Id == caseId);

        mine.Rename("Harlow-Ames family");
        await first.SaveChangesAsync();
        theirs.Rename("Harlow family (mother and son)");

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var check = database.OpenFor(agencyId);
        Assert.Equal("Harlow-Ames family", (await check.Cases.SingleAsync(c => c.Id == caseId)).Name);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ChangesInsideTheCaseAlsoStopAStaleWriter(string provider)
    {
        var (database, agencyId, caseId, therapistId) = await OneCaseAsync(provider);
        await using var owned = database;
        await using var first = database.OpenFor(agencyId);
        await using var second = database.OpenFor(agencyId);
        var mine = await RoundTripTests.LoadAsync(first, caseId);
        var theirs = await RoundTripTests.LoadAsync(second, caseId);

        // One schedules a session while the other, unaware, moves the episode on: both touch only child rows.
        mine.CurrentEpisode.ScheduleSession(Now.AddDays(7), 60, therapistId, Now);
        await first.SaveChangesAsync();
        theirs.CurrentEpisode.PlanEnding(new EndingChecklist(Now.AddDays(14), true, "Call the agency's duty line if things slip.", null), false, therapistId, "Ending planned", Now);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        await using var check = database.OpenFor(agencyId);
        Assert.Equal(EpisodePhase.Active, (await check.Episodes.SingleAsync(e => e.CaseId == caseId)).Phase);
        Assert.Equal(2, await check.Sessions.CountAsync(s => s.CaseId == caseId));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AWriterWithAFreshCopySucceeds(string provider)
    {
        var (database, agencyId, caseId, _) = await OneCaseAsync(provider);
        await using var owned = database;
        await using (var first = database.OpenFor(agencyId))
        {
            (await first.Cases.SingleAsync(c => c.Id == caseId)).Rename("Harlow-Ames family");
            await first.SaveChangesAsync();
        }

        await using var second = database.OpenFor(agencyId);
        (await second.Cases.SingleAsync(c => c.Id == caseId)).Rename("Harlow family (mother and son)");
        await second.SaveChangesAsync();

        await using var check = database.OpenFor(agencyId);
        Assert.Equal("Harlow family (mother and son)", (await check.Cases.SingleAsync(c => c.Id == caseId)).Name);
    }
}
