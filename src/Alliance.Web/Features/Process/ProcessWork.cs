using Alliance.Application;
using Alliance.Application.Episodes;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Process;

/// <summary>One member's part in an orientation as the therapist records it.</summary>
public sealed record MemberConsentInput(Guid MemberId, bool Present, Guid? ConsentingMemberId, bool Measures, bool Feedback);

/// <summary>The orientation at a first visit (or for a member who joins later): the checklist, the family's agreements and each present member's agreement.</summary>
public sealed record RecordOrientationCommand(Guid CaseId, Guid? SessionId, IReadOnlyCollection<string> TopicsCovered,
    SecretsPolicy SecretsPolicy, string? SecretsRule, YoungPersonSharing YoungPersonSharing, IReadOnlyList<MemberConsentInput> Members);

/// <summary>Goes past a process rule with a recorded reason.</summary>
public sealed record OverrideCommand(Guid CaseId, OverrideScope Scope, Guid? MemberId, string Reason);

/// <summary>The plan of how often and how long sessions are meant to be.</summary>
public sealed record PlanCommand(Guid CaseId, int IntervalDays, int SessionMinutes, int? Sessions);

/// <summary>A review: progress per goal, the decision and a note.</summary>
public sealed record ReviewCommand(Guid CaseId, IReadOnlyDictionary<Guid, int> Progress, ReviewDecision Decision, string? Note);

/// <summary>Closing: dropped out or not, and the summary; the outcome is read from the scores.</summary>
public sealed record CloseEpisodeCommand(Guid CaseId, bool DroppedOut, string Summary);

/// <summary>The steps of the guided process; each loads the case through the care relationship and saves once.</summary>
public sealed class ProcessWork(AllianceDbContext db, OrientationTexts texts, AgencyInstruments instruments, TimeProvider clock)
{
    /// <summary>The parts of the orientation checklist, as the form names them.</summary>
    public static IReadOnlyList<(string Key, string Title)> Topics { get; } =
    [
        ("expectations", "Expectations"),
        ("responsibilities", "Responsibilities"),
        ("roles", "Roles of everyone involved"),
        ("confidentiality", "Confidentiality and its limits"),
        ("measures", "Consent to the questionnaires and the feedback conversation"),
    ];

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<int> HandleAsync(Actor actor, RecordOrientationCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        var missing = Topics.Where(t => !command.TopicsCovered.Contains(t.Key)).Select(t => t.Title).ToList();
        if (missing.Count > 0)
            throw new DomainRuleException("topics", $"Go through every part of the checklist with the family; not yet ticked: {string.Join("; ", missing)}.");
        var present = command.Members.Where(m => m.Present).ToList();
        if (present.Count == 0)
            throw new DomainRuleException("members", "Tick each member who is here and agrees (or, for a child, assents).");
        var text = await texts.CurrentAsync(c.AgencyId, ct).ConfigureAwait(false);
        var episode = c.CurrentEpisode;
        episode.RecordFamilyAgreements(command.SecretsPolicy, command.SecretsRule, command.YoungPersonSharing);
        foreach (var m in present)
        {
            var member = c.Members.FirstOrDefault(x => x.Id == m.MemberId) ?? throw new DomainRuleException("members", "Choose members of this family.");
            episode.RecordAgreement(member, text.Version, m.ConsentingMemberId, m.Measures, m.Feedback, command.SessionId, actor.StaffId, Now);
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return present.Count;
    }

    public async Task HandleAsync(Actor actor, OverrideCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        c.CurrentEpisode.Override(command.Scope, command.MemberId, command.Reason, actor.StaffId, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Begins the active work (every member involved oriented, or the therapist's reason recorded).</summary>
    public async Task BeginAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct).ConfigureAwait(false);
        c.CurrentEpisode.MoveTo(EpisodePhase.Active, actor.StaffId, "Orientation complete; the active work begins", Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public async Task AddGoalAsync(Actor actor, Guid caseId, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct).ConfigureAwait(false);
        c.CurrentEpisode.AddGoal(text, actor.StaffId, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Records how important each goal is to each member who said (an absent value leaves it unsaid).</summary>
    public async Task RateGoalsAsync(Actor actor, Guid caseId, IReadOnlyDictionary<(Guid Goal, Guid Member), int> importance, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(importance);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct).ConfigureAwait(false);
        foreach (var ((goal, member), value) in importance)
            c.CurrentEpisode.RateGoal(goal, member, value, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public async Task HandleAsync(Actor actor, PlanCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        c.CurrentEpisode.SetPlan(command.IntervalDays, command.SessionMinutes, command.Sessions);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public async Task<Review> HandleAsync(Actor actor, ReviewCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        var review = c.CurrentEpisode.RecordReview(command.Progress, command.Decision, command.Note, actor.StaffId, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return review;
    }

    public async Task PlanEndingAsync(Actor actor, Guid caseId, EndingChecklist checklist, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct).ConfigureAwait(false);
        var agency = await db.LoadAgencyAsync(actor, ct).ConfigureAwait(false);
        c.CurrentEpisode.PlanEnding(checklist, agency.OffersFollowUp, actor.StaffId, "Ending planned with the family", Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>What closing now would record: the outcome read from the episode's scores.</summary>
    public async Task<EpisodeResult> PreviewOutcomeAsync(Case c, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        var episode = c.CurrentEpisode;
        var responses = await db.Responses.AsNoTracking()
            .Where(r => r.CaseId == c.Id && r.WithdrawnAt == null && db.Sessions.Any(s => s.Id == r.SessionId && s.EpisodeId == episode.Id))
            .ToListAsync(ct).ConfigureAwait(false);
        var catalog = await instruments.ForAgencyAsync(c.AgencyId, ct).ConfigureAwait(false);
        return EpisodeOutcomes.Compute(episode, responses, catalog);
    }

    public async Task<EpisodeOutcome> HandleAsync(Actor actor, CloseEpisodeCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        var episode = c.CurrentEpisode;
        var result = await PreviewOutcomeAsync(c, ct).ConfigureAwait(false);
        var outcome = episode.Phase == EpisodePhase.Referral ? EpisodeOutcome.NeverStarted
            : command.DroppedOut ? EpisodeOutcome.DroppedOut
            : result.Outcome;
        // Each measured member's change is kept whatever the ending: a family that dropped out may still have changed.
        episode.Close(outcome, outcome == EpisodeOutcome.NeverStarted ? [] : result.Members, command.Summary, actor.StaffId, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return outcome;
    }
}
