using System.Data.Common;
using System.IO.Compression;
using System.Reflection;
using Alliance.Data;
using Alliance.Data.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Backups;

/// <summary>A backup written: where, what its manifest says, and how many agencies' audit trails record it (null: schema too old to record).</summary>
public sealed record BackupResult(string Path, long Length, BackupManifest Manifest, int? AuditedAgencies);

/// <summary>
/// A restore done: into what, the manifest it was checked against, what the restored database holds, and how many
/// agencies' audit trails record it (null when not recorded), and what went wrong in recording it, if anything.
/// </summary>
public sealed record RestoreResult(DatabaseProvider Provider, string Target, BackupManifest Manifest, string IntegrityCheck,
    IReadOnlyDictionary<string, long> RowCounts, int? AuditedAgencies, string? AuditProblem);

/// <summary>
/// <c>alliance backup</c> and <c>alliance restore</c>: a consistent copy of the whole database, and so of the Data
/// Protection key ring that lives in it, taken while the app runs; and its restore, verified before and after.
/// The key-encryption key that protects the key ring is configured outside the database and is never in a backup.
/// </summary>
public sealed class DatabaseBackups(TimeProvider clock)
{
    /// <summary>The name of the table that holds the Data Protection key ring.</summary>
    public const string KeyRingTable = "DataProtectionKeys";

