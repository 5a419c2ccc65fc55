using System.Linq.Expressions;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Alliance.Data;

/// <summary>
/// The one database of Alliance: staff accounts, agencies and every agency's client records.
/// Every write of client data is audited in the same transaction; sensitive free text is stored encrypted
/// when the context has a protector (the web app and the command line always give it one).
/// </summary>
public sealed partial class AllianceDbContext : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>, IDataProtectionKeyContext
{
    /// <summary>The PostgreSQL provider's name.</summary>
    public const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>Whom a context works for before it is given a tenant, and after it is given back to a pool: no one.</summary>
    private static readonly ITenantContext NoOne = new FixedTenant(null, false);

    private readonly List<PendingAudit> _queued = [];
    private ITenantContext _tenant = NoOne;
    private ISensitiveTextProtector? _protector;
    private bool _protectorSet;

    /// <summary>
    /// A context that works for no one (its queries over client data return nothing) until <see cref="Lease"/> gives it a
    /// tenant. The only public constructor, so that a pool can make contexts; everything else uses <see cref="Create"/>.
    /// </summary>
    public AllianceDbContext(DbContextOptions<AllianceDbContext> options) : base(options)
    {
    }

    /// <summary>A context working for <paramref name="tenant"/>, encrypting sensitive text with <paramref name="protector"/> when given.</summary>
    public static AllianceDbContext Create(DbContextOptions<AllianceDbContext> options, ITenantContext tenant, ISensitiveTextProtector? protector = null) =>
        new AllianceDbContext(options).Lease(tenant, protector);

