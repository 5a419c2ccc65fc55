using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Alliance.Application;
using Alliance.Application.Backups;
using Microsoft.Extensions.Configuration;

namespace Alliance.Cli.Commands;

/// <summary>
/// <c>alliance backup</c> and <c>alliance restore</c>: a consistent copy of the database the web app uses (with its
/// Data Protection key ring), taken while the app runs, and its verified restore. Neither opens the database through
/// migrations: a backup must not change what it copies, and a restore checks the backup before it touches anything.
/// </summary>
internal static class BackupCommands
{
    public static Command Backup(TextWriter output)
    {
        var file = new Option<string>("--out") { Description = "The backup file to write, such as /backups/alliance-2026-03-10.zip.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace the file if it already exists." };
        var command = new Command("backup",
            "Writes a consistent copy of the database, with its Data Protection key ring, to one file while the app runs. " +
            "The key-encryption key is not included: keep a copy of it apart from database backups.")
        {
            file, force,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var settings = Settings(parse.GetValue(CliApp.DataOption));
                await output.WriteLineAsync($"Backing up {Describe(settings)}...").ConfigureAwait(false);
                var result = await new DatabaseBackups(TimeProvider.System)
                    .BackupAsync(settings, parse.GetValue(file)!, parse.GetValue(force), Operator(parse), ct).ConfigureAwait(false);
                var m = result.Manifest;
                await output.WriteLineAsync(Invariant($"Backup written: {result.Path} ({Size(result.Length)})")).ConfigureAwait(false);
                await output.WriteLineAsync(Invariant($"  taken {m.CreatedAt:yyyy-MM-dd HH:mm:ss}Z by Alliance {m.AllianceVersion}; schema {m.Schema ?? "none"}")).ConfigureAwait(false);
                if (m.IntegrityCheck is not null)
                    await output.WriteLineAsync($"  integrity check of the copy: {m.IntegrityCheck}").ConfigureAwait(false);
                await output.WriteLineAsync($"  {KeyRing(m.RowCounts)}").ConfigureAwait(false);
                await output.WriteLineAsync($"  rows: {Rows(m.RowCounts)}").ConfigureAwait(false);
                await output.WriteLineAsync($"  SHA-256 of {m.PayloadName}: {m.PayloadSha256}").ConfigureAwait(false);
                await output.WriteLineAsync($"  {Audited(result.AuditedAgencies, "export")}").ConfigureAwait(false);
                await output.WriteLineAsync("Not in this backup: the key-encryption key (the key file or certificate that protects the key ring). " +
                    "Keep a copy of it apart from the database backups; without it the notes in any backup cannot be read.").ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is BackupException or InvalidOperationException or ArgumentException)
            {
                await error.WriteLineAsync($"Backup failed: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    public static Command Restore(TextWriter output)
    {
        var file = new Argument<string>("FILE") { Description = "A backup file written by 'alliance backup'." };
        var force = new Option<bool>("--force") { Description = "Replace a database that already holds data." };
        var to = new Option<string?>("--to")
        {
            Description = "Restore into this database instead of the configured one: a connection string of the backup's provider " +
                "(for PostgreSQL, such as Host=db;Database=alliance_restored;Username=alliance).",
        };
        var command = new Command("restore",
            "Checks a backup file (manifest and SHA-256), then restores it into the configured database (or --to). " +
            "Stop the web app first. A database that already holds data is replaced only with --force; on any error it is left as it was.")
        {
            file, force, to,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var path = Path.GetFullPath(parse.GetValue(file)!);
            try
            {
                var manifest = BackupFile.ReadManifest(path);
                var connection = parse.GetValue(to);
                var target = string.IsNullOrWhiteSpace(connection)
                    ? Settings(parse.GetValue(CliApp.DataOption))
                    : new DatabaseSettings(manifest.Provider, connection);
                await output.WriteLineAsync(Invariant(
                    $"Backup {path}: {manifest.Provider}, taken {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss}Z by Alliance {manifest.AllianceVersion}.")).ConfigureAwait(false);
                await output.WriteLineAsync($"Restoring into {Describe(target)}...").ConfigureAwait(false);
                var result = await new DatabaseBackups(TimeProvider.System)
                    .RestoreAsync(path, target, parse.GetValue(force), Operator(parse), ct).ConfigureAwait(false);
                await output.WriteLineAsync($"Restored into {result.Target}; the backup's SHA-256 matched its manifest.").ConfigureAwait(false);
                await output.WriteLineAsync($"  integrity check: {result.IntegrityCheck}").ConfigureAwait(false);
                await output.WriteLineAsync($"  {KeyRing(result.RowCounts)}").ConfigureAwait(false);
                await output.WriteLineAsync($"  rows: {Rows(result.RowCounts)}").ConfigureAwait(false);
                if (result.AuditProblem is not null)
                    await error.WriteLineAsync($"WARNING: the restore is complete, but recording it in the audit trail went wrong: {result.AuditProblem}").ConfigureAwait(false);
                else
                    await output.WriteLineAsync($"  {Audited(result.AuditedAgencies, "import")}").ConfigureAwait(false);
                await ReportKeyRingAsync(target, parse, output, error).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is BackupException or InvalidOperationException or ArgumentException)
            {
                await error.WriteLineAsync($"Restore failed: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>The settings of the web app: the same <c>--data</c>/<c>ALLIANCE_DATA</c>, <c>--keys</c>/<c>ALLIANCE_KEYS</c>, <c>Database__*</c> and <c>DataProtection__*</c>.</summary>
    private static (IConfiguration Configuration, string DataFolder) Configuration(string? dataFolder, string? keysFolder = null)
    {
        var given = new Dictionary<string, string?>();
        if (dataFolder is not null) given["data"] = dataFolder;
        if (keysFolder is not null) given["keys"] = keysFolder;
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(given)
            .Build();
        return (configuration, DataFolder.Resolve(configuration));
    }

    /// <summary>The database the web app would use with the same settings.</summary>
    private static DatabaseSettings Settings(string? dataFolder)
    {
        var (configuration, folder) = Configuration(dataFolder);
        return DatabaseSettings.From(configuration, folder);
    }

    /// <summary>
    /// Says whether the key-encryption key in place unlocks the restored key ring: the notes are readable only if it does.
    /// A warning, not a failure: the database itself was restored.
    /// </summary>
    private static async Task ReportKeyRingAsync(DatabaseSettings target, ParseResult parse, TextWriter output, TextWriter error)
    {
        var (configuration, folder) = Configuration(parse.GetValue(CliApp.DataOption), parse.GetValue(CliApp.KeysOption));
        KeyRingStatus status;
        try
        {
            status = KeyRingCheck.Check(target, configuration, folder);
        }
        catch (Exception e) when (e is InvalidOperationException or CryptographicException or IOException or DbException)
        {
            await error.WriteLineAsync($"WARNING: the restored key ring could not be checked ({e.Message}). Make sure the key-encryption key that protected it is in place before starting the web app.").ConfigureAwait(false);
            return;
        }
        var path = status.KeyEncryptionKeyPath;
        if (status.Keys == 0)
            await output.WriteLineAsync("The restored key ring has no keys yet; the web app creates its first one when it needs it.").ConfigureAwait(false);
        else if (status.AllUnlocked)
            await output.WriteLineAsync(Invariant($"The key-encryption key at {path} unlocks all {status.Keys} key(s) of the restored key ring: the notes can be read.")).ConfigureAwait(false);
        else if (!status.KeyFileFound)
            await error.WriteLineAsync($"WARNING: there is no key-encryption key at {path}. Put back the key file that protected this key ring (it is kept apart from backups), or set DataProtection__CertificatePath, BEFORE starting the web app: started without it, Alliance creates a new key file and the restored notes cannot be read.").ConfigureAwait(false);
        else if (status.Problem is not null)
            await error.WriteLineAsync($"WARNING: the key-encryption key at {path} cannot be used: {status.Problem}. The restored notes cannot be read until it can.").ConfigureAwait(false);
        else
            await error.WriteLineAsync(Invariant($"WARNING: the key-encryption key at {path} unlocks {status.Unlocked} of the {status.Keys} key(s) of the restored key ring: it is not the key that protected them. Put that key file in its place (or list it under DataProtection__PreviousCertificates) before starting the web app, or the notes protected by those keys cannot be read.")).ConfigureAwait(false);
    }

    private static string Describe(DatabaseSettings settings) => settings.Provider == DatabaseProvider.Sqlite
        ? $"the SQLite database {DatabaseBackups.Describe(settings)}"
        : $"the PostgreSQL database {DatabaseBackups.Describe(settings)}";

    private static BackupOperator Operator(ParseResult parse) => new(Environment.UserName, parse.GetValue(CliApp.OnBehalfOfOption));

    private static string Audited(int? agencies, string action) => agencies is { } count
        ? Invariant($"audit trail: recorded as an operator {action} in the trail of {count} agenc{(count == 1 ? "y" : "ies")}")
        : $"audit trail: not recorded, the database schema is older than this version of Alliance (the web app brings it up to date at start)";

    private static string KeyRing(IReadOnlyDictionary<string, long> counts) =>
        counts.TryGetValue(DatabaseBackups.KeyRingTable, out var keys)
            ? Invariant($"Data Protection key ring: {keys} key(s), in the database and so in the backup")
            : "Data Protection key ring: no key table in this database";

    private static string Rows(IReadOnlyDictionary<string, long> counts) =>
        string.Join(", ", counts.Select(c => Invariant($"{c.Key} {c.Value}")));

    private static string Size(long bytes) => bytes switch
    {
        < 1024 * 1024 => Invariant($"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => Invariant($"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => Invariant($"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
