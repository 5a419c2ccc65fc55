using System.Text.RegularExpressions;
using Alliance.Application;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Alliance.Cli.Tests;

/// <summary><c>alliance agency create</c> against a real SQLite database in a temporary data folder.</summary>
[Trait("Capability", "Foundation")]
public sealed partial class AgencyCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-cli-" + Guid.NewGuid().ToString("N"));

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private AllianceDbContext Open()
    {
        var settings = DatabaseSettings.From(new ConfigurationBuilder().Build(), _folder);
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        settings.Apply(options);
        return AllianceDbContext.Create(options.Options, FixedTenant.Operator);
    }

    [Fact]
    public async Task CreatesAnAgencyWithoutDemoAndPrintsAOneTimeLinkForItsAdmin()
    {
        var (code, output, error) = await RunAsync("agency", "create", "--name", "Northside Family Centre", "--admin-email", "lead@northside.example",
            "--time-zone", "America/Chicago", "--base-url", "https://alliance.northside.example/", "--data", _folder);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var link = LinkPattern().Match(output);
        Assert.True(link.Success, output);

        await using var db = Open();
        var agency = await db.Agencies.SingleAsync();
        Assert.Equal(("Northside Family Centre", "America/Chicago", false), (agency.Name, agency.TimeZoneId, agency.IsDemo));
        Assert.Empty(await db.Cases.ToListAsync());
        var admin = await db.Users.SingleAsync();
        Assert.Equal(("lead@northside.example", agency.Id), (admin.Email, admin.AgencyId));
        Assert.Null(admin.PasswordHash);
        var role = await db.Roles.SingleAsync(r => db.UserRoles.Any(ur => ur.UserId == admin.Id && ur.RoleId == r.Id));
        Assert.Equal(StaffRoles.Admin, role.Name);
        // Only the hash of the link's token is stored.
        var token = link.Groups[1].Value;
        var stored = await db.PasswordSetupTokens.SingleAsync();
        Assert.Equal(StaffAccounts.Hash(token), stored.TokenHash);
        Assert.DoesNotContain(token, stored.TokenHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadNameIsRefusedByOptionAndNothingIsCreated()
    {
        var (code, output, error) = await RunAsync("agency", "create", "--name", " ", "--admin-email", "lead@northside.example", "--data", _folder);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("--name: ", error, StringComparison.Ordinal);
        await using var db = Open();
        Assert.False(await db.Agencies.AnyAsync());
        Assert.False(await db.Users.AnyAsync());
    }

    [Fact]
    public async Task AnUnknownTimeZoneIsRefusedAndNothingIsCreated()
    {
        var (code, _, error) = await RunAsync("agency", "create", "--name", "Zone Test", "--admin-email", "z@zone.example", "--time-zone", "Atlantis/Central", "--data", _folder);
        Assert.Equal(1, code);
        Assert.StartsWith("--time-zone: ", error, StringComparison.Ordinal);
        await using var db = Open();
        Assert.False(await db.Agencies.AnyAsync());
    }

    [Fact]
    public async Task AMissingRequiredOptionIsAUsageError()
    {
        var (code, output, error) = await RunAsync("agency", "create", "--name", "No Admin", "--data", _folder);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("--admin-email", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameAdminEmailCannotBeUsedTwice()
    {
        Assert.Equal(0, (await RunAsync("agency", "create", "--name", "First", "--admin-email", "same@agency.example", "--data", _folder)).Code);
        var (code, _, error) = await RunAsync("agency", "create", "--name", "Second", "--admin-email", "same@agency.example", "--data", _folder);
        Assert.Equal(1, code);
        Assert.StartsWith("--admin-email: ", error, StringComparison.Ordinal);
        await using var db = Open();
        Assert.Equal(["First"], await db.Agencies.Select(a => a.Name).ToListAsync());
    }

    [Fact]
    public async Task ABaseUrlThatIsNotAnAddressIsAUsageError()
    {
        var (code, _, error) = await RunAsync("agency", "create", "--name", "X", "--admin-email", "x@x.example", "--base-url", "alliance", "--data", _folder);
        Assert.Equal(2, code);
        Assert.Contains("--base-url must be an absolute http or https address", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }

    [GeneratedRegex("^https://alliance\\.northside\\.example/account/set-password\\?token=([A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex LinkPattern();
}
