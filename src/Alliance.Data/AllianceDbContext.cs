using System.Linq.Expressions;
using Alliance.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Alliance.Data;

/// <summary>The one database of Alliance: staff accounts, agencies and every agency's client records.</summary>
public sealed class AllianceDbContext(DbContextOptions<AllianceDbContext> options, ITenantContext tenant)
    : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>The agency every client-data query is scoped to.</summary>
    public Guid? CurrentAgencyId => tenant.AgencyId;

    /// <summary>True when acting as operator of the whole database.</summary>
    public bool IsOperator => tenant.IsOperator;

    public DbSet<Agency> Agencies => Set<Agency>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<Member> Members => Set<Member>();
    public DbSet<Episode> Episodes => Set<Episode>();
    public DbSet<PhaseChange> PhaseChanges => Set<PhaseChange>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<SessionAttendee> SessionAttendees => Set<SessionAttendee>();
    public DbSet<CaseAssignment> CaseAssignments => Set<CaseAssignment>();
    public DbSet<SupervisionLine> SupervisionLines => Set<SupervisionLine>();
    public DbSet<PasswordSetupToken> PasswordSetupTokens => Set<PasswordSetupToken>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Every instant is stored and read back as UTC, whatever the provider keeps.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AllianceDbContext).Assembly);

        // Domain entities make their own ids, so a new one found through a navigation is an insert, not an update.
        foreach (var entity in builder.Model.GetEntityTypes().Where(t => t.ClrType.Namespace == typeof(Case).Namespace))
            foreach (var key in entity.FindPrimaryKey()?.Properties ?? [])
                if (key.ClrType == typeof(Guid))
                    builder.Entity(entity.ClrType).Property(key.Name).ValueGeneratedNever();

        ScopeToAgency<Case>(builder);
        ScopeToAgency<Member>(builder);
        ScopeToAgency<Episode>(builder);
        ScopeToAgency<PhaseChange>(builder);
        ScopeToAgency<Session>(builder);
        ScopeToAgency<SessionAttendee>(builder);
        ScopeToAgency<CaseAssignment>(builder);
        ScopeToAgency<SupervisionLine>(builder);
    }

    // The filter reads the context's own properties, so EF Core evaluates them per query, per context instance.
    private void ScopeToAgency<T>(ModelBuilder builder) where T : class
    {
        var e = Expression.Parameter(typeof(T), "e");
        var agency = Expression.Convert(Expression.Property(e, "AgencyId"), typeof(Guid?));
        var self = Expression.Constant(this);
        var body = Expression.OrElse(
            Expression.Property(self, nameof(IsOperator)),
            Expression.Equal(agency, Expression.Property(self, nameof(CurrentAgencyId))));
        builder.Entity<T>().HasQueryFilter(Expression.Lambda<Func<T, bool>>(body, e));
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
