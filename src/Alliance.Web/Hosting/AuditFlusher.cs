using Alliance.Application.Auditing;
using Alliance.Data;
using Alliance.Web.Security;

namespace Alliance.Web.Hosting;

/// <summary>
/// Writes buffered reads to the audit trail four times a second, and everything left when the host stops. A tick writes
/// the reads that were waiting when it began, in one transaction (more only for a backlog beyond a batch): under load
/// new reads arrive while it writes, and going on until none waited kept the writer committing back to back (about 27
/// times a second in the load proof). Every commit makes every other SQLite connection read its pages again.
/// </summary>
internal sealed partial class AuditFlusher(AuditReads reads, IServiceScopeFactory scopes, ISensitiveTextProtector protector, ILogger<AuditFlusher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Keeps the key ring fresh from here, so a new key is never first written inside a request's transaction.
                protector.Protect(string.Empty);
                await FlushAsync(reads.Pending, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // At the stop, everything left is written, however much.
        while (reads.Pending > 0)
            if (await FlushAsync(reads.Pending, CancellationToken.None) == 0) return;
    }

    /// <summary>Writes the oldest <paramref name="due"/> reads (fewer if fewer wait); returns how many were written.</summary>
    internal async Task<int> FlushAsync(int due, CancellationToken ct)
    {
        var written = 0;
        while (written < due)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
                var flushed = await reads.FlushAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), due - written, ct);
                if (flushed == 0) break;
                written += flushed;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                FlushFailed(log, e.GetType().Name);
                break;
            }
        }
        return written;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Audit reads could not be written yet ({ExceptionType}); they are kept for the next try")]
    private static partial void FlushFailed(ILogger logger, string exceptionType);
}
