using Alliance.Application;
using Alliance.Application.Boundaries;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Boundaries;

/// <summary>Asking one's supervisor, in one step: about a family (from its page) or about oneself; and the answers.</summary>
[Authorize(Policy = AllianceApp.Policies.Clinician)]
public sealed class AssistanceModel(AssistanceWork assistance, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    [BindProperty(SupportsGet = true)] public Guid? CaseId { get; set; }
    [BindProperty] public string Text { get; set; } = "";
    public string? CaseName { get; private set; }
    public IReadOnlyList<AssistanceView> Requests { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await TryAsync(() => assistance.AskAsync(Actor, new AskForAssistanceCommand(CaseId, Text), ct), ""))
        {
            Flash("Your supervisor has your request. Their answer will reach your inbox and this page.");
            return RedirectToPage(new { caseId = (Guid?)null });
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (CaseId is { } id)
            CaseName = await db.VisibleCases(Actor).Where(c => c.Id == id).Select(c => c.Name).SingleOrDefaultAsync(ct)
                ?? throw new RecordNotFoundException();
        Requests = await assistance.MineAsync(Actor, ct);
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
