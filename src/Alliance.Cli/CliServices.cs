using Alliance.Application;
using Alliance.Application.Agencies;
using Alliance.Application.Staff;
using Alliance.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli;

/// <summary>
/// The services a database command needs. The command line acts as operator of the whole database it is pointed at,
/// with the same <c>Database:*</c> settings and data folder as the web app.
/// </summary>
internal static class CliServices
{
    public static async Task<ServiceProvider> OpenAsync(string? dataFolder, CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(dataFolder is null ? [] : [new KeyValuePair<string, string?>("data", dataFolder)])
            .Build();
        var database = DatabaseSettings.From(configuration, DataFolder.Resolve(configuration));

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITenantContext>(FixedTenant.Operator);
        services.AddDbContext<AllianceDbContext>(database.Apply);
        services.AddIdentityCore<StaffUser>(o => o.User.RequireUniqueEmail = true)
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<AllianceDbContext>();
        services.AddScoped<StaffAccounts>();
        services.AddScoped<CreateAgency>();
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        await using var scope = provider.CreateAsyncScope();
        await DatabaseSettings.MigrateAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), ct).ConfigureAwait(false);
        return provider;
    }
}