    /// <summary>
    /// Writes a backup of <paramref name="database"/> to <paramref name="outputPath"/>. The file appears only when
    /// complete; an existing file is replaced only when <paramref name="replace"/> is true.
    /// </summary>
    /// <exception cref="BackupException">The database could not be copied, or the file not written; the message says why and where.</exception>
    public async Task<BackupResult> BackupAsync(DatabaseSettings database, string outputPath, bool replace, BackupOperator who, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(who);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var output = Path.GetFullPath(outputPath);
        var folder = Path.GetDirectoryName(output)!;
        if (!Directory.Exists(folder))
            throw new BackupException($"The folder {folder} does not exist; create it first or choose another --out.");
        if (Directory.Exists(output))
            throw new BackupException($"{output} is a folder; --out needs a file name, such as {Path.Combine(output, "alliance-backup.zip")}.");
        if (File.Exists(output) && !replace)
            throw new BackupException($"{output} already exists. Choose another name, or pass --force to replace it.");

        var createdAt = clock.GetUtcNow();
        var payload = PrivateFile.TemporaryBeside(output, "payload");
        try
        {
            CopyFacts facts;
            string payloadName;
            CompressionLevel level;
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                var source = SqliteBackup.DatabasePath(database.ConnectionString);
                if (string.Equals(source, output, StringComparison.Ordinal))
                    throw new BackupException($"--out {output} is the database itself; choose another file.");
                if (!File.Exists(source))
                    throw new BackupException($"There is no database at {source}. Check --data (or ALLIANCE_DATA) and Database__ConnectionString.");
            }
            var actor = await BackupAudit.ResolveAsync(database, who, ct).ConfigureAwait(false);
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                facts = await SqliteBackup.CopyAsync(SqliteBackup.DatabasePath(database.ConnectionString), payload, ct).ConfigureAwait(false);
                (payloadName, level) = (SqliteBackup.PayloadName, CompressionLevel.Optimal);
            }
            else
            {
                facts = await PostgresBackup.DumpAsync(database.ConnectionString, payload, ct).ConfigureAwait(false);
                // pg_dump's custom format is compressed already.
                (payloadName, level) = (PostgresBackup.PayloadName, CompressionLevel.NoCompression);
            }
            var manifest = new BackupManifest
            {
                Format = BackupManifest.FormatName,
                FormatVersion = BackupManifest.CurrentFormatVersion,
                Provider = database.Provider,
                CreatedAt = createdAt,
                AllianceVersion = AllianceVersion,
                Schema = facts.Schema,
                PayloadName = payloadName,
                PayloadLength = 0,
                PayloadSha256 = "",
                RowCounts = facts.RowCounts,
                IntegrityCheck = database.Provider == DatabaseProvider.Sqlite ? facts.IntegrityCheck : null,
            };
            int? audited = null;
            // The export is in the audit trail before the file carries its name: no backup exists unrecorded.
            manifest = await BackupFile.WriteAsync(output, manifest, payload, level, replace, async written =>
            {
                audited = await RecordAsync(database, actor, AuditActions.Export, "backup",
                    $"alliance backup to {output} (SHA-256 {written.PayloadSha256})", ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            return new BackupResult(output, new FileInfo(output).Length, manifest, audited);
        }
        catch (IOException e)
        {
            throw new BackupException($"The backup could not be written to {output}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BackupException($"The backup could not be written to {output}: {e.Message}", e);
        }
        finally
        {
            PrivateFile.TryDelete(payload);
        }
    }

    /// <summary>
    /// Restores a backup into <paramref name="target"/>. The manifest and the payload's SHA-256 are checked first; a
    /// database that already holds data is replaced only when <paramref name="force"/> is true; the restored copy is
    /// checked again (SQLite's integrity check, row counts against the manifest). On any error the target is left as
    /// it was.
    /// </summary>
    /// <exception cref="BackupException">The backup is damaged or does not fit the target, or the target cannot be replaced.</exception>
    public async Task<RestoreResult> RestoreAsync(string backupPath, DatabaseSettings target, bool force, BackupOperator who, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupPath);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(who);
        var path = Path.GetFullPath(backupPath);
        var manifest = BackupFile.ReadManifest(path);
        if (manifest.Provider != target.Provider)
            throw new BackupException($"{path} is a backup of a {Name(manifest.Provider)} database, but the target is {Name(target.Provider)}; a backup restores only into the engine it came from. " +
                (manifest.Provider == DatabaseProvider.Sqlite
                    ? "Unset Database__Provider (or set it to Sqlite) and point --data at the data folder to restore into. Nothing was restored."
                    : "Set Database__Provider=Postgres and Database__ConnectionString, or pass --to with a PostgreSQL connection string. Nothing was restored."));
        var known = KnownMigrations(target);
        CopyFacts facts;
        try
        {
            facts = target.Provider == DatabaseProvider.Sqlite
                ? await SqliteBackup.RestoreAsync(path, manifest, SqliteBackup.DatabasePath(target.ConnectionString), force, known, ct).ConfigureAwait(false)
                : await PostgresBackup.RestoreAsync(path, manifest, target.ConnectionString, force, known, ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new BackupException($"The restore could not be completed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BackupException($"The restore could not be completed: {e.Message}", e);
        }

        // The restore is done; recording it is reported, not undone, if it fails.
        int? audited = null;
        string? problem = null;
        AuditActor actor;
        try
        {
            actor = await BackupAudit.ResolveAsync(target, who, ct).ConfigureAwait(false);
        }
        catch (BackupException e)
        {
            actor = AuditActor.Operator(who.SystemUser);
            problem = $"{e.Message} The restore is recorded as the operator's alone.";
        }
        try
        {
            audited = await RecordAsync(target, actor, AuditActions.Import, "restore",
                $"alliance restore of the backup taken {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss}Z (SHA-256 {manifest.PayloadSha256}); entries written after that backup are not in this database", ct).ConfigureAwait(false);
        }
        catch (BackupException e)
        {
            problem = e.Message;
        }
        return new RestoreResult(target.Provider, Describe(target), manifest, facts.IntegrityCheck, facts.RowCounts, audited, problem);
    }

    private async Task<int?> RecordAsync(DatabaseSettings database, AuditActor actor, string action, string recordId, string reason, CancellationToken ct)
    {
        try
        {
            return await BackupAudit.RecordAsync(database, actor, action, recordId, reason, clock.GetUtcNow().UtcDateTime, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
        {
            throw new BackupException($"The audit trail of {Describe(database)} could not record the {action}: {e.Message}", e);
        }
    }

    /// <summary>The version of Alliance, as written into manifests.</summary>
    public static string AllianceVersion { get; } =
        typeof(DatabaseBackups).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(DatabaseBackups).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The database, for messages: the SQLite file, or host:port/database (never a password).</summary>
    public static string Describe(DatabaseSettings database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Provider == DatabaseProvider.Sqlite
            ? SqliteBackup.DatabasePath(database.ConnectionString)
            : PostgresTools.Describe(database.ConnectionString);
    }

    private static string Name(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite ? "SQLite" : "PostgreSQL";

    /// <summary>The migrations this build of Alliance has for the target's provider.</summary>
    private static HashSet<string> KnownMigrations(DatabaseSettings target)
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        target.Apply(options);
        using var db = AllianceDbContext.Create(options.Options, FixedTenant.Operator);
        return [.. db.Database.GetMigrations()];
    }
}
