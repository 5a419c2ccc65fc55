using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Admin;

/// <summary>Who supervises whom.</summary>
public sealed class SupervisionModel(AgencyAdministration admin) : AlliancePage
{
    public sealed class InputModel
    {
        public Guid SupervisorId { get; set; }
        public Guid SuperviseeId { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public IReadOnlyList<SupervisionView> Lines { get; private set; } = [];
    public IReadOnlyList<StaffView> Staff { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (await TryAsync(() => admin.AddSupervisionAsync(Actor, new AddSupervisionCommand(Input.SupervisorId, Input.SuperviseeId), ct)))
        {
            Flash("Supervision line added.");
            return RedirectToPage();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEndAsync(Guid lineId, CancellationToken ct)
    {
        await admin.EndSupervisionAsync(Actor, lineId, ct);
        Flash("Supervision line ended. Its history is kept.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Lines = await admin.ListSupervisionAsync(Actor, ct);
        Staff = (await admin.ListStaffAsync(Actor, ct)).Where(s => s.IsActive).ToList();
    }
}
