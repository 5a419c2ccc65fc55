using Alliance.Application.Auditing;
using Alliance.Data;
using Alliance.Web.Security;

namespace Alliance.Web.Hosting;

/// <summary>Writes buffered reads to the audit trail every half second, and once more when the host stops.</summary>
internal sealed partial class AuditFlusher(AuditReads reads, IServiceScopeFactory scopes, ISensitiveTextProtector protector, ILogger<AuditFlusher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Keeps the key ring fresh from here, so a new key is never first written inside a request's transaction.
                protector.Protect(string.Empty);
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    internal async Task FlushAsync(CancellationToken ct)
    {
        while (reads.Pending > 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
                if (await reads.FlushAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), ct) == 0) return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                FlushFailed(log, e.GetType().Name);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Audit reads could not be written yet ({ExceptionType}); they are kept for the next try")]
    private static partial void FlushFailed(ILogger logger, string exceptionType);
}
