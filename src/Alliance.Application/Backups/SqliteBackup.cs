using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Alliance.Application.Backups;

/// <summary>
/// Backup and restore of the embedded database. The copy is taken with SQLite's online backup API from a read
/// transaction, so the web app may go on writing (in WAL mode writers do not wait for readers) and the copy is the
/// database exactly as it was when the copy began.
/// </summary>
internal static class SqliteBackup
{
    public const string PayloadName = "alliance.db";
    private const string MigrationsTable = "__EFMigrationsHistory";
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The database file a SQLite connection string points at.</summary>
    public static string DatabasePath(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
            throw new BackupException("The SQLite database is configured in memory; there is no file to back up or restore.");
        return Path.GetFullPath(builder.DataSource);
    }

    /// <summary>Copies the live database into <paramref name="copyPath"/> (a new private file) and checks the copy.</summary>
    public static async Task<CopyFacts> CopyAsync(string databasePath, string copyPath, CancellationToken ct)
    {
        if (!File.Exists(databasePath))
            throw new BackupException($"There is no database at {databasePath}. Check --data (or ALLIANCE_DATA) and Database__ConnectionString.");
        await using (PrivateFile.CreateNew(copyPath).ConfigureAwait(false)) { }
        try
        {
            await using (var source = Connect(databasePath, SqliteOpenMode.ReadWrite))
            await using (var copy = Connect(copyPath, SqliteOpenMode.ReadWrite))
            {
                await source.OpenAsync(ct).ConfigureAwait(false);
                await copy.OpenAsync(ct).ConfigureAwait(false);
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        // One step of all pages, from one read transaction: a consistent snapshot of the source.
                        source.BackupDatabase(copy);
                        break;
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked && attempt < 10)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct).ConfigureAwait(false);
                    }
                }
            }
            await using var check = Connect(copyPath, SqliteOpenMode.ReadWrite);
            await check.OpenAsync(ct).ConfigureAwait(false);
            // The payload is one self-contained file, without a write-ahead log beside it.
            await ScalarAsync(check, "PRAGMA journal_mode=DELETE;", ct).ConfigureAwait(false);
            var facts = await FactsAsync(check, ct).ConfigureAwait(false);
            if (facts.IntegrityCheck != "ok")
                throw new BackupException($"The copy of {databasePath} failed SQLite's integrity check ({facts.IntegrityCheck}); no backup was written. The live database may be damaged: run 'PRAGMA integrity_check' on it.");
            return facts;
        }
        catch (SqliteException e)
        {
            PrivateFile.TryDelete(copyPath);
            throw new BackupException($"SQLite could not copy {databasePath}: {e.Message}", e);
        }
        catch
        {
            PrivateFile.TryDelete(copyPath);
            throw;
        }
    }

    /// <summary>
    /// Restores a verified payload: checks it in a temporary file beside the target, then renames it over the target
    /// in one step. Until that rename the target is untouched; on any error it stays as it was.
    /// </summary>
    public static async Task<CopyFacts> RestoreAsync(string backupPath, BackupManifest manifest, string databasePath, bool force,
        IReadOnlySet<string> knownMigrations, CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(databasePath)!;
        Directory.CreateDirectory(folder);
        var temp = PrivateFile.TemporaryBeside(databasePath, "restore");
        try
        {
            await BackupFile.ExtractPayloadAsync(backupPath, manifest, temp, ct).ConfigureAwait(false);
            CopyFacts facts;
            await using (var copy = Connect(temp, SqliteOpenMode.ReadWrite))
            {
                await copy.OpenAsync(ct).ConfigureAwait(false);
                facts = await FactsAsync(copy, ct).ConfigureAwait(false);
                if (facts.IntegrityCheck != "ok")
                    throw new BackupException($"The database in {backupPath} failed SQLite's integrity check ({facts.IntegrityCheck}). Nothing was restored.");
                BackupChecks.RequireSameCounts(manifest, facts.RowCounts, backupPath);
                BackupChecks.RequireKnownSchema(facts.Schema, knownMigrations, backupPath);
                // The app runs SQLite in write-ahead-log mode; the restored file starts in it too.
                await ScalarAsync(copy, "PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);
            }

            if (!force && await HoldsDataAsync(databasePath, ct).ConfigureAwait(false))
                throw new BackupException($"The database {databasePath} already holds data. Nothing was changed. To replace it with the backup, run restore again with --force (consider 'alliance backup' of it first).");
            await ReleaseAsync(databasePath, force, ct).ConfigureAwait(false);
            PrivateFile.MatchPermissions(temp, databasePath);
            File.Move(temp, databasePath, overwrite: true);
            return facts;
        }
        catch (SqliteException e)
        {
            throw new BackupException($"SQLite could not restore into {databasePath}: {e.Message}. The database there was left as it was.", e);
        }
        finally
        {
            PrivateFile.TryDelete(temp);
            PrivateFile.TryDelete(temp + "-wal");
            PrivateFile.TryDelete(temp + "-shm");
        }
    }

    /// <summary>True when the file exists and any table other than the migrations history has a row (or it cannot be read).</summary>
    private static async Task<bool> HoldsDataAsync(string databasePath, CancellationToken ct)
    {
        if (!File.Exists(databasePath)) return false;
        if (new FileInfo(databasePath).Length == 0 && !File.Exists(databasePath + "-wal")) return false;
        try
        {
            await using var connection = Connect(databasePath, SqliteOpenMode.ReadWrite);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            var counts = await CountRowsAsync(connection, ct).ConfigureAwait(false);
            return counts.Any(c => c.Key != MigrationsTable && c.Value > 0);
        }
        catch (SqliteException)
        {
            // Unreadable, perhaps damaged: replacing it is what --force is for.
            return true;
        }
    }

    /// <summary>
    /// Folds the target's write-ahead log into it and closes it, so that no log of the old database is left to be
    /// replayed onto the new file. SQLite deletes the log when its last connection closes: a log still there means
    /// another process (the web app) has the database open, and the restore stops.
    /// </summary>
    private static async Task ReleaseAsync(string databasePath, bool force, CancellationToken ct)
    {
        var readable = true;
        if (File.Exists(databasePath))
        {
            try
            {
                await using var connection = Connect(databasePath, SqliteOpenMode.ReadWrite);
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await ScalarAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);", ct).ConfigureAwait(false);
            }
            catch (SqliteException) when (force)
            {
                readable = false;
            }
        }
        else
        {
            readable = false;
        }
        var journals = new[] { databasePath + "-wal", databasePath + "-journal" };
        if (readable && journals.Any(File.Exists))
            throw new BackupException($"The database {databasePath} is in use by another program (is the Alliance web app still running?). Nothing was changed. Stop it, then run restore again.");
        // Journals of a file that is missing or unreadable belong to nothing that can be kept; left beside the new
        // file they would be replayed onto it.
        foreach (var journal in journals.Append(databasePath + "-shm"))
            if (File.Exists(journal)) File.Delete(journal);
    }

    /// <summary>The integrity check, row counts and schema of an open database.</summary>
    private static async Task<CopyFacts> FactsAsync(SqliteConnection connection, CancellationToken ct)
    {
        var integrity = await IntegrityCheckAsync(connection, ct).ConfigureAwait(false);
        if (integrity != "ok") return new CopyFacts(integrity, new Dictionary<string, long>(), null);
        var counts = await CountRowsAsync(connection, ct).ConfigureAwait(false);
        string? schema = null;
        if (counts.ContainsKey(MigrationsTable))
            schema = await ScalarAsync(connection, $"SELECT MigrationId FROM \"{MigrationsTable}\" ORDER BY MigrationId DESC LIMIT 1;", ct).ConfigureAwait(false) as string;
        return new CopyFacts(integrity, counts, schema);
    }

    private static async Task<string> IntegrityCheckAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false) && lines.Count < 5)
            lines.Add(reader.GetString(0));
        return string.Join("; ", lines);
    }

    private static async Task<SortedDictionary<string, long>> CountRowsAsync(SqliteConnection connection, CancellationToken ct)
    {
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name;";
            await using var reader = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) tables.Add(reader.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var count = await ScalarAsync(connection, $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";", ct).ConfigureAwait(false);
            counts[table] = Convert.ToInt64(count, CultureInfo.InvariantCulture);
        }
        return counts;
    }

    // Statements are constants of this class or quote table names read from the database's own catalogue.
#pragma warning disable CA2100
    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }
#pragma warning restore CA2100

    private static SqliteConnection Connect(string path, SqliteOpenMode mode) => new(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        // Closing must really close, so that SQLite removes the write-ahead log of a database nobody else holds.
        Pooling = false,
        DefaultTimeout = 60,
    }.ToString());
}

/// <summary>What was found in a copy of the database.</summary>
internal sealed record CopyFacts(string IntegrityCheck, IReadOnlyDictionary<string, long> RowCounts, string? Schema);
