using Alliance.Application;
using Alliance.Application.Boundaries;
using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Boundaries;

/// <summary>Reporting an incident, by any member of staff: from a family's page or on its own.</summary>
public sealed class ReportModel(IncidentWork incidents, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public sealed class ReportInput
    {
        public Guid? CaseId { get; set; }
        public Guid? ConcernsStaffId { get; set; }
        public IncidentCategory? Category { get; set; }
        public string Narrative { get; set; } = "";
    }

    [BindProperty] public ReportInput Input { get; set; } = new();
    public IReadOnlyList<(Guid Id, string Name)> Cases { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Staff { get; private set; } = [];

    public async Task OnGetAsync(Guid? caseId, CancellationToken ct)
    {
        Input.CaseId = caseId;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Input.Category is not { } category)
        {
            ModelState.AddModelError("Input.Category", "Choose what kind of event this was.");
            return Page();
        }
        Guid id = default;
        if (await TryAsync(async () => id = await incidents.ReportAsync(Actor, new ReportIncidentCommand(Input.CaseId, Input.ConcernsStaffId, category, Input.Narrative), ct)))
        {
            Flash("Your report was recorded, and the supervisor has been told.");
            return Redirect($"/incidents/{id}");
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Cases = (await db.VisibleCases(Actor).OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct)).Select(c => (c.Id, c.Name)).ToList();
        Staff = (await db.Users.Where(u => u.AgencyId == Actor.AgencyId && u.IsActive && u.Id != Actor.StaffId).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName)).ToList();
    }
}
