using Alliance.Application;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data.Tests;

/// <summary>Each provider's migrations build the whole schema on an empty database and match the model.</summary>
[Trait("Capability", "Foundation")]
public sealed class MigrationTests
{
    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task MigrationsApplyToAnEmptyDatabase(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        await using var db = database.OpenAsOperator();
        var all = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(all);
        Assert.Equal(all, await db.Database.GetPendingMigrationsAsync());

        await DatabaseSettings.MigrateAsync(db);

        Assert.Equal(all, await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        // Every table of the model exists and is empty.
        Assert.Equal(0, await db.Agencies.CountAsync());
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Roles.CountAsync());
        Assert.Equal(0, await db.UserRoles.CountAsync());
        Assert.Equal(0, await db.Cases.CountAsync());
        Assert.Equal(0, await db.Members.CountAsync());
        Assert.Equal(0, await db.Episodes.CountAsync());
        Assert.Equal(0, await db.PhaseChanges.CountAsync());
        Assert.Equal(0, await db.Sessions.CountAsync());
        Assert.Equal(0, await db.SessionAttendees.CountAsync());
        Assert.Equal(0, await db.CaseAssignments.CountAsync());
        Assert.Equal(0, await db.SupervisionLines.CountAsync());
        Assert.Equal(0, await db.PasswordSetupTokens.CountAsync());
        Assert.Equal(0, await db.DataProtectionKeys.CountAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task MigratingAnUpToDateDatabaseChangesNothing(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        await DatabaseSettings.MigrateAsync(db);

        Assert.Equal(applied, await db.Database.GetAppliedMigrationsAsync());
    }

    // Needs no server: the model is compared with the provider's last migration snapshot, so this runs everywhere.
    [Theory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public void TheModelHasNoChangesWithoutAMigration(string provider)
    {
        var settings = provider == TestDatabase.Sqlite
            ? new DatabaseSettings(DatabaseProvider.Sqlite, "Data Source=:memory:")
            : new DatabaseSettings(DatabaseProvider.Postgres, "Host=127.0.0.1;Database=model_check_only");
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        settings.Apply(options);
        using var db = AllianceDbContext.Create(options.Options, FixedTenant.Operator);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changed since the last {provider} migration. Add one: dotnet ef migrations add NAME --project src/Alliance.Data.{provider}");
    }
}
