using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Data;

/// <summary>Registers <see cref="AllianceDbContext"/> with the tenant of each scope and the app's protector.</summary>
public static class AllianceDbContextServices
{
    /// <summary>
    /// One context for each scope, working for the scope's <see cref="ITenantContext"/> and encrypting with the app's
    /// <see cref="ISensitiveTextProtector"/> (when one is registered). The options are built once.
    /// <para>
    /// With <paramref name="pooled"/>, contexts are taken from a pool and given back when the scope ends, which saves
    /// setting up EF Core's services for every request. A pooled context carries no one's state from one lease to the
    /// next: it is given the scope's tenant before any use (<see cref="AllianceDbContext.Lease"/>), and when it is given
    /// back it works for no one and holds nothing queued, while EF Core empties its change tracker and closes its
    /// connection and any transaction left open.
    /// </para>
    /// </summary>
    public static IServiceCollection AddAllianceDbContext(this IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure, bool pooled = false)
    {
        ArgumentNullException.ThrowIfNull(configure);
        // The context's own registration comes first: AddDbContext adds one only when there is none.
        if (pooled)
        {
            services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AllianceDbContext>>().CreateDbContext()
                .Lease(sp.GetRequiredService<ITenantContext>(), sp.GetService<ISensitiveTextProtector>()));
            services.AddPooledDbContextFactory<AllianceDbContext>(configure);
        }
        else
        {
            services.AddScoped(sp => AllianceDbContext.Create(sp.GetRequiredService<DbContextOptions<AllianceDbContext>>(),
                sp.GetRequiredService<ITenantContext>(), sp.GetService<ISensitiveTextProtector>()));
            services.AddDbContext<AllianceDbContext>(configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        }
        return services;
    }
}
