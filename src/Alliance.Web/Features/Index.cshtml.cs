using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features;

/// <summary>The start page: a therapist's caseload. Supervisors and admins without a caseload go to their own start.</summary>
public sealed class IndexModel(GetCaseload caseload, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    [BindProperty(SupportsGet = true, Name = "closed")] public bool IncludeClosed { get; set; }
    public CaseloadView Caseload { get; private set; } = null!;
    public CaseloadTable Table { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!Actor.IsTherapist)
            return Redirect(Actor.IsSupervisor ? "/supervision" : "/admin/staff");
        Caseload = await caseload.HandleAsync(Actor, new CaseloadQuery(null, IncludeClosed), ct);
        Table = await CaseloadTable.ForAsync(db, Actor, Caseload, ct);
        return Page();
    }
}
