using Alliance.Application.Boundaries;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Admin;

/// <summary>The agency's numbers for the boundary detectors, and the referral attributes it records at intake.</summary>
public sealed class BoundariesModel(BoundarySettingsWork settings, IntakeWork intake) : AlliancePage
{
    [BindProperty] public BoundarySettingsView Input { get; set; } = null!;
    public IReadOnlyList<ReferralFieldView> Fields { get; private set; } = [];
    public string? FieldName { get; private set; }
    public string? FieldValues { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(true, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ModelState.IsValid && await TryAsync(() => settings.ChangeAsync(Actor, Input, ct)))
        {
            Flash("The boundary settings were changed. The change is in the audit trail.");
            return RedirectToPage();
        }
        await LoadAsync(false, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostFieldAsync(string? name, string? values, CancellationToken ct)
    {
        var list = (values ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (await TryAsync(() => intake.DefineAsync(Actor, new DefineReferralFieldCommand(name ?? "", list), ct), "Field"))
        {
            Flash("The attribute was added; therapists record it with each referral from now on.");
            return RedirectToPage();
        }
        (FieldName, FieldValues) = (name, values);
        await LoadAsync(true, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRetireAsync(Guid fieldId, CancellationToken ct)
    {
        await intake.RetireAsync(Actor, fieldId, ct);
        Flash("The attribute is no longer recorded; its past values stay.");
        return RedirectToPage();
    }

    private async Task LoadAsync(bool reset, CancellationToken ct)
    {
        if (reset) Input = await settings.GetAsync(Actor, ct);
        Fields = await intake.FieldsAsync(Actor, ct);
    }
}
