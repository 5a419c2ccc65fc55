using Alliance.Domain;
using Alliance.Web.Features.Api;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Admin;

/// <summary>The agency's staff: accounts, roles, set-password links.</summary>
public sealed class StaffModel(AgencyAdministration admin) : AlliancePage
{
    public sealed class InputModel
    {
        public string Email { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public List<string> Roles { get; set; } = [StaffRoles.Therapist];
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public IReadOnlyList<StaffView> Staff { get; private set; } = [];
    public Uri? IssuedLink { get; private set; }
    public string? IssuedFor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Staff = await admin.ListStaffAsync(Actor, ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        CreatedStaff? created = null;
        if (await TryAsync(async () => created = await admin.CreateStaffAsync(Actor, new CreateStaffCommand(Input.Email, Input.DisplayName, Input.Roles), ApiEndpoints.BaseAddress(Request), ct)))
        {
            IssuedLink = created!.SetPasswordLink;
            IssuedFor = Input.DisplayName.Trim();
            Input = new InputModel();
        }
        Staff = await admin.ListStaffAsync(Actor, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostLinkAsync(Guid staffId, CancellationToken ct)
    {
        IssuedLink = await admin.ReissueLinkAsync(Actor, staffId, ApiEndpoints.BaseAddress(Request), ct);
        Staff = await admin.ListStaffAsync(Actor, ct);
        IssuedFor = Staff.Single(s => s.Id == staffId).DisplayName;
        return Page();
    }

    public async Task<IActionResult> OnPostRolesAsync(Guid staffId, List<string> roles, CancellationToken ct)
    {
        if (await TryAsync(() => admin.UpdateStaffAsync(Actor, staffId, new UpdateStaffCommand(roles, null), ct), null))
        {
            Flash("Roles updated.");
            return RedirectToPage();
        }
        Staff = await admin.ListStaffAsync(Actor, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostActiveAsync(Guid staffId, bool active, CancellationToken ct)
    {
        if (await TryAsync(() => admin.UpdateStaffAsync(Actor, staffId, new UpdateStaffCommand(null, active), ct), null))
        {
            Flash(active ? "The account is switched on." : "The account is switched off and signed out everywhere.");
            return RedirectToPage();
        }
        Staff = await admin.ListStaffAsync(Actor, ct);
        return Page();
    }
}
