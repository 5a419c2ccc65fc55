using Alliance.Application;
using Alliance.Application.Boundaries;
using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Supervision;

/// <summary>An open rupture not yet repaired, on a supervisee's family.</summary>
public sealed record OpenRupture(Guid CaseId, string CaseName, string Therapist, string Message, DateTime Since);

/// <summary>
/// The supervisor's one page for boundary watch: yellow lights by supervisee over the months, open incidents, requests
/// for assistance (answered here), and ruptures not yet repaired.
/// </summary>
public sealed class BoundariesModel(YellowLights lights, IncidentWork incidents, AssistanceWork assistance, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public IReadOnlyList<SuperviseeLights> Supervisees { get; private set; } = [];
    public IReadOnlyList<IncidentSummary> OpenIncidents { get; private set; } = [];
    public IReadOnlyList<AssistanceView> Requests { get; private set; } = [];
    public IReadOnlyList<OpenRupture> Ruptures { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;
    public Guid? AnswerFor { get; private set; }
    public string? AnswerText { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAnswerAsync(Guid requestId, string answer, CancellationToken ct)
    {
        if (await TryAsync(() => assistance.AnswerAsync(Actor, requestId, new AnswerAssistanceCommand(answer), ct), ""))
        {
            Flash("Your answer was sent.");
            return RedirectToPage();
        }
        (AnswerFor, AnswerText) = (requestId, answer);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Supervisees = await lights.BySuperviseeAsync(Actor, 6, ct);
        OpenIncidents = (await incidents.ListAsync(Actor, ct)).Where(i => i.Status == IncidentStatus.Open).ToList();
        Requests = await assistance.ForSupervisorAsync(Actor, ct);
        var staff = await db.StaffNamesAsync(Actor.AgencyId, ct);
        var supervisees = Supervisees.Select(s => s.TherapistId).ToList();
        Ruptures = (await db.Alerts.AsNoTracking()
                .Where(a => (a.Kind == "unrepaired-rupture" || a.Kind == "rupture") && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged))
                .Join(db.VisibleCases(Actor).Where(c => supervisees.Contains(c.PrimaryTherapistId)), a => a.CaseId, c => c.Id,
                    (a, c) => new { c.Id, c.Name, c.PrimaryTherapistId, a.Message, a.CreatedAt })
                .OrderBy(x => x.CreatedAt).Take(200).ToListAsync(ct))
            .Select(x => new OpenRupture(x.Id, x.Name, staff.GetValueOrDefault(x.PrimaryTherapistId, "—"), x.Message, x.CreatedAt)).ToList();
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
