using Alliance.Application;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// On SQLite, "primary therapist or co-therapist" is searched through the two therapist indexes once the database has
/// its statistics (which the server takes at start and every ten minutes): without them SQLite searched the agency's
/// index instead, which in a one-agency database is every case (92 ms a caseload at 100,000 families, see
/// docs/performance.md). The answer stays the same: the therapist's own cases and the ones they co-work.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class QueryPlanTests
{
    [Fact]
    public async Task WithStatisticsTheCaseloadFilterUsesBothTherapistIndexesAndFindsCoTherapistCases()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        Guid agencyId, me;
        var mine = new List<Guid>();
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Large agency");
            var therapists = Enumerable.Range(0, 40).Select(i => Staff(db, agency, $"Therapist {i}")).ToList();
            me = therapists[0].Id;
            agencyId = agency.Id;
            for (var i = 0; i < 400; i++)
            {
                var primary = therapists[i % therapists.Count];
                // Every twentieth family of someone else is co-worked by the first therapist.
                var co = primary.Id != me && i % 20 == 1 ? therapists[0] : null;
                var family = Case.Open(agency.Id, $"Family {i}", primary.Id, co?.Id, primary.Id, Now.AddDays(-30));
                family.AddMember($"Parent {i}", FamilyRole.Parent, 1980, Now.AddDays(-30));
                db.Cases.Add(family);
                if (primary.Id == me || co is not null) mine.Add(family.Id);
            }
            await db.SaveChangesAsync();
            // What the server's start and its ten-minute refresh do.
            await DatabaseSettings.RefreshStatisticsAsync(db, StatisticsRefresh.Everything);
        }

        await using var own = database.OpenFor(agencyId);
        var actor = new Actor(me, agencyId, new HashSet<string> { StaffRoles.Therapist });
        var caseload = own.VisibleCases(actor).Where(c => c.PrimaryTherapistId == me || c.CoTherapistId == me).Select(c => c.Id);

        var plan = await PlanAsync(own, caseload);
        Assert.Contains("MULTI-INDEX OR", plan, StringComparison.Ordinal);
        Assert.Contains("IX_cases_AgencyId_PrimaryTherapistId (AgencyId=? AND PrimaryTherapistId=?)", plan, StringComparison.Ordinal);
        Assert.Contains("IX_cases_AgencyId_CoTherapistId (AgencyId=? AND CoTherapistId=?)", plan, StringComparison.Ordinal);
        Assert.Equal(mine.Order(), (await caseload.ToListAsync()).Order());
        Assert.Equal(30, mine.Count); // 10 as primary, 20 as co-therapist

        // One case by its id is found by the primary key, whatever the therapist filter.
        var one = own.VisibleCases(actor).Where(c => c.Id == mine[0]).Select(c => c.Id);
        Assert.Contains("USING INDEX sqlite_autoindex_cases_1 (Id=?)", await PlanAsync(own, one), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AListOfIdsIsOneParameterSoTheStatementDoesNotDependOnItsLength()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        Guid agencyId;
        List<StaffUser> staff;
        StaffUser stranger;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Agency");
            agencyId = agency.Id;
            // An agency of some size: over a handful of rows SQLite rightly reads the whole table.
            staff = Enumerable.Range(0, 400).Select(i => Staff(db, agency, $"Therapist {i}")).ToList();
            stranger = Staff(db, Agency(db, "Another agency"), "Elsewhere");
            await db.SaveChangesAsync();
            await DatabaseSettings.RefreshStatisticsAsync(db, StatisticsRefresh.Everything);
        }

        await using var own = database.OpenFor(agencyId);
        IQueryable<Guid> Named(List<Guid> ids) => own.Users.Where(u => u.AgencyId == agencyId && ids.Contains(u.Id)).Select(u => u.Id);
        var one = Named([staff[0].Id]);
        var five = Named(staff.Take(5).Select(s => s.Id).ToList());

        // One statement for every length: EF Core builds its SQL once, not at every execution.
        Assert.Equal(one.CreateDbCommand().CommandText, five.CreateDbCommand().CommandText);
        Assert.Contains("json_each", one.CreateDbCommand().CommandText, StringComparison.Ordinal);
        // Each id is still found by the key, and the ids match the stored ones (a name for each, none from elsewhere).
        Assert.Contains("USING INDEX sqlite_autoindex_AspNetUsers_1 (Id=?)", await PlanAsync(own, five), StringComparison.Ordinal);
        var names = await own.StaffNamesAsync(agencyId, [staff[1].Id, staff[3].Id, stranger.Id], CancellationToken.None);
        Assert.Equal(new Dictionary<Guid, string> { [staff[1].Id] = "Therapist 1", [staff[3].Id] = "Therapist 3" }, names);
    }

    [Fact]
    public async Task TheRefreshWhileRunningAnalysesOnlyTheTablesWhoseStatisticsNoLongerFit()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var db = database.OpenAsOperator();
        var agency = Agency(db, "Agency");
        var therapist = Staff(db, agency, "Therapist");
        await db.SaveChangesAsync();
        await OpenFamiliesAsync(db, agency, therapist, 20);

        // The start analyses every table: each statistics row begins with the table's row count.
        await DatabaseSettings.RefreshStatisticsAsync(db, StatisticsRefresh.Everything);
        Assert.Equal(20, await CountedRowsAsync(db, "cases"));
        var trail = await CountedRowsAsync(db, "audit_entries");
        Assert.Equal(await db.AuditEntries.CountAsync(), trail);

        // A few more families change nothing the planner would choose differently: nothing is analysed again (every
        // analysis makes every connection read the statistics again).
        await OpenFamiliesAsync(db, agency, therapist, 10);
        await DatabaseSettings.RefreshStatisticsAsync(db, StatisticsRefresh.Periodic);
        Assert.Equal(20, await CountedRowsAsync(db, "cases"));
        Assert.Equal(trail, await CountedRowsAsync(db, "audit_entries"));

        // Many times as many are analysed again.
        await OpenFamiliesAsync(db, agency, therapist, 1000);
        await DatabaseSettings.RefreshStatisticsAsync(db, StatisticsRefresh.Periodic);
        Assert.Equal(1030, await CountedRowsAsync(db, "cases"));

        // So is a table without statistics (an empty one at the start has none).
        await db.Database.ExecuteSqlRawAsync("DELETE FROM sqlite_stat1 WHERE tbl = 'cases'");
        await db.Database.ExecuteSqlRawAsync("ANALYZE sqlite_schema");
        await DatabaseSettings.RefreshStatisticsAsync(db, StatisticsRefresh.Periodic);
        Assert.Equal(1030, await CountedRowsAsync(db, "cases"));
    }

    private static async Task OpenFamiliesAsync(AllianceDbContext db, Agency agency, StaffUser therapist, int count)
    {
        for (var i = 0; i < count; i++)
            db.Cases.Add(Case.Open(agency.Id, $"Family {i}", therapist.Id, null, therapist.Id, Now.AddDays(-30)));
        await db.SaveChangesAsync();
    }

    /// <summary>The row count the table's statistics were taken at (the first number of each of its index rows).</summary>
    private static async Task<int> CountedRowsAsync(AllianceDbContext db, string table)
    {
        var stats = await db.Database.SqlQuery<string>($"SELECT stat AS \"Value\" FROM sqlite_stat1 WHERE tbl = {table}").ToListAsync();
        return Assert.Single(stats.Select(s => int.Parse(s.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).Distinct());
    }

    private static async Task<string> PlanAsync(AllianceDbContext db, IQueryable<Guid> query)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync()) lines.Add(reader.GetString(3));
        return string.Join('\n', lines);
    }
}
