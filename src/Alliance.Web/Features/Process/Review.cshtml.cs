using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Process;

/// <summary>A review of the work: progress on each goal, the scores so far, and what happens next.</summary>
public sealed class ReviewModel(GetProcess getProcess, ProcessWork work, Scores.GetScores scores) : AlliancePage
{
    public sealed class InputModel
    {
        public Dictionary<Guid, int> Progress { get; set; } = [];
        public ReviewDecision Decision { get; set; }
        public string? Note { get; set; }
    }

    [FromRoute] public Guid CaseId { get; set; }
    [BindProperty] public InputModel Input { get; set; } = new();
    public CaseProcess Process { get; private set; } = null!;
    public Scores.CaseScores? Scores { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        // Each goal starts where the last review left it.
        var last = Process.Episode.Reviews.MaxBy(r => r.At);
        foreach (var g in Process.Episode.Goals)
            Input.Progress[g.Id] = last?.Progress.FirstOrDefault(p => p.GoalId == g.Id)?.Progress ?? 0;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await TryAsync(() => work.HandleAsync(Actor, new ReviewCommand(CaseId, Input.Progress, Input.Decision, Input.Note), ct)))
        {
            if (Input.Decision == ReviewDecision.PlanEnding)
            {
                Flash("The review is recorded. Now plan the ending with the family.");
                return Redirect($"/cases/{CaseId}/ending");
            }
            Flash("The review is recorded.");
            return Redirect($"/cases/{CaseId}");
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Process = await getProcess.HandleAsync(Actor, CaseId, ct);
        Scores = await scores.ForCaseAsync(Process.Case, Process.Agency.TimeZoneId, null, ct);
    }
}
