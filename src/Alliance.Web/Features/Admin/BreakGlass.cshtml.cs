using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Admin;

/// <summary>The admin's emergency access to one case, documented.</summary>
public sealed class BreakGlassModel(BreakGlass breakGlass) : AlliancePage
{
    public sealed class InputModel
    {
        public string? Name { get; set; }
        public string Reason { get; set; } = "";
        public Guid? CaseId { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public IReadOnlyList<BreakGlassCandidate> Candidates { get; private set; } = [];

    public void OnGet() { }

    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        await TryAsync(async () => Candidates = await breakGlass.FindAsync(Actor, Input.Name, ct));
        if (Candidates.Count == 0 && ModelState.IsValid)
            ModelState.AddModelError("Input.Name", "No family of this agency has a name like that.");
        return Page();
    }

    public async Task<IActionResult> OnPostOpenAsync(CancellationToken ct)
    {
        BreakGlassResult? result = null;
        if (Input.CaseId is { } id && await TryAsync(async () => result = await breakGlass.GrantAsync(Actor, new BreakGlassCommand(id, Input.Reason), ct)))
            return Redirect($"/cases/{result!.CaseId}");
        await TryAsync(async () => Candidates = await breakGlass.FindAsync(Actor, Input.Name, ct), null);
        return Page();
    }
}
