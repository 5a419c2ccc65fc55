using Alliance.Data;
using Alliance.Data.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Backups;

/// <summary>
/// Backups and restores in the audit trail: a backup copies every agency's records, so each agency's chain gets an
/// <c>export</c> entry naming the operator; a restore adds an <c>import</c> entry to each chain of the restored
/// database, which also explains to an auditor why entries written after the backup are gone.
/// </summary>
internal static class BackupAudit
{
    public const string RecordType = "database";

    /// <summary>The operator, on behalf of the staff member with that email when one is named.</summary>
    /// <exception cref="BackupException">No staff member has the email.</exception>
    public static async Task<AuditActor> ResolveAsync(DatabaseSettings database, BackupOperator who, CancellationToken ct)
    {
        var actor = AuditActor.Operator(who.SystemUser);
        if (string.IsNullOrWhiteSpace(who.OnBehalfOf)) return actor;
        var normalized = who.OnBehalfOf.Trim().ToUpperInvariant();
        await using var db = Open(database, actor);
        var staff = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedEmail == normalized)
            .Select(u => new { u.Id, u.DisplayName, u.Email })
            .SingleOrDefaultAsync(ct).ConfigureAwait(false)
            ?? throw new BackupException($"--on-behalf-of: no staff member has the email {who.OnBehalfOf.Trim()}.");
        return AuditActor.Operator(who.SystemUser, staff.Id, $"{staff.DisplayName} <{staff.Email}>");
    }

    /// <summary>
    /// Appends one entry per agency, in one transaction. Returns the number of agencies, or null when the database's
    /// schema is older than this version of Alliance (no audit trail to write to yet; the app brings it up to date at start).
    /// </summary>
    public static async Task<int?> RecordAsync(DatabaseSettings database, AuditActor actor, string action, string recordId, string reason, DateTime at, CancellationToken ct)
    {
        await using var db = Open(database, actor);
        if ((await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).Any()) return null;
        var agencies = await db.Agencies.AsNoTracking().Select(a => a.Id).ToListAsync(ct).ConfigureAwait(false);
        foreach (var agency in agencies)
            db.Audit(new PendingAudit(agency, actor, action, RecordType, recordId, null, at, reason));
        if (agencies.Count > 0) await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return agencies.Count;
    }

    /// <summary>The same database without connection pooling, so that no connection stays open to a database a restore may replace next.</summary>
    public static DatabaseSettings Unpooled(DatabaseSettings database) => database with
    {
        ConnectionString = database.Provider == DatabaseProvider.Sqlite
            ? new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ToString()
            : PostgresTools.Unpooled(database.ConnectionString),
    };

    private static AllianceDbContext Open(DatabaseSettings database, AuditActor actor)
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        Unpooled(database).Apply(options);
        return AllianceDbContext.Create(options.Options, new FixedTenant(null, true, actor));
    }
}

/// <summary>Who runs a backup or restore, for the audit trail: the system user, and the staff member it is done for, if named.</summary>
public sealed record BackupOperator(string SystemUser, string? OnBehalfOf = null);
