using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Sqlite;
using Alliance.Web.Security;

namespace Alliance.Web.Hosting;

/// <summary>
/// Keeps SQLite's query-planner statistics in step with an agency that grows while the server runs: the start analyses
/// the database (see <see cref="DatabaseSettings.MigrateAsync"/>), and every ten minutes after it SQLite analyses again
/// the tables that need it (<see cref="StatisticsRefresh.Periodic"/>), usually none. A database that was empty at the
/// start gets its statistics within ten minutes of filling. Nothing to do on PostgreSQL.
/// </summary>
internal sealed partial class DatabaseStatistics(IServiceScopeFactory scopes, DatabaseSettings settings, SqliteStatementPool statements, ILogger<DatabaseStatistics> log) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Provider != DatabaseProvider.Sqlite) return;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
                    using var background = SqliteWriterTurns.Background();
                    await DatabaseSettings.RefreshStatisticsAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), StatisticsRefresh.Periodic, stoppingToken);
                    // Statements kept compiled were planned with the statistics before; they are compiled again.
                    statements.Expire();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    RefreshFailed(log, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The database's query statistics could not be refreshed ({ExceptionType}); the next try is in ten minutes")]
    private static partial void RefreshFailed(ILogger logger, string exceptionType);
}