    /// <summary>
    /// Gives the context the tenant it works for until it is disposed (a pooled context: at every lease, before any use).
    /// The protector is fixed with the context's model: a pooled context is leased with the same protector every time.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context was leased before with another protector.</exception>
    public AllianceDbContext Lease(ITenantContext tenant, ISensitiveTextProtector? protector)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (_protectorSet && !ReferenceEquals(_protector, protector))
            throw new InvalidOperationException("A database context keeps the protector it was first given; lease it with the same one.");
        (_protector, _protectorSet) = (protector, true);
        _tenant = tenant;
        _queued.Clear();
        return this;
    }

    /// <summary>Gives the context back working for no one, with nothing queued, before a pool takes it.</summary>
    public override void Dispose()
    {
        Forget();
        base.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public override ValueTask DisposeAsync()
    {
        Forget();
        return base.DisposeAsync();
    }

    private void Forget()
    {
        _tenant = NoOne;
        _queued.Clear();
    }

    /// <summary>
    /// Identifies the protector the model's converters use (part of the model cache key). Asked when the context first
    /// builds its services, which must come after its first lease: a model built before would not encrypt.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context is used before it was leased.</exception>
    internal object ProtectorKey => _protectorSet
        ? (object?)_protector ?? typeof(void)
        : throw new InvalidOperationException("A database context was used before it was given a tenant (AllianceDbContext.Lease or Create).");

    /// <summary>Who is acting, as the audit trail records it.</summary>
    public AuditActor Actor => _tenant.Actor;

    /// <summary>The agency every client-data query is scoped to.</summary>
    public Guid? CurrentAgencyId => _tenant.AgencyId;

    /// <summary>True when acting as operator of the whole database.</summary>
    public bool IsOperator => _tenant.IsOperator;

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
    public DbSet<BreakGlassGrant> BreakGlassGrants => Set<BreakGlassGrant>();
    public DbSet<Response> Responses => Set<Response>();
    public DbSet<QuestionnaireLink> QuestionnaireLinks => Set<QuestionnaireLink>();
    public DbSet<AgencyInstrument> AgencyInstruments => Set<AgencyInstrument>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();

    private const string SaveSavepoint = "alliance_save";

    /// <summary>Adds an entry to be appended to the audit trail with the next save, in its transaction.</summary>
    public void Audit(PendingAudit entry) => _queued.Add(entry);

    /// <summary>
    /// Gives the options one model per protector (<see cref="ProtectorAwareModelCacheKeyFactory"/>). The providers'
    /// set-up calls it, so that a pool's options are complete before its contexts are made (a pooled context may not
    /// change its options).
    /// </summary>
    public static DbContextOptionsBuilder WithModelPerProtector(DbContextOptionsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ReplaceService<IModelCacheKeyFactory, ProtectorAwareModelCacheKeyFactory>();
    }

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        // Options made elsewhere than the providers' set-up get it here; options that have it are left as they are.
        if (optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.ReplacedServices?.ContainsKey((typeof(IModelCacheKeyFactory), null)) != true)
            WithModelPerProtector(optionsBuilder);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();

    /// <summary>
    /// Saves, and appends an audit entry for every client record created, changed or deleted (and any queued
    /// entries) in the same transaction, so a write and its audit entry stand or fall together.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        ChangeTracker.DetectChanges();
        // First, so that a case given a new version here is audited with the records that changed.
        var untrackedCases = await ChangeTracker.WithoutLookingAgainAsync(() => CaseVersions.MarkChangedAsync(this, cancellationToken)).ConfigureAwait(false);
        var pending = CollectWrites();
        pending.AddRange(_queued);
        if (pending.Count == 0 && untrackedCases.Count == 0)
        {
            return ChangeTracker.HasChanges()
                ? await SqliteWriterTurns.RunAsync(Database, () => base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken), cancellationToken).ConfigureAwait(false)
                : await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
        }

        // The key ring is read (or its first key written) through another connection: do it before this
        // transaction takes SQLite's write lock, never inside it.
        _protector?.Protect(string.Empty);
        return await SqliteWriterTurns.RunAsync(Database, async () =>
        {
            var callers = Database.CurrentTransaction;
            var transaction = callers is null ? await Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;
            // In the caller's transaction, the statements run before the context's own save (the versions, the audit
            // entries) are undone with it if it fails, as the save undoes its own: the caller may go on and commit.
            if (callers is not null) await callers.CreateSavepointAsync(SaveSavepoint, cancellationToken).ConfigureAwait(false);
            try
            {
                // Changes were detected above; the audit append marks what it changes itself, so the save does not look
                // through every tracked record a second and third time.
                var count = await ChangeTracker.WithoutLookingAgainAsync(async () =>
                {
                    await CaseVersions.TouchStoredAsync(this, untrackedCases, cancellationToken).ConfigureAwait(false);
                    await AuditLedger.AppendAsync(this, pending, cancellationToken).ConfigureAwait(false);
                    return pending.Count + await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken).ConfigureAwait(false);
                }).ConfigureAwait(false);
                if (transaction is not null) await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                else await callers!.ReleaseSavepointAsync(SaveSavepoint, cancellationToken).ConfigureAwait(false);
                _queued.Clear();
                return count;
            }
            catch when (callers is not null)
            {
                await callers.RollbackToSavepointAsync(SaveSavepoint, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            finally
            {
                if (transaction is not null) await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The audit entries the tracked changes call for; changes were detected just before, so they are not looked for again.</summary>
    private List<PendingAudit> CollectWrites() => ChangeTracker.WithoutLookingAgain(CollectDetectedWrites);

    private List<PendingAudit> CollectDetectedWrites()
    {
        var now = DateTime.UtcNow;
        var seen = new HashSet<(string, Guid)>();
        var pending = new List<PendingAudit>();
        foreach (var entry in ChangeTracker.Entries<IAuditedRecord>())
        {
            var action = entry.State switch
            {
                EntityState.Added => AuditActions.Create,
                EntityState.Modified => AuditActions.Update,
                EntityState.Deleted => AuditActions.Delete,
                _ => null,
            };
            // Attendance and phase history are part of the session and episode: an added attendee marks its session changed.
            if (action is null && entry.Navigations.Any(n => n is Microsoft.EntityFrameworkCore.ChangeTracking.CollectionEntry c && c.IsModified))
                action = AuditActions.Update;
            if (action is null) continue;
            var r = entry.Entity;
            if (seen.Add((r.AuditType, r.AuditId)))
                pending.Add(new PendingAudit(r.AgencyId, Actor, action, r.AuditType, r.AuditId.ToString(), r.AuditCaseId, now));
        }
        return pending;
    }

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

        // Every domain entity that carries an agency is scoped to the signed-in agency, except the agency itself and
        // the one-time password links, which are redeemed before anyone is signed in.
        Type[] unscoped = [typeof(Agency), typeof(PasswordSetupToken)];
        foreach (var entity in builder.Model.GetEntityTypes()
                     .Where(t => t.ClrType.Namespace == typeof(Case).Namespace && !unscoped.Contains(t.ClrType) && t.FindProperty("AgencyId") is not null)
                     .ToList())
            ScopeToAgency(builder, entity.ClrType);

        var converter = _protector is null ? null : SensitiveText.Converter(_protector);
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            if (property.FindAnnotation(SensitiveText.Annotation) is not null)
                property.SetValueConverter(converter);
    }

    // The filter reads the context's own properties, so EF Core evaluates them per query, per context instance.
    private void ScopeToAgency(ModelBuilder builder, Type type)
    {
        var e = Expression.Parameter(type, "e");
        var agency = Expression.Convert(Expression.Property(e, "AgencyId"), typeof(Guid?));
        var self = Expression.Constant(this);
        var body = Expression.OrElse(
            Expression.Property(self, nameof(IsOperator)),
            Expression.Equal(agency, Expression.Property(self, nameof(CurrentAgencyId))));
        builder.Entity(type).HasQueryFilter(Expression.Lambda(body, e));
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
