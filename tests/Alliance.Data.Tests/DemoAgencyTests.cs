using Alliance.Application.Demo;
using Alliance.Application.Staff;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>The demo agency is seeded once, into an empty database only, and looks like a real caseload.</summary>
[Trait("Capability", "Foundation")]
public sealed class DemoAgencyTests
{
    private static ServiceProvider Services(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITenantContext>(FixedTenant.Operator);
        services.AddAllianceDbContext((_, o) => database.Settings.Apply(o));
        // The web app's password policy: length over composition rules.
        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AllianceDbContext>();
        services.AddScoped<StaffAccounts>();
        services.AddScoped<DemoAgency>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static async Task<bool> SeedAsync(ServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        // The current families only; the agency's closed past is checked on its own below.
        return await scope.ServiceProvider.GetRequiredService<DemoAgency>().SeedIfEmptyAsync(historicalEpisodes: 0);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task SeedsTheDemoIntoAnEmptyDatabase(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);

        Assert.True(await SeedAsync(services));

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var agency = Assert.Single(await db.Agencies.ToListAsync());
        Assert.True(agency.IsDemo);
        Assert.Equal(DemoAgency.Name, agency.Name);

        Assert.Equal(5, await db.Users.CountAsync(u => u.AgencyId == agency.Id));
        Assert.Single(await users.GetUsersInRoleAsync(StaffRoles.Supervisor));
        Assert.Equal(3, (await users.GetUsersInRoleAsync(StaffRoles.Therapist)).Count);
        Assert.Single(await users.GetUsersInRoleAsync(StaffRoles.Admin));
        foreach (var signIn in DemoAgency.SignIns)
        {
            var user = await users.FindByEmailAsync(signIn.Email);
            Assert.NotNull(user);
            Assert.True(await users.CheckPasswordAsync(user, DemoAgency.Password), $"{signIn.Email} cannot sign in with the demo password.");
        }
        var supervisor = Assert.Single(await users.GetUsersInRoleAsync(StaffRoles.Supervisor));
        var therapists = (await users.GetUsersInRoleAsync(StaffRoles.Therapist)).Select(t => t.Id).Order().ToList();
        Assert.Equal(therapists, await db.SupervisionLines.Where(l => l.SupervisorId == supervisor.Id && l.EndedAt == null).Select(l => l.SuperviseeId).OrderBy(id => id).ToListAsync());

        var cases = await db.Cases.Include(c => c.Members)
            .Include(c => c.Episodes).ThenInclude(e => e.Sessions)
            .Include(c => c.Episodes).ThenInclude(e => e.PhaseChanges)
            .AsSplitQuery().ToListAsync();
        Assert.Equal(12, cases.Count);
        Assert.Equal(Enum.GetValues<EpisodePhase>().Order(), cases.Select(c => c.CurrentEpisode.Phase).Distinct().Order());
        Assert.All(cases, c =>
        {
            Assert.Equal(agency.Id, c.AgencyId);
            Assert.Contains(c.PrimaryTherapistId, therapists);
            Assert.NotEmpty(c.Members);
            var sessions = c.CurrentEpisode.Sessions;
            Assert.Equal(Enumerable.Range(1, sessions.Count), sessions.Select(s => s.Number).Order());
            Assert.Equal(c.CurrentEpisode.Phase, c.CurrentEpisode.PhaseChanges.MaxBy(p => p.To)!.To);
        });
        Assert.All(cases.Where(c => c.CurrentEpisode.Phase == EpisodePhase.Active), c =>
        {
            var held = c.CurrentEpisode.Sessions.Count(s => s.Status == SessionStatus.Held);
            Assert.InRange(held, 3, 12);
        });
        Assert.All(cases.SelectMany(c => c.CurrentEpisode.Sessions).Where(s => s.Status == SessionStatus.Held),
            s => Assert.True(s.ActualEnd <= DateTime.UtcNow, "A demo session is recorded as held in the future."));
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task SeedsOnlyOnce(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var services = Services(database);
        Assert.True(await SeedAsync(services));

        Assert.False(await SeedAsync(services));

        await using var db = database.OpenAsOperator();
        Assert.Equal(1, await db.Agencies.CountAsync());
        Assert.Equal(12, await db.Cases.CountAsync());
        Assert.Equal(5, await db.Users.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task DoesNotSeedIntoADatabaseThatAlreadyHasAnAgency(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var db = database.OpenAsOperator())
        {
            Agency(db, "A real agency");
            await db.SaveChangesAsync();
        }
        await using var services = Services(database);

        Assert.False(await SeedAsync(services));

        await using var check = database.OpenAsOperator();
        Assert.Equal("A real agency", (await check.Agencies.SingleAsync()).Name);
        Assert.Equal(0, await check.Cases.CountAsync());
        Assert.Equal(0, await check.Users.CountAsync());
    }

    [SkippableFact]
    public async Task TheDemosClosedPastMakesItsExpectedTrajectoryModelLive()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var services = Services(database);
        await using (var scope = services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<DemoAgency>().SeedIfEmptyAsync());

        await using var db = database.OpenAsOperator();
        var agency = await db.Agencies.SingleAsync();
        var closed = await db.Episodes.CountAsync(e => e.Phase == EpisodePhase.Closed);
        Assert.True(closed >= 200, $"only {closed} closed episodes");
        var model = await new Alliance.Application.Feedback.ExpectedTrajectoryModel(db,
            new Alliance.Application.Feedback.ExpectedTrajectoryCache(Alliance.Application.Feedback.TrajectorySettings.Default), TimeProvider.System)
            .ForAgencyAsync(agency.Id);
        Assert.True(model.ClosedEpisodes >= 200);
        // The model covers the well-being series for a typical clinical intake at the fourth rating.
        Assert.True(model.Model.TryGetExpected("wellbeing-check", Alliance.Signals.Score.FromPoints(18), 4, out var expected));
        Assert.True(expected.Median > Alliance.Signals.Score.FromPoints(18), "people starting at 18 are expected to improve by the fourth rating");
        Assert.True(expected.LowerBand <= expected.Median);
    }
}
