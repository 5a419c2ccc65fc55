using Alliance.Application;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Supervision;

/// <summary>A supervisor's view: each current supervisee's caseload, and nobody else's.</summary>
public sealed class IndexModel(GetCaseload caseloads, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public IReadOnlyList<CaseloadTable> Supervisees { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var ids = await db.VisibleTherapists(Actor).Where(id => id != Actor.StaffId).ToListAsync(ct);
        var tables = new List<CaseloadTable>();
        foreach (var id in ids)
            tables.Add(await CaseloadTable.ForAsync(db, Actor, await caseloads.HandleAsync(Actor, new CaseloadQuery(id), ct), ct));
        Supervisees = tables.OrderBy(t => t.Caseload.Therapist, StringComparer.CurrentCulture).ToList();
    }
}
