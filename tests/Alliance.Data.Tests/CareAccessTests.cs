using System.Collections.Frozen;
using System.Linq.Expressions;
using Alliance.Application;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>Who may open which case: access follows the care relationship, inside one agency.</summary>
[Trait("Capability", "Foundation")]
public sealed class CareAccessTests
{
    /// <summary>The ids of the cases an actor may see, compiled once per kind of access as the hot reads are.</summary>
    private static readonly PerModel<FrozenDictionary<AccessKind, Func<AllianceDbContext, Guid, Guid, DateTime, IAsyncEnumerable<Guid>>>> Compiled =
        new(() => CareAccess.CompilePerKind(VisibleIds, q => EF.CompileAsyncQuery(q)));

    private static Expression<Func<AllianceDbContext, Guid, Guid, DateTime, IQueryable<Guid>>> VisibleIds =>
        (db, agency, me, now) => db.Cases.Where(c => CareAccess.Sees(db, c, agency, me, now)).Select(c => c.Id);

    /// <summary>
    /// Agency A: therapists T1, T2, T3, supervisor S (supervising T2 and T3), admin D.
    /// Cases: c1 (T1), c2 (T2, co T1), c3 (T3), c4 (T2), c5 (T3, co T2).
    /// Agency B: therapist TB with cases cB (co-therapist id T1) and cB2 (co-therapist id T2): ids that name A's staff,
    /// so that only the agency keeps A's staff out of them.
    /// </summary>
    private sealed class Caseload : IAsyncDisposable
    {
        public required TestDatabase Database { get; init; }
        public required Guid A { get; init; }
        public required Guid B { get; init; }
        public required Dictionary<string, Guid> Staff { get; init; }
        public required Dictionary<string, Guid> Cases { get; init; }
        public required Guid LineToT3 { get; init; }

        public Actor Actor(string who, params string[] roles) => new(Staff[who], who == "TB" ? B : A, new HashSet<string>(roles));

        /// <summary>
        /// The cases the actor may open for the purpose, asked both ways the rule is used: in a query built at the call,
        /// and in a query compiled for the actor's kind of access. The two must agree.
        /// </summary>
        public async Task<string[]> VisibleAsync(Actor actor, AllianceDbContext? db = null, CasePurpose purpose = CasePurpose.Read)
        {
            await using var own = Database.OpenFor(actor.AgencyId);
            var context = db ?? own;
            var built = await context.VisibleCases(actor, purpose).Select(c => c.Id).ToListAsync();
            var compiled = new List<Guid>();
            await foreach (var id in Compiled.For(context)[CareAccess.KindOf(actor, purpose)](context, actor.AgencyId, actor.StaffId, DateTime.UtcNow))
                compiled.Add(id);
            var names = Names(built);
            Assert.Equal(names, Names(compiled));
            return names;
        }

        private string[] Names(List<Guid> ids) => [.. Cases.Where(kv => ids.Contains(kv.Value)).Select(kv => kv.Key).Order(StringComparer.Ordinal)];

