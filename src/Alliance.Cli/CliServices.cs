using System.CommandLine;
using Alliance.Application;
using Alliance.Application.Agencies;
using Alliance.Application.Auditing;
using Alliance.Application.Security;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Data.Auditing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli;

/// <summary>
/// The services a database command needs. The command line acts as operator of the whole database it is pointed at,
/// with the same <c>Database:*</c> settings, data folder and key-encryption key as the web app; its actions are
/// audited as operator actions naming the system user and, with <c>--on-behalf-of</c>, the staff member.
/// </summary>
internal static class CliServices
{
    public static async Task<ServiceProvider> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var given = new Dictionary<string, string?>();
        if (parse.GetValue(CliApp.DataOption) is { } dataFolder) given["data"] = dataFolder;
        if (parse.GetValue(CliApp.KeysOption) is { } keysFolder) given["keys"] = keysFolder;
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(given)
            .Build();
        var folder = DataFolder.Resolve(configuration);
        var database = DatabaseSettings.From(configuration, folder);
        var actor = new OperatorTenant(AuditActor.Operator(Environment.UserName));

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(actor);
        services.AddSingleton<ITenantContext>(actor);
        services.AddAllianceDataProtection(configuration, folder);
        services.AddAllianceDbContext((_, o) => database.Apply(o));
        services.AddIdentityCore<StaffUser>(o => o.User.RequireUniqueEmail = true)
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AllianceDbContext>();
        services.AddSingleton<AuditReads>();
        services.AddScoped<StaffAccounts>();
        services.AddScoped<CreateAgency>();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        await DatabaseSettings.MigrateAsync(db, ct).ConfigureAwait(false);
        // Reads or creates the key ring now, outside any transaction a command opens later.
        provider.GetRequiredService<ISensitiveTextProtector>().Protect(string.Empty);
        if (parse.GetValue(CliApp.OnBehalfOfOption) is { Length: > 0 } email)
        {
            var normalized = email.Trim().ToUpperInvariant();
            var staff = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"--on-behalf-of: no staff member has the email {email.Trim()}.");
            actor.ActingAs = AuditActor.Operator(Environment.UserName, staff.Id, $"{staff.DisplayName} <{staff.Email}>");
        }
        return provider;
    }
}

/// <summary>The operator of the database, as one process of the command line.</summary>
internal sealed class OperatorTenant(AuditActor actingAs) : ITenantContext
{
    public Guid? AgencyId => null;
    public bool IsOperator => true;
    public AuditActor ActingAs { get; set; } = actingAs;
    public AuditActor Actor => ActingAs;
}
