using Alliance.Application.Boundaries;
using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Boundaries;

/// <summary>The private monthly self-check, and the one-step request for assistance when a family keeps coming up.</summary>
[Authorize(Policy = AllianceApp.Policies.Clinician)]
public sealed class SelfCheckModel(SelfCheckWork selfChecks, AssistanceWork assistance, Scores.EmpathyScores empathy) : AlliancePage
{
    /// <summary>What the one-step request says; the therapist can add more in supervision.</summary>
    public const string PatternRequest = "This family keeps coming up in my monthly self-checks. I would like to talk it through with you.";

    public sealed class AnswerInput
    {
        public Guid CaseId { get; set; }
        public bool SharedOwnTroubles { get; set; }
        public bool Appearance { get; set; }
        public bool OutsideThoughts { get; set; }
        public bool ExtraTime { get; set; }
        public string? Note { get; set; }
    }

    [BindProperty] public List<AnswerInput> Answers { get; set; } = [];
    public SelfCheckForm Form { get; private set; } = null!;

    /// <summary>The latest sessions at which an observer rated the therapist's empathy behaviours, beside their own rating.</summary>
    public IReadOnlyList<Scores.EmpathyRow> Observed { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Form = await selfChecks.FormAsync(Actor, ct);
        Observed = (await empathy.HandleAsync(Actor, Actor.StaffId, ct)).Rows.Where(r => r.Observer is not null).TakeLast(3).Reverse().ToList();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await TryAsync(() => selfChecks.SaveAsync(Actor, Answers.Select(a => new SelfCheckCaseAnswer(a.CaseId, a.SharedOwnTroubles, a.Appearance, a.OutsideThoughts, a.ExtraTime, a.Note)).ToList(), ct), ""))
        {
            Flash("Your self-check for this month is saved. Only you can read it.");
            return RedirectToPage();
        }
        Form = await selfChecks.FormAsync(Actor, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAskAsync(Guid caseId, CancellationToken ct)
    {
        if (await TryAsync(() => assistance.AskAsync(Actor, new AskForAssistanceCommand(caseId, PatternRequest), ct), ""))
        {
            Flash("Your supervisor has your request. Their answer will reach your inbox.");
            return RedirectToPage();
        }
        Form = await selfChecks.FormAsync(Actor, ct);
        return Page();
    }
}