        public async Task<string[]> TherapistsAsync(Actor actor)
        {
            await using var db = Database.OpenFor(actor.AgencyId);
            var ids = await db.VisibleTherapists(actor).ToListAsync();
            return [.. Staff.Where(kv => ids.Contains(kv.Value)).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
        }

        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    private static async Task<Caseload> CaseloadAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();
        var a = Agency(db, "Agency A");
        var b = Agency(db, "Agency B");
        var staff = new Dictionary<string, StaffUser>
        {
            ["T1"] = Staff(db, a, "T1"), ["T2"] = Staff(db, a, "T2"), ["T3"] = Staff(db, a, "T3"),
            ["S"] = Staff(db, a, "S"), ["D"] = Staff(db, a, "D"), ["TB"] = Staff(db, b, "TB"),
        };
        await db.SaveChangesAsync();
        var cases = new Dictionary<string, Case>
        {
            ["c1"] = Family(db, a, "c1", staff["T1"]),
            ["c2"] = Family(db, a, "c2", staff["T2"], staff["T1"]),
            ["c3"] = Family(db, a, "c3", staff["T3"]),
            ["c4"] = Family(db, a, "c4", staff["T2"]),
            ["c5"] = Family(db, a, "c5", staff["T3"], staff["T2"]),
            ["cB"] = Family(db, b, "cB", staff["TB"], staff["T1"]),
            ["cB2"] = Family(db, b, "cB2", staff["TB"], staff["T2"]),
        };
        db.SupervisionLines.Add(new SupervisionLine(a.Id, staff["S"].Id, staff["T2"].Id, Now.AddDays(-60)));
        var lineToT3 = new SupervisionLine(a.Id, staff["S"].Id, staff["T3"].Id, Now.AddDays(-60));
        db.SupervisionLines.Add(lineToT3);
        await db.SaveChangesAsync();
        return new Caseload
        {
            Database = database, A = a.Id, B = b.Id, LineToT3 = lineToT3.Id,
            Staff = staff.ToDictionary(kv => kv.Key, kv => kv.Value.Id),
            Cases = cases.ToDictionary(kv => kv.Key, kv => kv.Value.Id),
        };
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ATherapistSeesTheCasesTheyHoldAsPrimaryOrCoTherapist(string provider)
    {
        await using var x = await CaseloadAsync(provider);

        Assert.Equal(["c1", "c2"], await x.VisibleAsync(x.Actor("T1", StaffRoles.Therapist)));
        Assert.Equal(["c2", "c4", "c5"], await x.VisibleAsync(x.Actor("T2", StaffRoles.Therapist)));
        Assert.Equal(["c3", "c5"], await x.VisibleAsync(x.Actor("T3", StaffRoles.Therapist)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ASupervisorSeesTheCasesOfTheirCurrentSuperviseesOnly(string provider)
    {
        await using var x = await CaseloadAsync(provider);
        var supervisor = x.Actor("S", StaffRoles.Supervisor);

        Assert.Equal(["c2", "c3", "c4", "c5"], await x.VisibleAsync(supervisor));
        Assert.Equal(["S", "T2", "T3"], await x.TherapistsAsync(supervisor));

        await using (var db = x.Database.OpenFor(x.A))
        {
            (await db.SupervisionLines.SingleAsync(l => l.Id == x.LineToT3)).End(Now);
            await db.SaveChangesAsync();
        }

        // T3's own case drops out; c5 stays because T2, still supervised, is its co-therapist.
        Assert.Equal(["c2", "c4", "c5"], await x.VisibleAsync(supervisor));
        Assert.Equal(["S", "T2"], await x.TherapistsAsync(supervisor));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ASupervisorWhoAlsoTreatsSeesTheirOwnCasesToo(string provider)
    {
        await using var x = await CaseloadAsync(provider);

        Assert.Equal(["c1", "c2"], await x.VisibleAsync(x.Actor("T1", StaffRoles.Therapist, StaffRoles.Supervisor)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AnAdminWhoIsNotATherapistSeesNoCases(string provider)
    {
        await using var x = await CaseloadAsync(provider);

        Assert.Empty(await x.VisibleAsync(x.Actor("D", StaffRoles.Admin)));
        Assert.Empty(await x.VisibleAsync(x.Actor("D")));
        Assert.Equal(["D"], await x.TherapistsAsync(x.Actor("D", StaffRoles.Admin)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task NobodySeesAnotherAgencysCase(string provider)
    {
        await using var x = await CaseloadAsync(provider);
        await using var operatorContext = x.Database.OpenAsOperator();

        foreach (var actor in new[] { x.Actor("T1", StaffRoles.Therapist), x.Actor("T2", StaffRoles.Therapist), x.Actor("S", StaffRoles.Supervisor) })
        {
            // Even with the agency filter lifted, the care relationship never crosses agencies.
            var seen = await x.VisibleAsync(actor, operatorContext);
            Assert.DoesNotContain("cB", seen);
            Assert.DoesNotContain("cB2", seen);
            Assert.Empty((await x.VisibleAsync(actor)).Intersect(["cB", "cB2"]));
        }
        Assert.Equal(["cB", "cB2"], await x.VisibleAsync(x.Actor("TB", StaffRoles.Therapist)));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AnAdminReadsOnlyTheCaseACurrentGrantOpensAndChangesNone(string provider)
    {
        await using var x = await CaseloadAsync(provider);
        var admin = x.Actor("D", StaffRoles.Admin);
        await using (var db = x.Database.OpenFor(x.A))
        {
            db.BreakGlassGrants.Add(new BreakGlassGrant(x.A, x.Staff["D"], x.Cases["c3"], "crisis call out of hours", DateTime.UtcNow));
            db.BreakGlassGrants.Add(new BreakGlassGrant(x.A, x.Staff["D"], x.Cases["c4"], "an earlier crisis at the weekend", DateTime.UtcNow - BreakGlassGrant.Lifetime - TimeSpan.FromMinutes(1)));
            db.BreakGlassGrants.Add(new BreakGlassGrant(x.A, x.Staff["S"], x.Cases["c1"], "a grant to a supervisor, not to the admin", DateTime.UtcNow));
            await db.SaveChangesAsync();
        }

        Assert.Equal(["c3"], await x.VisibleAsync(admin));
        Assert.Empty(await x.VisibleAsync(admin, purpose: CasePurpose.Write));
        // A grant is the admin's own way in: a therapist's or supervisor's access is their care relationship alone.
        Assert.Equal(["c2", "c3", "c4", "c5"], await x.VisibleAsync(x.Actor("S", StaffRoles.Supervisor)));
        Assert.Equal(["c2", "c3", "c4", "c5"], await x.VisibleAsync(x.Actor("S", StaffRoles.Supervisor), purpose: CasePurpose.Write));
    }
}
