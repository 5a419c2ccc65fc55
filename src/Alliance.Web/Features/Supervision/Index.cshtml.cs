using Alliance.Application;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Supervision;

/// <summary>A supervisor's view: each current supervisee's caseload, and nobody else's.</summary>
public sealed class IndexModel(GetCaseload caseloads, Alliance.Data.AllianceDbContext db, Alerts.AlertWork alerts, Alliance.Application.Feedback.FeedbackConsistencyReport consistency) : AlliancePage
{
    public IReadOnlyList<CaseloadTable> Supervisees { get; private set; } = [];
    public IReadOnlyList<Alerts.AlertView> OpenAlerts { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;
    public IReadOnlyDictionary<Guid, Alliance.Application.Feedback.FeedbackConsistency> Consistency { get; private set; } = new Dictionary<Guid, Alliance.Application.Feedback.FeedbackConsistency>();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var ids = await db.VisibleTherapists(Actor).Where(id => id != Actor.StaffId).ToListAsync(ct);
        var tables = new List<CaseloadTable>();
        foreach (var id in ids)
            tables.Add(await CaseloadTable.ForAsync(db, Actor, await caseloads.HandleAsync(Actor, new CaseloadQuery(id), ct), ct));
        OpenAlerts = await alerts.OpenForSupervisorAsync(Actor, ct);
        Consistency = await consistency.ForTherapistsAsync(ids, ct);
        Time = new LocalTime((await Cases.CaseLoading.LoadAgencyAsync(db, Actor, ct)).TimeZoneId);
        Supervisees = tables.OrderBy(t => t.Caseload.Therapist, StringComparer.CurrentCulture).ToList();
    }
}
