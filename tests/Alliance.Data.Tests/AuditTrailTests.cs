using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// The audit trail on both providers: every write of client data is recorded in its own transaction, each agency's
/// entries form one hash chain, and a changed, removed or reordered entry is found and named.
/// </summary>
[Trait("Capability", "Confidentiality")]
public sealed class AuditTrailTests
{
    private static readonly AuditActor Tess = new(AuditActorKind.Staff, Guid.NewGuid(), "Tess Arden", "10.1.2.3");

    private static async Task<(TestDatabase Database, Guid AgencyId, Guid CaseId)> AuditedFamilyAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId;
        await using (var setup = database.OpenAsOperator())
        {
            var agency = Agency(setup, "Northgate");
            Staff(setup, agency, "Tess Arden");
            await setup.SaveChangesAsync();
            agencyId = agency.Id;
        }
        await using var db = database.Open(new FixedTenant(agencyId, false, Tess));
        var therapist = await db.Users.FirstAsync();
        var agencyRow = await db.Agencies.SingleAsync();
        var c = Family(db, agencyRow, "Harlow family", therapist);
        await db.SaveChangesAsync();
        return (database, agencyId, c.Id);
    }

    /// <summary>
    /// A context holding the family's case as it was before another context renamed it and saved (one more entry):
    /// saving a change to it fails on the case's version.
    /// </summary>
    private static async Task<(AllianceDbContext Context, Case Stale)> StaleCaseAsync(TestDatabase database, Guid agencyId)
    {
        var second = database.OpenFor(agencyId);
        var stale = await second.Cases.SingleAsync();
        await using var first = database.OpenFor(agencyId);
        (await first.Cases.SingleAsync()).Rename("One name");
        await first.SaveChangesAsync();
        return (second, stale);
    }

    private static async Task<List<AuditEntry>> EntriesAsync(TestDatabase database) =>
        await database.OpenAsOperator().AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task EveryWriteOfClientDataIsRecordedWithWhoWhatAndWhere(string provider)
    {
        var (database, agencyId, caseId) = await AuditedFamilyAsync(provider);
        await using var owned = database;

        var entries = await EntriesAsync(database);
        // One case, two members, one episode, each member's orientation, one session: seven records created.
        Assert.Equal(["case", "episode", "member", "member", "orientation", "orientation", "session"], entries.Select(e => e.RecordType).Order());
        Assert.All(entries, e =>
        {
            Assert.Equal((AuditActions.Create, agencyId, caseId), (e.Action, e.AgencyId, e.CaseId));
            Assert.Equal((AuditActorKind.Staff, Tess.Id, "Tess Arden", "10.1.2.3"), (e.ActorKind, e.ActorId, e.ActorName, e.Origin));
        });
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], entries.Select(e => e.Sequence));
        Assert.Equal(AuditEntry.Genesis, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);

        await using (var db = database.Open(new FixedTenant(agencyId, false, Tess)))
        {
            var c = await db.Cases.SingleAsync();
            c.Rename("Harlow-Ames family");
            await db.SaveChangesAsync();
        }
        var update = (await EntriesAsync(database))[^1];
        Assert.Equal((8L, AuditActions.Update, "case", caseId.ToString()), (update.Sequence, update.Action, update.RecordType, update.RecordId));
        await using var check = database.OpenAsOperator();
        Assert.Empty(await AuditLedger.VerifyAsync(check));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AFailedWriteLeavesNoAuditEntry(string provider)
    {
        var (database, agencyId, _) = await AuditedFamilyAsync(provider);
        await using var owned = database;
        var before = (await EntriesAsync(database)).Count;
        var (second, stale) = await StaleCaseAsync(database, agencyId);
        await using var owner = second;
        stale.Rename("Another name");

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        Assert.Equal(before + 1, (await EntriesAsync(database)).Count);
        await using var check = database.OpenAsOperator();
        Assert.Empty(await AuditLedger.VerifyAsync(check));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AWriteThatFailsInsideTheCallersTransactionLeavesNoEntryWhenTheCallerGoesOnAndCommits(string provider)
    {
        var (database, agencyId, caseId) = await AuditedFamilyAsync(provider);
        await using var owned = database;
        var before = (await EntriesAsync(database)).Count;
        var (second, stale) = await StaleCaseAsync(database, agencyId);
        await using var owner = second;

        await using (var transaction = await second.Database.BeginTransactionAsync())
        {
            stale.Rename("Another name");
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
            // The caller goes on in its transaction with another write, and commits.
            second.ChangeTracker.Clear();
            (await second.Cases.SingleAsync()).Rename("A third name");
            await second.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var entries = await EntriesAsync(database);
        Assert.Equal(before + 2, entries.Count);
        Assert.Equal((AuditActions.Update, caseId.ToString(), (long)before + 2), (entries[^1].Action, entries[^1].RecordId, entries[^1].Sequence));
        await using var check = database.OpenAsOperator();
        Assert.Empty(await AuditLedger.VerifyAsync(check));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task TheDatabaseRefusesToChangeOrDeleteAnEntry(string provider)
    {
        var (database, _, _) = await AuditedFamilyAsync(provider);
        await using var owned = database;
        await using var db = database.OpenAsOperator();
        var update = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET \"ActorName\" = 'someone else'"));
        var delete = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries"));
        Assert.Contains("append-only", update?.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", delete?.Message, StringComparison.Ordinal);
        Assert.Equal(7, await db.AuditEntries.CountAsync());
    }

    public static TheoryData<string, string, string> Tampering => new()
    {
        { TestDatabase.Sqlite, "change", "entry 3 (row 3): its contents were changed" },
        { TestDatabase.Sqlite, "remove", "entries 3 to 3 are missing" },
        { TestDatabase.Sqlite, "remove-last", "the chain ends at entry 6 but its head records entry 7" },
        { TestDatabase.Sqlite, "reorder", "out of order" },
        { TestDatabase.Postgres, "change", "entry 3 (row 3): its contents were changed" },
        { TestDatabase.Postgres, "remove", "entries 3 to 3 are missing" },
        { TestDatabase.Postgres, "remove-last", "the chain ends at entry 6 but its head records entry 7" },
        { TestDatabase.Postgres, "reorder", "out of order" },
    };

    [SkippableTheory]
    [MemberData(nameof(Tampering))]
    public async Task VerifyFindsAndNamesATamperedEntry(string provider, string tampering, string expected)
    {
        var (database, _, _) = await AuditedFamilyAsync(provider);
        await using var owned = database;
        await using var db = database.OpenAsOperator();
        Assert.Empty(await AuditLedger.VerifyAsync(db));

        // Someone with direct database access first removes the guard, then edits the trail.
        var sqlite = provider == TestDatabase.Sqlite;
        if (sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER audit_entries_no_update");
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER audit_entries_no_delete");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER audit_entries_no_change ON audit_entries");
        }
        var sql = tampering switch
        {
            "change" => "UPDATE audit_entries SET \"ActorName\" = 'someone else' WHERE \"Sequence\" = 3",
            "remove" => "DELETE FROM audit_entries WHERE \"Sequence\" = 3",
            "remove-last" => "DELETE FROM audit_entries WHERE \"Sequence\" = 7",
            // Swap two entries' places: each keeps its own hash, but the chain no longer runs in order.
            _ => "UPDATE audit_entries SET \"Sequence\" = CASE \"Sequence\" WHEN 2 THEN 3 ELSE 2 END WHERE \"Sequence\" IN (2, 3)",
        };
        if (tampering == "reorder" && !sqlite)
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE audit_entries DROP CONSTRAINT IF EXISTS \"IX_audit_entries_AgencyId_Sequence\"; DROP INDEX IF EXISTS \"IX_audit_entries_AgencyId_Sequence\"");
        if (tampering == "reorder" && sqlite)
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_audit_entries_AgencyId_Sequence\"");
        await db.Database.ExecuteSqlRawAsync(sql);

        var problems = await AuditLedger.VerifyAsync(db);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task WritersAtTheSameTimeKeepOneUnbrokenChain(string provider)
    {
        var (database, agencyId, _) = await AuditedFamilyAsync(provider);
        await using var owned = database;

        async Task Write(int writer)
        {
            for (var i = 0; i < 5; i++)
            {
                await using var db = database.Open(new FixedTenant(agencyId, false, Tess));
                var agency = await db.Agencies.SingleAsync();
                var therapist = await db.Users.FirstAsync();
                db.Cases.Add(Case.Open(agency.Id, $"Family {writer}-{i}", therapist.Id, null, therapist.Id, Now));
                await db.SaveChangesAsync();
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(Write));

        var entries = await EntriesAsync(database);
        // 5 from the first family, then 20 cases with one episode each.
        Assert.Equal(7 + 20 * 2, entries.Count);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(n => (long)n), entries.Select(e => e.Sequence));
        await using var check = database.OpenAsOperator();
        Assert.Empty(await AuditLedger.VerifyAsync(check));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task VerifyingWhileWritersAppendFindsNothingWrong(string provider)
    {
        var (database, agencyId, _) = await AuditedFamilyAsync(provider);
        await using var owned = database;
        var done = false;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await using var db = database.Open(new FixedTenant(agencyId, false, Tess));
                var agency = await db.Agencies.SingleAsync();
                var therapist = await db.Users.FirstAsync();
                db.Cases.Add(Case.Open(agency.Id, $"Family {i}", therapist.Id, null, therapist.Id, Now));
                await db.SaveChangesAsync();
            }
            done = true;
        });

        // A trail that grows while it is read is not a trail with entries missing at its end.
        var runs = 0;
        while (!Volatile.Read(ref done))
        {
            await using var check = database.OpenAsOperator();
            Assert.Empty(await AuditLedger.VerifyAsync(check));
            runs++;
        }
        await writer;
        Assert.True(runs > 0);
    }
}
