using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Alliance.Cli.Tests;

/// <summary><c>alliance audit verify</c>, and the command line's own actions in the trail as operator actions.</summary>
[Trait("Capability", "Confidentiality")]
public sealed class AuditCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-cli-audit-" + Guid.NewGuid().ToString("N"));

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--data", _folder, "--keys", _folder + "-keys"], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private AllianceDbContext Open()
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        DatabaseSettings.From(new ConfigurationBuilder().Build(), _folder).Apply(options);
        return AllianceDbContext.Create(options.Options, FixedTenant.Operator);
    }

    [Fact]
    public async Task OperatorActionsNameTheSystemUserAndTheStaffMemberActedFor()
    {
        Assert.Equal(0, (await RunAsync("agency", "create", "--name", "First Agency", "--admin-email", "lead@first.example")).Code);
        var (code, _, error) = await RunAsync("agency", "create", "--name", "Second Agency", "--admin-email", "lead@second.example", "--on-behalf-of", "lead@first.example");
        Assert.Equal(0, code);
        Assert.Equal("", error);

        await using var db = Open();
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.RecordType == "agency").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(AuditActorKind.Operator, e.ActorKind));
        Assert.Equal($"operator {Environment.UserName}", entries[0].ActorName);
        Assert.Equal($"operator {Environment.UserName} on behalf of lead <lead@first.example>", entries[1].ActorName);
        Assert.StartsWith($"cli:{Environment.UserName}@", entries[1].Origin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownStaffMemberToActForIsRefused()
    {
        var (code, output, error) = await RunAsync("agency", "create", "--name", "X Agency", "--admin-email", "x@x.example", "--on-behalf-of", "nobody@x.example");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("--on-behalf-of: no staff member has the email nobody@x.example", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifySaysTheTrailIsIntactThenNamesAChangedEntry()
    {
        Assert.Equal(0, (await RunAsync("agency", "create", "--name", "First Agency", "--admin-email", "lead@first.example")).Code);
        var (code, output, _) = await RunAsync("audit", "verify");
        Assert.Equal(0, code);
        Assert.StartsWith("The audit trail is intact: 1 entries in 1 agency chains.", output, StringComparison.Ordinal);

        await using (var raw = new SqliteConnection($"Data Source={Path.Combine(_folder, DatabaseSettings.SqliteFileName)}"))
        {
            await raw.OpenAsync();
            await using var command = raw.CreateCommand();
            command.CommandText = "DROP TRIGGER audit_entries_no_update; UPDATE audit_entries SET \"ActorName\" = 'nobody';";
            await command.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var (failed, _, error) = await RunAsync("audit", "verify");
        Assert.Equal(1, failed);
        Assert.Contains("entry 1 (row 1): its contents were changed after it was written", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var folder in new[] { _folder, _folder + "-keys" })
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
