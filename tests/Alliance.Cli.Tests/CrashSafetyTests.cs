using Alliance.Testing;
using Xunit.Abstractions;

namespace Alliance.Cli.Tests;

/// <summary>
/// The short version of <c>alliance prove crash</c>: the web server is started as a process of its own, killed with
/// SIGKILL three times in the middle of bursts of questionnaire submissions, and restarted; every acknowledged
/// submission must be found with its audit entry, nothing half-saved, the audit chain intact and the database's
/// integrity check clean, on SQLite and on PostgreSQL. The 50-kill runs are in docs/reliability.md.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-crash-" + Guid.NewGuid().ToString("N"));

    private async Task<(int Code, string Out, string Err)> ProveAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["prove", "crash", "--kills", "3", "--burst", "12", "--concurrency", "6", "--data", _folder, .. args], stdout, stderr);
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task OnSqliteNothingAcknowledgedIsLostWhenTheServerIsKilledMidBurst()
    {
        var (code, text, error) = await ProveAsync("--provider", "sqlite");

        Assert.True(code == 0, text + error);
        Assert.Contains("Crash safety on Sqlite: 3 kills (SIGKILL)", text, StringComparison.Ordinal);
        Assert.Contains("Result: PASSED", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OnPostgresNothingAcknowledgedIsLostWhenTheServerIsKilledMidBurst()
    {
        var connection = await PostgresServer.CreateDatabaseAsync();
        try
        {
            var (code, text, error) = await ProveAsync("--provider", "postgres", "--connection-string", connection);

            Assert.True(code == 0, text + error);
            Assert.Contains("Crash safety on Postgres: 3 kills (SIGKILL)", text, StringComparison.Ordinal);
            Assert.Contains("amcheck", text, StringComparison.Ordinal);
            Assert.Contains("Result: PASSED", text, StringComparison.Ordinal);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await PostgresServer.DropDatabaseAsync(connection);
        }
    }

    [Fact]
    public async Task AFolderWithDataInItIsRefused()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "alliance.db"), "");

        var (code, _, error) = await ProveAsync();

        Assert.Equal(2, code);
        Assert.Contains("is not empty", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still held: a temporary folder.
        }
    }
}
