using Alliance.Application.Episodes;
using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Process;

/// <summary>The planned ending: its checklist, and closing the episode with the outcome read from the scores.</summary>
public sealed class EndingModel(GetProcess getProcess, ProcessWork work) : AlliancePage
{
    public sealed class PlanInput
    {
        public DateTime? FinalSessionAt { get; set; }
        public bool FinalMeasures { get; set; }
        public string? RelapsePlan { get; set; }
        public DateTime? FollowUpAt { get; set; }
    }

    public sealed class CloseInput
    {
        public bool DroppedOut { get; set; }
        public string Summary { get; set; } = "";
    }

    [FromRoute] public Guid CaseId { get; set; }
    public PlanInput Plan { get; set; } = new() { FinalMeasures = true };
    public CloseInput Closing { get; set; } = new();
    public CaseProcess Process { get; private set; } = null!;
    public EpisodeResult Outcome { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var e = Process.Episode;
        var upcoming = e.Sessions.Where(s => s.Status == SessionStatus.Scheduled).OrderBy(s => s.StartsAt).LastOrDefault();
        var final = e.FinalSessionAt ?? upcoming?.StartsAt;
        Plan = new PlanInput
        {
            FinalSessionAt = final is { } f ? Process.Time.Of(f) : null,
            FinalMeasures = e.FinalSessionAt is null || e.FinalMeasuresPlanned,
            RelapsePlan = e.RelapsePlan,
            FollowUpAt = e.FollowUpAt is { } u ? Process.Time.Of(u) : null,
        };
    }

    public async Task<IActionResult> OnPostPlanAsync([FromForm(Name = "Plan")] PlanInput input, CancellationToken ct)
    {
        Plan = input;
        await LoadAsync(ct);
        var checklist = new EndingChecklist(
            input.FinalSessionAt is { } f ? Process.Time.ToUtc(f) : null,
            input.FinalMeasures,
            input.RelapsePlan,
            input.FollowUpAt is { } u ? Process.Time.ToUtc(u) : null);
        if (await TryAsync(() => work.PlanEndingAsync(Actor, CaseId, checklist, ct), "Plan"))
        {
            Flash("The ending is planned.");
            return Redirect($"/cases/{CaseId}");
        }
        return Page();
    }

    public async Task<IActionResult> OnPostCloseAsync([FromForm(Name = "Closing")] CloseInput input, CancellationToken ct)
    {
        Closing = input;
        var outcome = EpisodeOutcome.NotMeasured;
        if (await TryAsync(async () => outcome = await work.HandleAsync(Actor, new CloseEpisodeCommand(CaseId, input.DroppedOut, input.Summary), ct), "Closing"))
        {
            Flash($"The episode is closed: {ProcessGuide.Describe(outcome)}.");
            return Redirect($"/cases/{CaseId}");
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Process = await getProcess.HandleAsync(Actor, CaseId, ct);
        Outcome = await work.PreviewOutcomeAsync(Process.Case, ct);
    }
}
