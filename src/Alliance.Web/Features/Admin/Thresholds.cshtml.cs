using Alliance.Application.Feedback;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Admin;

/// <summary>The agency's thresholds for the feedback rules: each number with its default and source, changed with a reason.</summary>
public sealed class ThresholdsModel(ThresholdsWork thresholds) : AlliancePage
{
    [BindProperty] public string? Reason { get; set; }
    public ThresholdsView View { get; private set; } = null!;

    /// <summary>What the form shows per setting key: the value in force, or what the admin typed.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Problems per setting key (and <c>reason</c>; the empty key for the whole form).</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public async Task OnGetAsync(CancellationToken ct)
    {
        View = await thresholds.GetAsync(Actor, ct);
        foreach (var row in View.Rows) Values[row.Setting.Key] = row.Value;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var form = RuleSettings.All.ToDictionary(s => s.Key,
            s => (IReadOnlyList<string>)(Request.Form.TryGetValue(s.Key, out var v) ? v.Where(x => x is not null).Select(x => x!).ToList() : []),
            StringComparer.Ordinal);
        var problems = await thresholds.ChangeAsync(Actor, form, Reason, ct);
        if (problems.Count == 0)
        {
            Flash("Thresholds saved. They apply from now on; alerts raised before keep their status.");
            return RedirectToPage();
        }
        View = await thresholds.GetAsync(Actor, ct);
        foreach (var (key, values) in form) Values[key] = string.Join(' ', values);
        foreach (var p in problems)
        {
            Errors.TryAdd(p.Key, p.Message);
            ModelState.AddModelError(p.Key, p.Message);
        }
        return Page();
    }
}
