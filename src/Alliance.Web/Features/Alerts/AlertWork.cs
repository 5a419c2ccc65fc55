using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Alliance.Web.Features.Cases;
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
        if (!await db.CanSeeAsync(actor, caseId, ct)) throw new NotFoundException();
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

    public Task AcknowledgeAsync(Actor actor, Guid alertId, CancellationToken ct) => AcknowledgeAsync(actor, [alertId], ct);

    /// <summary>Acknowledges the alerts together (one save): all of them, or none when any is not the actor's to change.</summary>
    public async Task AcknowledgeAsync(Actor actor, IReadOnlyCollection<Guid> alertIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var alert in await LoadAsync(actor, alertIds, ct))
            alert.Acknowledge(actor.StaffId, now);
        await db.SaveChangesAsync(ct);
    }

    public Task ResolveAsync(Actor actor, Guid alertId, string note, CancellationToken ct) => ResolveAsync(actor, [alertId], note, ct);

    /// <summary>Resolves the alerts together with one note (one save): all of them, or none when any is not the actor's to change.</summary>
    public async Task ResolveAsync(Actor actor, IReadOnlyCollection<Guid> alertIds, string note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var alert in await LoadAsync(actor, alertIds, ct))
            alert.Resolve(actor.StaffId, note, now);
        await db.SaveChangesAsync(ct);
    }

    private async Task<List<Alert>> LoadAsync(Actor actor, IReadOnlyCollection<Guid> alertIds, CancellationToken ct)
    {
        var ids = alertIds.Distinct().ToList();
        var cases = db.VisibleCases(actor, CasePurpose.Write).Select(c => c.Id);
        var alerts = ids.Count == 0 ? [] : await db.Alerts.Where(a => ids.Contains(a.Id) && cases.Contains(a.CaseId)).ToListAsync(ct);
        return alerts.Count == ids.Count && ids.Count > 0 ? alerts : throw new NotFoundException();
    }

    private async Task<List<AlertView>> ViewsAsync(IQueryable<Alert> alerts, CancellationToken ct)
    {
        var rows = await alerts
            .Join(db.Cases, a => a.CaseId, c => c.Id, (a, c) => new { a, CaseName = c.Name })
            .OrderByDescending(x => x.a.CreatedAt).Take(Cases.GetCase.AlertsShown)
            .ToListAsync(ct);
        var memberIds = rows.Where(r => r.a.MemberId != null).Select(r => r.a.MemberId!.Value).Distinct().ToList();
        var names = memberIds.Count == 0 ? [] : await db.Members.Where(m => memberIds.Contains(m.Id)).Select(m => new { m.Id, m.DisplayName }).ToDictionaryAsync(m => m.Id, m => m.DisplayName, ct);
        return Ordered(rows.Select(r => (r.a, r.CaseName)), names);
    }

    /// <summary>The views of a case's alerts already read with the case (active first, then newest first).</summary>
    public static List<AlertView> ViewsOf(Case c, IEnumerable<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(c);
        return Ordered(alerts.Select(a => (a, c.Name)), c.Members.ToDictionary(m => m.Id, m => m.DisplayName));
    }

    private static List<AlertView> Ordered(IEnumerable<(Alert Alert, string CaseName)> rows, IReadOnlyDictionary<Guid, string> memberNames)
    {
        static int Rank(Alert a) => a.IsActive ? 0 : 1;
        return rows.OrderBy(r => Rank(r.Alert)).ThenByDescending(r => r.Alert.CreatedAt)
            .Select(r => new AlertView(r.Alert.Id, r.Alert.CaseId, r.CaseName, r.Alert.MemberId, r.Alert.MemberId is { } m ? memberNames.GetValueOrDefault(m) : null,
                r.Alert.SessionNumber, r.Alert.Kind, r.Alert.Severity, r.Alert.Instrument, r.Alert.EvidenceJson, r.Alert.Message, r.Alert.ConsiderNext, r.Alert.Status,
                r.Alert.CreatedAt, r.Alert.AcknowledgedAt, r.Alert.ResolutionNote, r.Alert.EscalatedAt))
            .ToList();
    }
}
