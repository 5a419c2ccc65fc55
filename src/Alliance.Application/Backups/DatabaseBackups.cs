using System.IO.Compression;
using System.Reflection;
using Alliance.Data;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Backups;

/// <summary>A backup written: where, and what its manifest says.</summary>
public sealed record BackupResult(string Path, long Length, BackupManifest Manifest);

/// <summary>A restore done: into what, the manifest it was checked against, and what the restored database holds.</summary>
public sealed record RestoreResult(DatabaseProvider Provider, string Target, BackupManifest Manifest, string IntegrityCheck, IReadOnlyDictionary<string, long> RowCounts);

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
    public async Task<BackupResult> BackupAsync(DatabaseSettings database, string outputPath, bool replace, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(database);
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
                facts = await SqliteBackup.CopyAsync(source, payload, ct).ConfigureAwait(false);
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
            manifest = await BackupFile.WriteAsync(output, manifest, payload, level, replace, ct).ConfigureAwait(false);
            return new BackupResult(output, new FileInfo(output).Length, manifest);
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
    public static async Task<RestoreResult> RestoreAsync(string backupPath, DatabaseSettings target, bool force, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backupPath);
        ArgumentNullException.ThrowIfNull(target);
        var path = Path.GetFullPath(backupPath);
        var manifest = BackupFile.ReadManifest(path);
        if (manifest.Provider != target.Provider)
            throw new BackupException($"{path} is a backup of a {Name(manifest.Provider)} database, but the target is {Name(target.Provider)}. " +
                $"Set Database__Provider={manifest.Provider} and Database__ConnectionString, or pass --to with a {Name(manifest.Provider)} connection string. Nothing was restored.");
        var known = KnownMigrations(target);
        try
        {
            if (target.Provider == DatabaseProvider.Sqlite)
            {
                var file = SqliteBackup.DatabasePath(target.ConnectionString);
                var facts = await SqliteBackup.RestoreAsync(path, manifest, file, force, known, ct).ConfigureAwait(false);
                return new RestoreResult(target.Provider, file, manifest, facts.IntegrityCheck, facts.RowCounts);
            }
            var restored = await PostgresBackup.RestoreAsync(path, manifest, target.ConnectionString, force, known, ct).ConfigureAwait(false);
            return new RestoreResult(target.Provider, PostgresTools.Describe(target.ConnectionString), manifest, restored.IntegrityCheck, restored.RowCounts);
        }
        catch (IOException e)
        {
            throw new BackupException($"The restore could not be completed: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BackupException($"The restore could not be completed: {e.Message}", e);
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
        using var db = new AllianceDbContext(options.Options, FixedTenant.Operator);
        return [.. db.Database.GetMigrations()];
    }
}
