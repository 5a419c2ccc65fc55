using System.Globalization;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alliance.Web.Features.Process;

/// <summary>The family's goals in their words, how important each is to each member, and the plan.</summary>
public sealed class GoalsModel(GetProcess getProcess, ProcessWork work) : AlliancePage
{
    public sealed class PlanInput
    {
        public int IntervalDays { get; set; } = 7;
        public int SessionMinutes { get; set; } = 60;
        public int? Sessions { get; set; }
    }

    /// <summary>The form field for one goal and one member.</summary>
    public static string ImportanceField(Guid goalId, Guid memberId) => $"importance:{goalId}:{memberId}";

    [FromRoute] public Guid CaseId { get; set; }
    public string GoalText { get; set; } = "";
    public PlanInput Plan { get; set; } = new();
    public CaseProcess Process { get; private set; } = null!;
    public bool ReadOnly => Process.Episode.Phase == Alliance.Domain.EpisodePhase.Closed;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var e = Process.Episode;
        if (e.HasPlan) Plan = new PlanInput { IntervalDays = e.PlanIntervalDays!.Value, SessionMinutes = e.PlanSessionMinutes!.Value, Sessions = e.PlanSessions };
    }

    public async Task<IActionResult> OnPostGoalAsync(string goalText, CancellationToken ct)
    {
        GoalText = goalText ?? "";
        if (await TryAsync(() => work.AddGoalAsync(Actor, CaseId, GoalText, ct), "GoalText"))
            return Done("The goal is added. Ask each member how important it is to them.");
        return await AgainAsync(ct);
    }

    public async Task<IActionResult> OnPostImportanceAsync(CancellationToken ct)
    {
        var values = new Dictionary<(Guid, Guid), int>();
        foreach (var (key, value) in Request.Form)
        {
            var parts = key.Split(':');
            if (parts.Length == 3 && parts[0] == "importance" && Guid.TryParse(parts[1], out var goal) && Guid.TryParse(parts[2], out var member)
                && int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                values[(goal, member)] = n;
        }
        if (await TryAsync(() => work.RateGoalsAsync(Actor, CaseId, values, ct), prefix: null))
            return Done("How much each goal matters to each member is saved.");
        return await AgainAsync(ct);
    }

    public async Task<IActionResult> OnPostPlanAsync([FromForm(Name = "Plan")] PlanInput input, CancellationToken ct)
    {
        Plan = input;
        if (await TryAsync(() => work.HandleAsync(Actor, new PlanCommand(CaseId, input.IntervalDays, input.SessionMinutes, input.Sessions), ct), "Plan"))
            return Done("The plan is saved.");
        return await AgainAsync(ct);
    }

    private RedirectResult Done(string message)
    {
        Flash(message);
        return Redirect($"/cases/{CaseId}/goals");
    }

    private async Task<PageResult> AgainAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) => Process = await getProcess.HandleAsync(Actor, CaseId, ct);
}
