using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Alliance.Application;
using Alliance.Application.Backups;
using Alliance.Application.Security;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Alliance.Cli.Tests;

/// <summary>
/// <c>alliance backup</c> and <c>alliance restore</c> on real, migrated databases: a copy taken while cases are being
/// written is consistent and carries the Data Protection key ring; a changed backup is refused before anything is
/// touched; a database holding data is replaced only with --force.
/// </summary>
[Trait("Capability", "Confidentiality")]
public sealed class BackupTests(ITestOutputHelper log) : IDisposable
{
    private const string Secret = "protected before the backup";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "alliance-backup-" + Guid.NewGuid().ToString("N")[..12]);

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    [Fact]
    public async Task ABackupTakenWhileCasesAreWrittenRestoresEveryCaseCommittedBeforeItAndTheKeyRing()
    {
        await using var source = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var keys = Folder("keys");
        var (agencyId, therapistId, protectedText) = await SeedAsync(source.Settings, source.OpenAsOperator, keys, cases: 400);
        var sourceKeys = await KeyRingAsync(source.OpenAsOperator);

        var backup = Path.Combine(Folder("backups"), "alliance.zip");
        var clock = Stopwatch.StartNew();
        var committed = new ConcurrentQueue<(Guid Id, TimeSpan At)>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => WriteCasesAsync(source.OpenAsOperator, agencyId, therapistId, committed, clock, stop.Token));
        await WaitForAsync(() => committed.Count >= 20);

        var began = clock.Elapsed;
        var (code, output, error) = await RunAsync("backup", "--out", backup, "--data", source.DataFolder);
        var ended = clock.Elapsed;
        await WaitForAsync(() => committed.Any(c => c.At > ended));
        await stop.CancelAsync();
        await writer;

        Assert.True(code == 0, error);
        Assert.Contains("integrity check of the copy: ok", output, StringComparison.Ordinal);
        var backupOutput = output;
        Assert.Contains("Not in this backup: the key-encryption key", output, StringComparison.Ordinal);
        var before = committed.Where(c => c.At < began).Select(c => c.Id).ToList();
        var during = committed.Count(c => c.At >= began && c.At <= ended);
        log.WriteLine($"Cases committed by the writer: {before.Count} before the backup, {during} while it ran, {committed.Count} in all; the backup took {(ended - began).TotalMilliseconds:0} ms.");
        Assert.True(during > 0, "The writer committed nothing while the backup ran, so this run did not test a backup under writes.");

        var target = Folder("restored");
        (code, output, error) = await RunAsync("restore", backup, "--data", target);
        Assert.True(code == 0, error);
        Assert.Contains("integrity check: ok", output, StringComparison.Ordinal);
        Assert.Contains("Data Protection key ring: 1 key(s)", output, StringComparison.Ordinal);
        Assert.Contains($"The key-encryption key at {Path.Combine(keys, KeyProtection.DefaultFileName)} unlocks all 1 key(s)", output, StringComparison.Ordinal);
        Assert.Equal("", error);

        var restored = SqliteSettings(target);
        Assert.Equal("ok", await IntegrityCheckAsync(Path.Combine(target, DatabaseSettings.SqliteFileName)));
        await using (var db = Open(restored))
        {
            var ids = (await db.Cases.Select(c => c.Id).ToListAsync()).ToHashSet();
            Assert.All(before, id => Assert.Contains(id, ids));
            Assert.True(ids.Count >= 400 + before.Count);
            Assert.True(ids.Count <= 400 + committed.Count);
            // Each case was written with its two members in one transaction: a torn copy would show a case without them.
            var memberCounts = await db.Members.GroupBy(m => m.CaseId).Select(g => g.Count()).Distinct().ToListAsync();
            Assert.Equal([2], memberCounts);
            Assert.Equal(ids.Count, await db.Members.Select(m => m.CaseId).Distinct().CountAsync());
            Assert.Empty(await AuditLedger.VerifyAsync(db));
            Assert.Equal(sourceKeys, await KeyRingAsync(db));
            // The restore is in the restored audit trail, as an operator's import; the export happened after the copy.
            var entries = await db.AuditEntries.Where(e => e.RecordType == "database").ToListAsync();
            Assert.Equal([(AuditActions.Import, AuditActorKind.Operator)], entries.Select(e => (e.Action, e.ActorKind)));
        }
        await using (var db = source.OpenAsOperator())
        {
            var exports = await db.AuditEntries.Where(e => e.RecordType == "database").Select(e => e.Action).ToListAsync();
            Assert.Equal([AuditActions.Export], exports);
            Assert.Empty(await AuditLedger.VerifyAsync(db));
        }
        Assert.Contains("audit trail: recorded as an operator export in the trail of 1 agency", backupOutput, StringComparison.Ordinal);

        // Restored beside another key-encryption key, or none, the restore says plainly that the notes will not read,
        // and creates no key file of its own.
        var elsewhere = Path.Combine(_root, "elsewhere");
        Protection(restored, Path.Combine(elsewhere, "keys")).Dispose();
        (code, _, error) = await RunAsync("restore", backup, "--data", Path.Combine(elsewhere, "data"));
        Assert.Equal(0, code);
        Assert.Contains("unlocks 0 of the 1 key(s) of the restored key ring: it is not the key that protected them", error, StringComparison.Ordinal);
        var keyless = Path.Combine(_root, "keyless");
        (code, _, error) = await RunAsync("restore", backup, "--data", Path.Combine(keyless, "data"));
        Assert.Equal(0, code);
        Assert.Contains($"WARNING: there is no key-encryption key at {Path.Combine(keyless, "keys", KeyProtection.DefaultFileName)}", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(keyless, "keys")));

        // The restored key ring, unlocked by the same key-encryption key, reads what was protected before the backup;
        // with any other key-encryption key it reads nothing.
        Assert.Equal(Secret, Unprotect(restored, keys, protectedText));
        Assert.ThrowsAny<CryptographicException>(() => Unprotect(restored, Folder("other-keys"), protectedText));
    }

    [Fact]
    public async Task AChangedOrDamagedBackupIsRefusedAndTheDatabaseIsLeftAsItWas()
    {
        await using var source = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await SeedAsync(source.Settings, source.OpenAsOperator, Folder("keys"), cases: 50);
        var backup = Path.Combine(Folder("backups"), "alliance.zip");
        Assert.Equal(0, (await RunAsync("backup", "--out", backup, "--data", source.DataFolder)).Code);

        // The payload changed and the zip rewritten around it, so that only the manifest's SHA-256 can tell.
        var changed = Path.Combine(_root, "backups", "changed.zip");
        File.Copy(backup, changed);
        using (var zip = ZipFile.Open(changed, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("alliance.db")!;
            byte[] bytes;
            using (var stream = entry.Open())
            using (var memory = new MemoryStream())
            {
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }
            bytes[bytes.Length / 2] ^= 0x5A;
            entry.Delete();
            using var replaced = zip.CreateEntry("alliance.db").Open();
            replaced.Write(bytes);
        }
        // One byte of the file itself flipped, as storage damage would.
        var damaged = Path.Combine(_root, "backups", "damaged.zip");
        var raw = await File.ReadAllBytesAsync(backup);
        raw[raw.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(damaged, raw);

        // A database holding other data, which --force would let a good backup replace.
        await using var other = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await SeedAsync(other.Settings, other.OpenAsOperator, Folder("other-keys"), cases: 3);
        SqliteConnection.ClearAllPools();
        var before = Snapshot(other.DataFolder);

        var (code, output, error) = await RunAsync("restore", changed, "--force", "--data", other.DataFolder);
        Assert.Equal(1, code);
        Assert.Contains("SHA-256", error, StringComparison.Ordinal);
        Assert.Contains(changed, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Restored", output, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(other.DataFolder));

        (code, _, error) = await RunAsync("restore", damaged, "--force", "--data", other.DataFolder);
        Assert.Equal(1, code);
        Assert.Contains("damaged", error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(other.DataFolder));

        // The good backup passes the same checks and replaces it.
        (code, _, error) = await RunAsync("restore", backup, "--force", "--data", other.DataFolder);
        Assert.True(code == 0, error);
        await using var db = Open(SqliteSettings(other.DataFolder));
        Assert.Equal(50, await db.Cases.CountAsync());
    }

    [Fact]
    public async Task RestoringOntoADatabaseThatHoldsDataNeedsForceAndARunningAppStopsIt()
    {
        await using var source = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var (agencyId, therapistId, _) = await SeedAsync(source.Settings, source.OpenAsOperator, Folder("keys"), cases: 5);
        var backup = Path.Combine(Folder("backups"), "alliance.zip");
        Assert.Equal(0, (await RunAsync("backup", "--out", backup, "--data", source.DataFolder)).Code);

        // Work done after the backup, which a forced restore takes back.
        await using (var db = source.OpenAsOperator())
        {
            db.Cases.Add(Case.Open(agencyId, "Written after the backup", therapistId, null, therapistId, DateTime.UtcNow));
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();
        var before = Snapshot(source.DataFolder);

        var (code, output, error) = await RunAsync("restore", backup, "--data", source.DataFolder);
        Assert.Equal(1, code);
        Assert.DoesNotContain("Restored into", output, StringComparison.Ordinal);
        Assert.Contains("already holds data", error, StringComparison.Ordinal);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(source.DataFolder));

        // While another program (the web app) holds the database open, even --force stops before touching it.
        var path = Path.Combine(source.DataFolder, DatabaseSettings.SqliteFileName);
        await using (var app = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await app.OpenAsync();
            await using (var read = app.CreateCommand())
            {
                read.CommandText = "SELECT COUNT(*) FROM cases";
                await read.ExecuteScalarAsync();
            }
            (code, _, error) = await RunAsync("restore", backup, "--force", "--data", source.DataFolder);
            Assert.Equal(1, code);
            Assert.Contains("in use", error, StringComparison.Ordinal);
        }

        (code, _, error) = await RunAsync("restore", backup, "--force", "--data", source.DataFolder);
        Assert.True(code == 0, error);
        await using var restored = Open(SqliteSettings(source.DataFolder));
        Assert.Equal(5, await restored.Cases.CountAsync());
        Assert.False(await restored.Cases.AnyAsync(c => c.Name == "Written after the backup"));
    }

    [Fact]
    public async Task BackupKeepsAnExistingFileUnlessForcedAndBothCommandsReportTheirMistakes()
    {
        await using var source = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await SeedAsync(source.Settings, source.OpenAsOperator, Folder("keys"), cases: 1);
        var backup = Path.Combine(Folder("backups"), "alliance.zip");
        await File.WriteAllTextAsync(backup, "an older backup");

        var (code, _, error) = await RunAsync("backup", "--out", backup, "--data", source.DataFolder);
        Assert.Equal(1, code);
        Assert.Contains(backup, error, StringComparison.Ordinal);
        Assert.Equal("an older backup", await File.ReadAllTextAsync(backup));
        Assert.Equal(0, (await RunAsync("backup", "--out", backup, "--force", "--data", source.DataFolder)).Code);
        Assert.Equal(BackupManifest.FormatName, BackupFile.ReadManifest(backup).Format);
        Assert.Equal(["alliance.zip"], Directory.GetFiles(Path.GetDirectoryName(backup)!).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));

        Assert.Equal(2, (await RunAsync("backup", "--data", source.DataFolder)).Code);
        Assert.Equal(2, (await RunAsync("restore", "--data", source.DataFolder)).Code);

        var missing = Path.Combine(_root, "no-such-backup.zip");
        (code, _, error) = await RunAsync("restore", missing, "--data", Folder("empty"));
        Assert.Equal(1, code);
        Assert.Contains(missing, error, StringComparison.Ordinal);

        var emptyData = Folder("no-database");
        (code, _, error) = await RunAsync("backup", "--out", Path.Combine(_root, "x.zip"), "--data", emptyData);
        Assert.Equal(1, code);
        Assert.Contains(Path.Combine(emptyData, DatabaseSettings.SqliteFileName), error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OnPostgresABackupTakenWhileCasesAreWrittenRestoresIntoAnEmptyDatabaseWithTheKeyRing()
    {
        await using var source = await TestDatabase.CreateAsync(TestDatabase.Postgres);
        var keys = Folder("keys");
        var (agencyId, therapistId, protectedText) = await SeedAsync(source.Settings, source.OpenAsOperator, keys, cases: 200);
        var sourceKeys = await KeyRingAsync(source.OpenAsOperator);

        var backup = Path.Combine(Folder("backups"), "alliance.zip");
        var clock = Stopwatch.StartNew();
        var committed = new ConcurrentQueue<(Guid Id, TimeSpan At)>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => WriteCasesAsync(source.OpenAsOperator, agencyId, therapistId, committed, clock, stop.Token));
        await WaitForAsync(() => committed.Count >= 20);
        var began = clock.Elapsed;
        var result = await new DatabaseBackups(TimeProvider.System).BackupAsync(source.Settings, backup, replace: false, new BackupOperator("backup-tests"));
        var ended = clock.Elapsed;
        await stop.CancelAsync();
        await writer;
        var before = committed.Where(c => c.At < began).Select(c => c.Id).ToList();
        log.WriteLine($"PostgreSQL: {before.Count} cases committed before the backup, {committed.Count(c => c.At >= began && c.At <= ended)} while it ran; the backup took {(ended - began).TotalMilliseconds:0} ms.");
        Assert.Equal(DatabaseProvider.Postgres, result.Manifest.Provider);
        Assert.Equal("alliance.pgdump", result.Manifest.PayloadName);
        Assert.Equal(1, result.Manifest.RowCounts[DatabaseBackups.KeyRingTable]);

        var empty = await PostgresServer.CreateDatabaseAsync();
        try
        {
            // A password in the connection string goes to pg_restore through its environment, and into no message.
            const string password = "never-printed-7f3a";
            var withPassword = new NpgsqlConnectionStringBuilder(empty) { Password = password }.ConnectionString;
            var (code, output, error) = await RunAsync("restore", backup, "--to", withPassword, "--data", Folder("unused"));
            Assert.True(code == 0, error + output);
            Assert.Contains("row counts match the manifest", output, StringComparison.Ordinal);
            Assert.Contains("unlocks all 1 key(s) of the restored key ring", output, StringComparison.Ordinal);
            Assert.DoesNotContain(password, output + error, StringComparison.Ordinal);

            var restored = new DatabaseSettings(DatabaseProvider.Postgres, empty);
            await using (var db = Open(restored))
            {
                var ids = (await db.Cases.Select(c => c.Id).ToListAsync()).ToHashSet();
                Assert.All(before, id => Assert.Contains(id, ids));
                Assert.Equal(result.Manifest.RowCounts["cases"], ids.Count);
                Assert.Equal([2], await db.Members.GroupBy(m => m.CaseId).Select(g => g.Count()).Distinct().ToListAsync());
                Assert.Empty(await AuditLedger.VerifyAsync(db));
                Assert.Equal(sourceKeys, await KeyRingAsync(db));
                Assert.Equal([AuditActions.Import], await db.AuditEntries.Where(e => e.RecordType == "database").Select(e => e.Action).ToListAsync());
                // The restored schema is the one the migrations made: nothing is pending.
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            }
            Assert.Equal(Secret, Unprotect(restored, keys, protectedText));

            // The source still holds data: without --force it is left alone.
            NpgsqlConnection.ClearAllPools();
            (code, _, error) = await RunAsync("restore", backup, "--to", source.Settings.ConnectionString);
            Assert.Equal(1, code);
            Assert.Contains("already holds data", error, StringComparison.Ordinal);
            await using (var db = source.OpenAsOperator())
                Assert.Equal(200 + committed.Count, await db.Cases.CountAsync());

            // With --force it is replaced by the backup, in one transaction.
            NpgsqlConnection.ClearAllPools();
            (code, _, error) = await RunAsync("restore", backup, "--to", source.Settings.ConnectionString, "--force");
            Assert.True(code == 0, error);
            await using (var db = source.OpenAsOperator())
                Assert.Equal(result.Manifest.RowCounts["cases"], await db.Cases.CountAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresServer.DropDatabaseAsync(empty);
        }
    }

    // --- helpers ---

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// An agency, a therapist and <paramref name="cases"/> families, written with the app's Data Protection (key ring
    /// in the database, key-encryption certificate in <paramref name="keysFolder"/>); returns a text protected with it.
    /// </summary>
    private static async Task<(Guid Agency, Guid Therapist, string Protected)> SeedAsync(DatabaseSettings settings, Func<AllianceDbContext> open, string keysFolder, int cases)
    {
        var now = DateTime.UtcNow;
        var agency = new Agency("Backup Test Agency", "Europe/London", now);
        var email = $"therapist.{Guid.NewGuid():N}@agency.example";
        var therapist = new StaffUser
        {
            Id = Guid.NewGuid(),
            AgencyId = agency.Id,
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = "Test Therapist",
            SecurityStamp = Guid.NewGuid().ToString(),
            CreatedAt = now,
        };
        await using (var db = open())
        {
            db.Agencies.Add(agency);
            db.Users.Add(therapist);
            for (var i = 0; i < cases; i++) db.Cases.Add(Family(agency.Id, therapist.Id, i, now));
            await db.SaveChangesAsync();
        }
        using var protection = Protection(settings, keysFolder);
        var text = protection.GetRequiredService<IDataProtectionProvider>().CreateProtector("Alliance.BackupTests").Protect(Secret);
        return (agency.Id, therapist.Id, text);
    }

    private static Case Family(Guid agencyId, Guid therapistId, int number, DateTime now)
    {
        var c = Case.Open(agencyId, $"Family {number}", therapistId, null, therapistId, now);
        c.AddMember($"Parent {number}", FamilyRole.Parent, 1980, now);
        c.AddMember($"Child {number}", FamilyRole.Child, 2014, now);
        return c;
    }

    /// <summary>Writes one family (a case and two members, one transaction) after another until stopped.</summary>
    private static async Task WriteCasesAsync(Func<AllianceDbContext> open, Guid agencyId, Guid therapistId,
        ConcurrentQueue<(Guid, TimeSpan)> committed, Stopwatch clock, CancellationToken stop)
    {
        for (var i = 100_000; !stop.IsCancellationRequested; i++)
        {
            await using var db = open();
            var c = Family(agencyId, therapistId, i, DateTime.UtcNow);
            db.Cases.Add(c);
            await db.SaveChangesAsync(CancellationToken.None);
            committed.Enqueue((c.Id, clock.Elapsed));
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The writer made no progress in a minute.");
            await Task.Delay(10);
        }
    }

    private static ServiceProvider Protection(DatabaseSettings settings, string keysFolder)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>("keys", keysFolder)]).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITenantContext>(FixedTenant.Operator);
        services.AddAllianceDataProtection(configuration, keysFolder);
        services.AddAllianceDbContext((_, o) => settings.Apply(o));
        return services.BuildServiceProvider();
    }

    private static string Unprotect(DatabaseSettings settings, string keysFolder, string text)
    {
        using var protection = Protection(settings, keysFolder);
        return protection.GetRequiredService<IDataProtectionProvider>().CreateProtector("Alliance.BackupTests").Unprotect(text);
    }

    private static Task<List<string>> KeyRingAsync(AllianceDbContext db) =>
        db.DataProtectionKeys.OrderBy(k => k.FriendlyName).Select(k => k.FriendlyName + "|" + k.Xml).ToListAsync();

    private static async Task<List<string>> KeyRingAsync(Func<AllianceDbContext> open)
    {
        await using var db = open();
        return await KeyRingAsync(db);
    }

    private static DatabaseSettings SqliteSettings(string dataFolder) => DatabaseSettings.From(new ConfigurationBuilder().Build(), dataFolder);

    private static AllianceDbContext Open(DatabaseSettings settings)
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        settings.Apply(options);
        return AllianceDbContext.Create(options.Options, FixedTenant.Operator);
    }

    private static async Task<string> IntegrityCheckAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every file in a folder with its SHA-256: "left as it was" means this does not change.</summary>
    private static List<string> Snapshot(string folder) =>
        [.. Directory.GetFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f) + " " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }
}
