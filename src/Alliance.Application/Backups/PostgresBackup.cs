using System.Data;
using System.Globalization;
using Npgsql;

namespace Alliance.Application.Backups;

/// <summary>
/// Backup and restore of a PostgreSQL database with the server's own tools. <c>pg_dump</c> runs on a snapshot
/// exported from a read-only transaction, in which the rows are also counted, so the counts in the manifest
/// describe exactly what the dump holds while the web nodes go on writing. <c>pg_restore</c> runs as one
/// transaction: it restores everything or nothing.
/// </summary>
internal static class PostgresBackup
{
    public const string PayloadName = "alliance.pgdump";
    private const string MigrationsTable = "__EFMigrationsHistory";

    /// <summary>Dumps the database into <paramref name="dumpPath"/> (a new private file) and counts its rows.</summary>
    public static async Task<CopyFacts> DumpAsync(string connectionString, string dumpPath, CancellationToken ct)
    {
        var target = PostgresTools.Describe(connectionString);
        var pgDump = PostgresTools.Find("pg_dump");
        await using (PrivateFile.CreateNew(dumpPath).ConfigureAwait(false)) { }
        try
        {
            await using var connection = new NpgsqlConnection(PostgresTools.Unpooled(connectionString));
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            await ScalarAsync(connection, "SET TRANSACTION READ ONLY", ct).ConfigureAwait(false);
            var snapshot = (string)(await ScalarAsync(connection, "SELECT pg_export_snapshot()", ct).ConfigureAwait(false))!;
            var counts = await CountRowsAsync(connection, ct).ConfigureAwait(false);
            var schema = counts.ContainsKey(MigrationsTable)
                ? await ScalarAsync(connection, $"SELECT \"MigrationId\" FROM \"{MigrationsTable}\" ORDER BY \"MigrationId\" DESC LIMIT 1", ct).ConfigureAwait(false) as string
                : null;

            var dump = await PostgresTools.RunAsync(pgDump,
                ["--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshot, "--file=" + dumpPath, "--dbname=" + PostgresTools.DatabaseOnly(connectionString)],
                PostgresTools.Environment(connectionString), ct).ConfigureAwait(false);
            if (dump.ExitCode != 0)
                throw new BackupException($"pg_dump ({pgDump}) could not back up {target} (exit {dump.ExitCode}): {PostgresTools.Tail(dump.Error)}");
            await transaction.CommitAsync(ct).ConfigureAwait(false);

            var list = await PostgresTools.RunAsync(PostgresTools.Find("pg_restore"), ["--list", dumpPath], null, ct).ConfigureAwait(false);
            if (list.ExitCode != 0)
                throw new BackupException($"The dump of {target} cannot be read back by pg_restore (exit {list.ExitCode}): {PostgresTools.Tail(list.Error)}. No backup was written.");
            return new CopyFacts("n/a", counts, schema);
        }
        catch (NpgsqlException e)
        {
            PrivateFile.TryDelete(dumpPath);
            throw new BackupException($"PostgreSQL at {target} could not be backed up: {e.Message}", e);
        }
        catch
        {
            PrivateFile.TryDelete(dumpPath);
            throw;
        }
    }

    /// <summary>
    /// Restores a verified payload into the database: refuses one that holds data unless forced, or that other
    /// programs are connected to; then <c>pg_restore --clean --if-exists --no-owner</c> in a single transaction,
    /// and compares the row counts with the manifest.
    /// </summary>
    public static async Task<CopyFacts> RestoreAsync(string backupPath, BackupManifest manifest, string connectionString, bool force,
        IReadOnlySet<string> knownMigrations, CancellationToken ct)
    {
        var target = PostgresTools.Describe(connectionString);
        var pgRestore = PostgresTools.Find("pg_restore");
        var temp = Path.Combine(Path.GetTempPath(), $"alliance-restore-{Guid.NewGuid():N}.pgdump");
        try
        {
            await BackupFile.ExtractPayloadAsync(backupPath, manifest, temp, ct).ConfigureAwait(false);
            var list = await PostgresTools.RunAsync(pgRestore, ["--list", temp], null, ct).ConfigureAwait(false);
            if (list.ExitCode != 0)
                throw new BackupException($"pg_restore cannot read the database archive in {backupPath} (exit {list.ExitCode}): {PostgresTools.Tail(list.Error)}. Nothing was restored.");
            BackupChecks.RequireKnownSchema(manifest.Schema, knownMigrations, backupPath);

            await using (var connection = new NpgsqlConnection(PostgresTools.Unpooled(connectionString)))
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                var existing = await CountRowsAsync(connection, ct).ConfigureAwait(false);
                if (!force && existing.Any(c => c.Key != MigrationsTable && c.Value > 0))
                    throw new BackupException($"The database {target} already holds data. Nothing was changed. To replace it with the backup, run restore again with --force (consider 'alliance backup' of it first).");
                var others = Convert.ToInt64(await ScalarAsync(connection,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'", ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (others > 0)
                    throw new BackupException($"The database {target} is in use: {others} other connection(s) are open to it (are Alliance web nodes still running?). Nothing was changed. Stop them, then run restore again.");
            }

            var restore = await PostgresTools.RunAsync(pgRestore,
                ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                 "--dbname=" + PostgresTools.DatabaseOnly(connectionString), temp],
                PostgresTools.Environment(connectionString), ct).ConfigureAwait(false);
            if (restore.ExitCode != 0)
                throw new BackupException($"pg_restore ({pgRestore}) could not restore into {target} (exit {restore.ExitCode}); it runs as one transaction, so the database was left as it was: {PostgresTools.Tail(restore.Error)}");

            await using (var connection = new NpgsqlConnection(PostgresTools.Unpooled(connectionString)))
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                var counts = await CountRowsAsync(connection, ct).ConfigureAwait(false);
                BackupChecks.RequireSameCounts(manifest, counts, target);
                return new CopyFacts("row counts match the manifest", counts, manifest.Schema);
            }
        }
        catch (NpgsqlException e)
        {
            throw new BackupException($"PostgreSQL at {target}: {e.Message}. Check Database__ConnectionString (or --to); the database must exist (it may be empty).", e);
        }
        finally
        {
            PrivateFile.TryDelete(temp);
        }
    }

    /// <summary>Rows in every ordinary table outside the system schemas; tables outside <c>public</c> are named schema.table.</summary>
    private static async Task<SortedDictionary<string, long>> CountRowsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tables = new List<(string Schema, string Name)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = """
                SELECT n.nspname, c.relname
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                ORDER BY 1, 2
                """;
            await using var reader = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) tables.Add((reader.GetString(0), reader.GetString(1)));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (schema, name) in tables)
        {
            var count = await ScalarAsync(connection, $"SELECT count(*) FROM {Quote(schema)}.{Quote(name)}", ct).ConfigureAwait(false);
            counts[schema == "public" ? name : $"{schema}.{name}"] = Convert.ToInt64(count, CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // Statements are constants of this class or quote names read from the database's own catalogue.
#pragma warning disable CA2100
    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }
#pragma warning restore CA2100
}
