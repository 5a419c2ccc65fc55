using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Alerts;

/// <summary>
/// High-severity alerts not acknowledged within two working days (the agency's working days;
/// <c>Alerts:EscalateAfterWorkingDays</c>) are escalated to the supervisor of the case's therapist: a notice in their
/// inbox, once. On PostgreSQL the sweep runs under an advisory lock, so several web nodes escalate each alert once.
/// </summary>
public sealed partial class AlertEscalation(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<AlertEscalation> log) : BackgroundService
{
    private const long LockKey = 0x416c_6572_7473; // "Alerts"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(configuration.GetValue("Alerts:EscalationSweepSeconds", 300));
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            // The first sweep waits one interval: nodes that start together need not all sweep at once.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await SweepAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { SweepFailed(log, e.GetType().Name); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>Escalates every overdue alert; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        // A write like the answers': on SQLite it takes its turn on the writer thread (SqliteWriterTurns) rather than
        // holding SQLite's write lock from beside it while the answers' writes wait in their busy handlers; a background
        // one, which does not take the CPU from the requests.
        using var background = SqliteWriterTurns.Background();
        return await SqliteWriterTurns.RunAsync(db.Database, async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.ProviderName == AllianceDbContext.PostgresProvider)
            {
                var got = await db.Database.SqlQueryRaw<bool>("SELECT pg_try_advisory_xact_lock({0}) AS \"Value\"", LockKey).SingleAsync(ct);
                if (!got) return 0;
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var workingDays = configuration.GetValue("Alerts:EscalateAfterWorkingDays", 2);
            var candidates = await db.Alerts.Where(a => a.Status == AlertStatus.Open && a.Severity == "high" && a.EscalatedAt == null)
                .OrderBy(a => a.CreatedAt).Take(500).ToListAsync(ct);
            var escalated = 0;
            foreach (var group in candidates.GroupBy(a => a.AgencyId))
            {
                var agency = await db.AgencyAsync(group.Key, ct);
                foreach (var alert in group)
                {
                    if (WorkingDaysBetween(agency, alert.CreatedAt, now) < workingDays) continue;
                    var c = await db.Cases.SingleAsync(x => x.Id == alert.CaseId, ct);
                    var supervisors = await db.SupervisionLines
                        .Where(l => l.AgencyId == agency.Id && l.EndedAt == null && (l.SuperviseeId == c.PrimaryTherapistId || l.SuperviseeId == c.CoTherapistId))
                        .Select(l => l.SupervisorId).Distinct().ToListAsync(ct);
                    foreach (var supervisor in supervisors)
                        db.Notifications.Add(new Notification(agency.Id, supervisor, "escalation",
                            $"Not acknowledged for {workingDays} working days — {c.Name}: {alert.Message}", c.Id, now));
                    alert.MarkEscalated(now);
                    escalated++;
                }
            }
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return escalated;
        }, ct);
    }

    /// <summary>Whole working days (the agency's days, in its time zone) that have passed since the instant.</summary>
    internal static int WorkingDaysBetween(Agency agency, DateTime fromUtc, DateTime nowUtc)
    {
        var from = agency.ToLocal(fromUtc);
        var now = agency.ToLocal(nowUtc);
        var days = 0;
        // A working day counts once the same time of day has come round on it (raised Friday 10:00: Monday 10:00 is one).
        for (var d = from.Date.AddDays(1); d <= now.Date; d = d.AddDays(1))
            if (agency.WorkingDays.Contains(d.DayOfWeek) && (d < now.Date || now.TimeOfDay >= from.TimeOfDay))
                days++;
        return days;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "The alert escalation sweep failed ({ExceptionType}); it runs again at the next tick")]
    private static partial void SweepFailed(ILogger logger, string exceptionType);
}
