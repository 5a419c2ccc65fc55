using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>Every query over client data is scoped to the context's agency; the operator sees every agency.</summary>
[Trait("Capability", "Foundation")]
public sealed class AgencyIsolationTests
{
    private sealed record TwoAgencies(TestDatabase Database, Guid First, Guid FirstCase, Guid Second, Guid SecondCase) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Database.DisposeAsync();
    }

    private static async Task<TwoAgencies> TwoAgenciesAsync(string provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();
        var a = Agency(db, "Agency A");
        var b = Agency(db, "Agency B");
        var therapistA = Staff(db, a, "Therapist A");
        var therapistA2 = Staff(db, a, "Second Therapist A");
        var supervisorA = Staff(db, a, "Supervisor A");
        var therapistB = Staff(db, b, "Therapist B");
        var therapistB2 = Staff(db, b, "Second Therapist B");
        var supervisorB = Staff(db, b, "Supervisor B");
        await db.SaveChangesAsync();

        var caseA = Family(db, a, "Family A", therapistA);
        caseA.Transfer(therapistA2.Id, supervisorA.Id, "Leave", Now);
        var caseB = Family(db, b, "Family B", therapistB);
        caseB.Transfer(therapistB2.Id, supervisorB.Id, "Leave", Now);
        db.SupervisionLines.Add(new SupervisionLine(a.Id, supervisorA.Id, therapistA.Id, Now));
        db.SupervisionLines.Add(new SupervisionLine(b.Id, supervisorB.Id, therapistB.Id, Now));
        await db.SaveChangesAsync();
        return new TwoAgencies(database, a.Id, caseA.Id, b.Id, caseB.Id);
    }

    /// <summary>The agencies owning each kind of client row the context can see.</summary>
    private static async Task<Dictionary<string, Guid[]>> VisibleAgenciesAsync(AllianceDbContext db) => new()
    {
        ["cases"] = await db.Cases.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["members"] = await db.Members.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["episodes"] = await db.Episodes.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["phase changes"] = await db.PhaseChanges.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["sessions"] = await db.Sessions.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["attendees"] = await db.SessionAttendees.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["assignments"] = await db.CaseAssignments.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
        ["supervision"] = await db.SupervisionLines.Select(x => x.AgencyId).Distinct().ToArrayAsync(),
    };

    /// <summary>A scope's tenant, set before the scope's context is first asked for (as a request's sign-in does).</summary>
    private sealed class ScopeTenant : ITenantContext
    {
        public FixedTenant Is { get; set; } = new(null, false);
        public Guid? AgencyId => Is.AgencyId;
        public bool IsOperator => Is.IsOperator;
        public Auditing.AuditActor Actor => Is.Actor;
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    [Trait("Capability", "Proof")]
    public async Task APooledContextCarriesNothingOfOneAgencyIntoItsNextLease(string provider)
    {
        await using var x = await TwoAgenciesAsync(provider);
        var services = new ServiceCollection();
        services.AddScoped<ScopeTenant>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<ScopeTenant>());
        services.AddAllianceDbContext((_, o) => x.Database.Settings.Apply(o), pooled: true);
        await using var root = services.BuildServiceProvider();

        AllianceDbContext first;
        await using (var scope = root.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ScopeTenant>().Is = FixedTenant.For(x.First);
            first = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            Assert.Equal([x.First], await first.Cases.Select(c => c.AgencyId).Distinct().ToArrayAsync());
            // Left behind when the scope ends: a tracked case, an audit entry queued and never saved, and a transaction
            // left open over a change.
            Assert.NotNull(await first.Cases.SingleAsync(c => c.Id == x.FirstCase));
            first.Audit(new Auditing.PendingAudit(x.First, first.Actor, "read", "case", x.FirstCase.ToString(), x.FirstCase, Now, "first lease"));
            await first.Database.BeginTransactionAsync();
            await first.Cases.Where(c => c.Id == x.FirstCase).ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "Left open"));
        }

        // Given back to the pool, it works for no one.
        Assert.Null(first.CurrentAgencyId);
        Assert.False(first.IsOperator);

        await using (var scope = root.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ScopeTenant>().Is = FixedTenant.For(x.Second);
            var second = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            // The same context, from the pool: with the second agency, nothing tracked and no transaction.
            Assert.Same(first, second);
            Assert.Equal(x.Second, second.CurrentAgencyId);
            Assert.Empty(second.ChangeTracker.Entries());
            Assert.Null(second.Database.CurrentTransaction);
            Assert.Equal([x.Second], await second.Cases.Select(c => c.AgencyId).Distinct().ToArrayAsync());
            Assert.Null(await second.Cases.FirstOrDefaultAsync(c => c.Id == x.FirstCase));
            second.Audit(new Auditing.PendingAudit(x.Second, second.Actor, "read", "case", x.SecondCase.ToString(), x.SecondCase, Now, "second lease"));
            await second.SaveChangesAsync();
        }

        await using var check = x.Database.OpenAsOperator();
        // The open transaction was rolled back, and only the second lease's entry reached the trail.
        Assert.Equal("Family A", (await check.Cases.SingleAsync(c => c.Id == x.FirstCase)).Name);
        Assert.Equal(["second lease"], await check.AuditEntries.Where(e => e.Reason == "first lease" || e.Reason == "second lease").Select(e => e.Reason ?? "").ToArrayAsync());
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task AContextIsNotUsedBeforeItIsGivenATenant()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        // As a pool makes it: its model would be built without the protector, so nothing is read or written.
        await using var unleased = new AllianceDbContext(database.Options);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => unleased.Cases.AnyAsync());
        Assert.Contains("before it was given a tenant", refused.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AnAgencySeesOnlyItsOwnClientData(string provider)
    {
        await using var x = await TwoAgenciesAsync(provider);

        // Contexts for different agencies alternate, so a filter that kept the first context's agency would show.
        foreach (var (mine, theirs, theirCase) in new[] { (x.First, x.Second, x.SecondCase), (x.Second, x.First, x.FirstCase), (x.First, x.Second, x.SecondCase) })
        {
            await using var db = x.Database.OpenFor(mine);
            var seen = await VisibleAgenciesAsync(db);

            Assert.All(seen, kind => Assert.Equal([mine], kind.Value));
            Assert.Null(await db.Cases.FirstOrDefaultAsync(c => c.Id == theirCase));
            Assert.Null(await db.Cases.FindAsync(theirCase));
            Assert.Empty(await db.Members.Where(m => m.CaseId == theirCase).ToListAsync());
            Assert.Empty(await db.Sessions.Where(s => s.AgencyId == theirs).ToListAsync());
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task IncludedCollectionsAreScopedToo(string provider)
    {
        await using var x = await TwoAgenciesAsync(provider);
        await using var db = x.Database.OpenFor(x.First);

        var episodes = await db.Episodes.Include(e => e.Sessions).ThenInclude(s => s.Attendees).Include(e => e.PhaseChanges).ToListAsync();

        Assert.All(episodes, e => Assert.Equal(x.First, e.AgencyId));
        Assert.All(episodes.SelectMany(e => e.Sessions), s => Assert.Equal(x.First, s.AgencyId));
        Assert.All(episodes.SelectMany(e => e.PhaseChanges), p => Assert.Equal(x.First, p.AgencyId));
        Assert.NotEmpty(episodes.SelectMany(e => e.Sessions).SelectMany(s => s.Attendees));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AContextWithNoTenantSeesNoClientData(string provider)
    {
        await using var x = await TwoAgenciesAsync(provider);
        await using var db = x.Database.Open(new FixedTenant(null, false));

        var seen = await VisibleAgenciesAsync(db);

        Assert.All(seen, kind => Assert.Empty(kind.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task TheOperatorSeesEveryAgency(string provider)
    {
        await using var x = await TwoAgenciesAsync(provider);
        await using var db = x.Database.OpenAsOperator();

        var seen = await VisibleAgenciesAsync(db);

        Assert.All(seen, kind => Assert.Equal(new[] { x.First, x.Second }.Order(), kind.Value.Order()));
    }
}
