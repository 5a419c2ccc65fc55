using Alliance.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Alliance.Web.Hosting;

/// <summary>Healthy once the database answers.</summary>
internal sealed class DatabaseHealthCheck(AllianceDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
