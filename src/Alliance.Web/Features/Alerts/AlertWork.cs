using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Alerts;

/// <summary>An alert as a clinician reads it.</summary>
public sealed record AlertView(Guid Id, Guid CaseId, string CaseName, Guid? MemberId, string? Member, int? SessionNumber, string Kind, string Severity,
    string? Instrument, string EvidenceJson, string Message, string ConsiderNext, AlertStatus Status, DateTime CreatedAt,
    DateTime? AcknowledgedAt, string? ResolutionNote, DateTime? EscalatedAt);

/// <summary>Resolving an alert: what was done.</summary>
public sealed record ResolveAlertRequest(string Note);

/// <summary>Reading and acting on alerts; access follows the care relationship of the alert's case.</summary>
public sealed class AlertWork(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The case's alerts, active ones first, newest first.</summary>
    public async Task<IReadOnlyList<AlertView>> ForCaseAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        if (!await db.VisibleCases(actor).AnyAsync(c => c.Id == caseId, ct)) throw new NotFoundException();
        return await ViewsAsync(db.Alerts.Where(a => a.CaseId == caseId), ct);
    }

    /// <summary>Open alerts across the supervisor's supervisees (and their own cases), oldest first.</summary>
    public async Task<IReadOnlyList<AlertView>> OpenForSupervisorAsync(Actor actor, CancellationToken ct)
    {
        var cases = db.VisibleCases(actor).Select(c => c.Id);
        var views = await ViewsAsync(db.Alerts.Where(a => cases.Contains(a.CaseId) && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged) && a.Severity != "good"), ct);
        return views.OrderBy(v => v.CreatedAt).ToList();
    }

    /// <summary>Counts of active alerts that ask for attention (high and medium) per case.</summary>
    public async Task<Dictionary<Guid, (int High, int Medium)>> BadgesAsync(IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        var rows = await db.Alerts
            .Where(a => caseIds.Contains(a.CaseId) && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged) && (a.Severity == "high" || a.Severity == "medium"))
            .GroupBy(a => new { a.CaseId, a.Severity })
            .Select(g => new { g.Key.CaseId, g.Key.Severity, Count = g.Count() })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.CaseId).ToDictionary(g => g.Key,
            g => (g.Where(r => r.Severity == "high").Sum(r => r.Count), g.Where(r => r.Severity == "medium").Sum(r => r.Count)));
    }

    public async Task AcknowledgeAsync(Actor actor, Guid alertId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var alert = await LoadAsync(actor, alertId, ct);
        alert.Acknowledge(actor.StaffId, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    public async Task ResolveAsync(Actor actor, Guid alertId, string note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var alert = await LoadAsync(actor, alertId, ct);
        alert.Resolve(actor.StaffId, note, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    private async Task<Alert> LoadAsync(Actor actor, Guid alertId, CancellationToken ct)
    {
        var cases = db.VisibleCases(actor, CasePurpose.Write).Select(c => c.Id);
        return await db.Alerts.SingleOrDefaultAsync(a => a.Id == alertId && cases.Contains(a.CaseId), ct) ?? throw new NotFoundException();
    }

    private async Task<List<AlertView>> ViewsAsync(IQueryable<Alert> alerts, CancellationToken ct)
    {
        var rows = await alerts
            .Join(db.Cases, a => a.CaseId, c => c.Id, (a, c) => new { a, CaseName = c.Name })
            .OrderByDescending(x => x.a.CreatedAt).Take(500)
            .ToListAsync(ct);
        var memberIds = rows.Where(r => r.a.MemberId != null).Select(r => r.a.MemberId!.Value).Distinct().ToList();
        var names = await db.Members.Where(m => memberIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.DisplayName, ct);
        static int Rank(Alert a) => a.IsActive ? 0 : 1;
        return rows.OrderBy(r => Rank(r.a)).ThenByDescending(r => r.a.CreatedAt)
            .Select(r => new AlertView(r.a.Id, r.a.CaseId, r.CaseName, r.a.MemberId, r.a.MemberId is { } m ? names.GetValueOrDefault(m) : null,
                r.a.SessionNumber, r.a.Kind, r.a.Severity, r.a.Instrument, r.a.EvidenceJson, r.a.Message, r.a.ConsiderNext, r.a.Status,
                r.a.CreatedAt, r.a.AcknowledgedAt, r.a.ResolutionNote, r.a.EscalatedAt))
            .ToList();
    }
}
