using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Sessions;

/// <summary>Plans a session for a family, in the agency's local time.</summary>
public sealed class ScheduleModel(GetCase getCase, SessionWork sessions, TimeProvider clock) : AlliancePage
{
    public sealed class InputModel
    {
        public DateTime? ScheduledStart { get; set; }
        public int ScheduledMinutes { get; set; } = 60;
    }

    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public InputModel Input { get; set; } = new();
    public CaseDetails Case { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var time = new LocalTime(Case.TimeZoneId);
        var tomorrow = time.Of(clock.GetUtcNow().UtcDateTime).Date.AddDays(1).AddHours(10);
        Input.ScheduledStart ??= tomorrow;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Input.ScheduledStart is not { } local)
        {
            ModelState.AddModelError("Input.ScheduledStart", "Choose the date and time of the session.");
            return Page();
        }
        var utc = new LocalTime(Case.TimeZoneId).ToUtc(local);
        if (await TryAsync(() => sessions.HandleAsync(Actor, new ScheduleSessionCommand(Id, utc, Input.ScheduledMinutes), ct)))
        {
            Flash("The session is scheduled.");
            return Redirect($"/cases/{Id}");
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) => Case = await getCase.HandleAsync(Actor, Id, ct);
}
