using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// A case's version changes with every saved change to any record the whole-case read includes, also when the code
/// that changed it did not ask for a new version, and also when the case itself was not loaded: a case read kept for
/// as long as its version stands is then never out of date.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class CaseVersionTests
{
    private static async Task<(TestDatabase Database, Guid AgencyId, Guid CaseId, Guid TherapistId)> RichCaseAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();
        var c = await RoundTripTests.AddRichCaseAsync(db);
        return (database, c.AgencyId, c.Id, c.PrimaryTherapistId);
    }

    private static async Task<Guid> StoredVersionAsync(TestDatabase database, Guid agencyId, Guid caseId)
    {
        await using var db = database.OpenFor(agencyId);
        return await db.Cases.Where(c => c.Id == caseId).Select(c => c.Version).SingleAsync();
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task TheKindsOfRecordThatChangeTheVersionAreThoseTheWholeCaseReadIncludes(string provider)
    {
        var (database, agencyId, caseId, _) = await RichCaseAsync(provider);
        await using var owned = database;
        await using var db = database.OpenFor(agencyId);
        await RoundTripTests.LoadAsync(db, caseId);

        // The case built for the round trip has records of every kind; an Include added without its kind listed fails here.
        var read = db.ChangeTracker.Entries().Select(e => e.Metadata.ClrType).ToHashSet();
        Assert.Equal(WholeCase.Parts.OrderBy(t => t.Name).Select(t => t.Name), read.OrderBy(t => t.Name).Select(t => t.Name));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AChangedRecordOfALoadedCaseGivesItANewVersion(string provider)
    {
        var (database, agencyId, caseId, _) = await RichCaseAsync(provider);
        await using var owned = database;
        var before = await StoredVersionAsync(database, agencyId, caseId);

        await using (var db = database.OpenFor(agencyId))
        {
            var c = await RoundTripTests.LoadAsync(db, caseId);
            // Changed around the domain's methods, as a careless change would: the case itself is not asked to change.
            var session = c.Episodes.SelectMany(e => e.Sessions).First(s => s.Notes is not null);
            db.Entry(session).Property(s => s.Notes).CurrentValue = "Corrected after the session.";
            await db.SaveChangesAsync();
            Assert.NotEqual(before, c.Version);
        }

        var after = await StoredVersionAsync(database, agencyId, caseId);
        Assert.NotEqual(before, after);
        // The case's new version is audited with the change.
        await using var check = database.OpenFor(agencyId);
        Assert.True(await check.AuditEntries.AnyAsync(a => a.RecordType == "case" && a.RecordId == caseId.ToString() && a.Action == "update"));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ARecordChangedWithoutItsCaseLoadedGivesTheStoredCaseANewVersion(string provider)
    {
        var (database, agencyId, caseId, _) = await RichCaseAsync(provider);
        await using var owned = database;

        // A phase change and a goal's rating, each read on its own: their case is found through their episode and goal.
        var before = await StoredVersionAsync(database, agencyId, caseId);
        await using (var db = database.OpenFor(agencyId))
        {
            var change = await db.PhaseChanges.OrderBy(p => p.At).FirstAsync(p => db.Episodes.Any(e => e.Id == p.EpisodeId && e.CaseId == caseId));
            db.Entry(change).Property(p => p.Reason).CurrentValue = "First visit booked by phone";
            await db.SaveChangesAsync();
        }
        var afterPhase = await StoredVersionAsync(database, agencyId, caseId);
        Assert.NotEqual(before, afterPhase);

        await using (var db = database.OpenFor(agencyId))
        {
            var rating = await db.Set<GoalImportance>().FirstAsync(i => db.Set<Goal>().Any(g => g.Id == i.GoalId && g.CaseId == caseId));
            db.Remove(rating);
            await db.SaveChangesAsync();
        }
        Assert.NotEqual(afterPhase, await StoredVersionAsync(database, agencyId, caseId));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ARecordMovedToAnotherCaseChangesTheVersionsOfBoth(string provider)
    {
        var (database, agencyId, caseId, therapistId) = await RichCaseAsync(provider);
        await using var owned = database;
        Guid otherId;
        await using (var db = database.OpenFor(agencyId))
        {
            var agency = await db.Agencies.SingleAsync(a => a.Id == agencyId);
            var therapist = await db.Users.SingleAsync(u => u.Id == therapistId);
            otherId = Family(db, agency, "Harlow family", therapist).Id;
            await db.SaveChangesAsync();
        }
        var (before, otherBefore) = (await StoredVersionAsync(database, agencyId, caseId), await StoredVersionAsync(database, agencyId, otherId));

        // A member filed under the wrong family and moved, by a path that changes the key alone.
        await using (var db = database.OpenFor(agencyId))
        {
            var member = await db.Members.FirstAsync(m => m.CaseId == caseId);
            db.Entry(member).Property(m => m.CaseId).CurrentValue = otherId;
            await db.SaveChangesAsync();
        }

        Assert.NotEqual(before, await StoredVersionAsync(database, agencyId, caseId));
        Assert.NotEqual(otherBefore, await StoredVersionAsync(database, agencyId, otherId));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ARecordOutsideTheWholeCaseDoesNotChangeTheVersion(string provider)
    {
        var (database, agencyId, caseId, _) = await RichCaseAsync(provider);
        await using var owned = database;
        var before = await StoredVersionAsync(database, agencyId, caseId);

        // Records outside the whole-case read (here an alert) leave the version alone, so that a family's answers and
        // the alerts they raise never make a therapist's edit of the case stale.
        await using (var db = database.OpenFor(agencyId))
        {
            db.Alerts.Add(new Alert(agencyId, caseId, null, null, null, "low-alliance", "warning", null, "[]", "Low alliance", "Talk about it.", $"k-{Guid.NewGuid()}", Now));
            await db.SaveChangesAsync();
        }

        Assert.Equal(before, await StoredVersionAsync(database, agencyId, caseId));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AChangeMadeAroundTheDomainAlsoStopsAStaleWriter(string provider)
    {
        var (database, agencyId, caseId, therapistId) = await RichCaseAsync(provider);
        await using var owned = database;
        await using var first = database.OpenFor(agencyId);
        await using var second = database.OpenFor(agencyId);
        var mine = await RoundTripTests.LoadAsync(first, caseId);
        var theirs = await RoundTripTests.LoadAsync(second, caseId);

        // A change made around the domain's methods now counts as a change of the case for the next writer too.
        var session = mine.CurrentEpisode.Sessions.Single();
        first.Entry(session).Property(s => s.ScheduledMinutes).CurrentValue = 75;
        await first.SaveChangesAsync();
        theirs.CurrentEpisode.ScheduleSession(Now.AddDays(12), 60, therapistId, Now);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }
}
