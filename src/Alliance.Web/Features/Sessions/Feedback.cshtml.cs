using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Sessions;

/// <summary>
/// The feedback view of a session, to go through with the family on a shared screen; the therapist records there
/// whether it was discussed.
/// </summary>
public sealed class FeedbackModel(SessionFeedback feedback) : AlliancePage
{
    [FromRoute] public Guid SessionId { get; set; }
    public SessionFeedbackView View { get; private set; } = null!;
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(bool? discussed, CancellationToken ct)
    {
        if (discussed is not { } value)
        {
            await LoadAsync(ct);
            ModelState.AddModelError(string.Empty, "Choose whether the feedback was discussed.");
            return Page();
        }
        if (await TryAsync(() => feedback.RecordAsync(Actor, new RecordFeedbackCommand(SessionId, value), ct), prefix: null))
        {
            Flash(value ? "Recorded: the feedback was discussed with the family." : "Recorded: the feedback was not discussed this time.");
            return Redirect($"/sessions/{SessionId}/feedback");
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        View = await feedback.GetAsync(Actor, SessionId, ct);
        Time = new LocalTime(View.TimeZoneId);
    }
}
