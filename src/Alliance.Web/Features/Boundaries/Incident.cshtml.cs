using Alliance.Application.Boundaries;
using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Boundaries;

/// <summary>One incident: what was reported, everything appended, and the supervisor's response and closing.</summary>
public sealed class IncidentModel(IncidentWork incidents, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    [FromRoute] public Guid IncidentId { get; set; }
    public IncidentDetails Incident { get; private set; } = null!;
    public LocalTime Time { get; private set; } = null!;
    public string? Text { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostFollowUpAsync(string text, CancellationToken ct) =>
        RunAsync(() => incidents.AppendAsync(Actor, IncidentId, IncidentEntryKind.FollowUp, new IncidentTextCommand(text), ct), "Your follow-up was added.", text, ct);

    public Task<IActionResult> OnPostCorrectionAsync(string text, CancellationToken ct) =>
        RunAsync(() => incidents.AppendAsync(Actor, IncidentId, IncidentEntryKind.Correction, new IncidentTextCommand(text), ct), "Your correction was added; the earlier words stay beside it.", text, ct);

    public Task<IActionResult> OnPostRespondAsync(string text, CancellationToken ct) =>
        RunAsync(() => incidents.RespondAsync(Actor, IncidentId, new IncidentTextCommand(text), ct), "Your response was recorded.", text, ct);

    public Task<IActionResult> OnPostCloseAsync(string text, CancellationToken ct) =>
        RunAsync(() => incidents.CloseAsync(Actor, IncidentId, new IncidentTextCommand(text), ct), "The incident was closed.", text, ct);

    private async Task<IActionResult> RunAsync(Func<Task> work, string done, string text, CancellationToken ct)
    {
        if (await TryAsync(work, ""))
        {
            Flash(done);
            return RedirectToPage(new { IncidentId });
        }
        Text = text;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Incident = await incidents.GetAsync(Actor, IncidentId, ct);
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
