namespace Alliance.Domain;

/// <summary>The next thing to do in an episode.</summary>
public enum NextAction
{
    /// <summary>Nothing: the episode is closed.</summary>
    None,
    /// <summary>Book the first visit.</summary>
    ScheduleFirstVisit,
    /// <summary>Hold the first visit that is booked and record it.</summary>
    HoldFirstVisit,
    /// <summary>Go through the orientation with members not yet oriented (or whose agreement is for an older text).</summary>
    Orient,
    /// <summary>Write down the family's goals.</summary>
    RecordGoals,
    /// <summary>Record how often and how long sessions are meant to be.</summary>
    RecordPlan,
    /// <summary>Begin the active work.</summary>
    StartActiveWork,
    /// <summary>Book the next session.</summary>
    ScheduleSession,
    /// <summary>Review the work with the family.</summary>
    Review,
    /// <summary>Plan the ending.</summary>
    PlanEnding,
    /// <summary>Finish the ending checklist.</summary>
    CompleteEndingChecklist,
    /// <summary>Close the episode with its outcome.</summary>
    Close,
}

/// <summary>Whether a step of the process is behind, current or ahead.</summary>
public enum StepState
{
    /// <summary>Behind.</summary>
    Done,
    /// <summary>Where the family is now.</summary>
    Now,
    /// <summary>Still to come.</summary>
    Ahead,
}

/// <summary>One step of the process as the case page shows it.</summary>
public sealed record ProcessStep(EpisodePhase Phase, StepState State, string? Detail);

/// <summary>The next thing to do, in words.</summary>
public sealed record NextStep(NextAction Action, string Text);

/// <summary>Where an episode is in the process, the next thing to do, and what the therapist should not forget.</summary>
public sealed record ProcessView(
    IReadOnlyList<ProcessStep> Steps,
    NextStep Next,
    IReadOnlyList<string> Reminders,
    IReadOnlyList<MemberOrientation> Orientation,
    int? ReviewDueAfter);

/// <summary>What the process asks of the episode, from its own data and the agency's settings.</summary>
/// <param name="CurrentTextVersion">The agency's current orientation text version.</param>
/// <param name="ReviewEverySessions">Sessions between reviews.</param>
/// <param name="OffersFollowUp">Whether the agency offers follow-up after an ending.</param>
/// <param name="TerminationDue">Whether the feedback engine says termination is due (an open termination-due alert).</param>
public sealed record ProcessSettings(int CurrentTextVersion, int ReviewEverySessions, bool OffersFollowUp, bool TerminationDue);

/// <summary>Works out the process view of an episode.</summary>
public static class ProcessGuide
{
    /// <summary>The steps, the next thing to do and the reminders for the episode (loaded with its case, members, sessions and process records).</summary>
    public static ProcessView For(Episode episode, ProcessSettings settings, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(settings);
        var members = episode.Case.Members.OrderBy(m => m.Position).ToList();
        var orientation = members.Select(m => episode.OrientationOf(m.Id, settings.CurrentTextVersion)).ToList();
        var name = members.ToDictionary(m => m.Id, m => m.DisplayName);
        var notOriented = orientation.Where(o => !o.IsOriented).Select(o => name[o.MemberId]).ToList();
        var renewal = orientation.Where(o => o.NeedsRenewal).Select(o => name[o.MemberId]).ToList();
        var oriented = orientation.Where(o => o.IsOriented).Select(o => o.MemberId).ToHashSet();
        var involvedNotOriented = episode.MembersInvolved().Where(m => !oriented.Contains(m.Id)).ToList();
        var reviewDue = episode.ReviewDue(settings.ReviewEverySessions);
        var upcoming = episode.Sessions.Where(s => s.Status == SessionStatus.Scheduled && s.ScheduledStart >= now).OrderBy(s => s.ScheduledStart).FirstOrDefault();

        var reminders = new List<string>();
        if (episode.Phase != EpisodePhase.Closed && members.Count > 0)
        {
            if (notOriented.Count > 0 && episode.Phase != EpisodePhase.Referral)
                reminders.Add($"Not yet oriented: {Words.List(notOriented)}. Go through the orientation with each of them when they first attend.");
            if (renewal.Count > 0)
                reminders.Add($"The agency's orientation text has changed since {Words.List(renewal)} agreed: ask them to agree to the new version.");
            if (episode.Phase == EpisodePhase.Active && !episode.HasPlan)
                reminders.Add("No plan is recorded: how often and how long sessions are meant to be.");
            if (episode.Phase == EpisodePhase.Active && episode.Goals.Count == 0)
                reminders.Add("The family's goals are not written down yet.");
        }

        var next = episode.Phase switch
        {
            EpisodePhase.Closed => new NextStep(NextAction.None, "The episode is closed. If the family comes back, reopen the case."),
            EpisodePhase.Referral when upcoming is null => new NextStep(NextAction.ScheduleFirstVisit, "Book the first visit with the family."),
            EpisodePhase.Referral => new NextStep(NextAction.HoldFirstVisit, "Hold the first visit and record who came."),
            EpisodePhase.FirstVisit when episode.HeldSessions == 0 => new NextStep(NextAction.HoldFirstVisit,
                upcoming is null ? "Book the first visit with the family." : "Hold the first visit, go through the orientation with the family, and record who came."),
            EpisodePhase.FirstVisit when involvedNotOriented.Count > 0 => new NextStep(NextAction.Orient,
                $"Go through the orientation with {Words.List(involvedNotOriented.Select(m => m.DisplayName).ToList())}."),
            EpisodePhase.FirstVisit when episode.Goals.Count == 0 => new NextStep(NextAction.RecordGoals, "Write down the family's goals, in their words, and how important each is to each member."),
            EpisodePhase.FirstVisit when !episode.HasPlan => new NextStep(NextAction.RecordPlan, "Record the plan: how often and how long sessions are meant to be."),
            EpisodePhase.FirstVisit => new NextStep(NextAction.StartActiveWork, "Everyone involved is oriented and the goals and plan are written down: begin the active work."),
            EpisodePhase.Active when settings.TerminationDue => new NextStep(NextAction.PlanEnding,
                "The feedback says termination is due: talk about an ending with the family and plan it."),
            EpisodePhase.Active when reviewDue is { } after => new NextStep(NextAction.Review,
                $"A review is due ({after} sessions held): progress on each goal, the scores so far, and whether to continue, change the approach or plan an ending."),
            EpisodePhase.Active when involvedNotOriented.Count > 0 || renewal.Count > 0 => new NextStep(NextAction.Orient,
                $"Go through the orientation with {Words.List(involvedNotOriented.Select(m => m.DisplayName).Concat(renewal).Distinct().ToList())}."),
            EpisodePhase.Active when upcoming is null => new NextStep(NextAction.ScheduleSession, "Book the next session."),
            EpisodePhase.Active => new NextStep(NextAction.ScheduleSession, "Continue the work at the next session."),
            _ when episode.EndingChecklistGaps(settings.OffersFollowUp) is { Count: > 0 } gaps => new NextStep(NextAction.CompleteEndingChecklist,
                $"Finish the ending checklist: {Words.List(gaps)}."),
            _ => new NextStep(NextAction.Close, "After the final session, close the episode: its outcome is read from the scores."),
        };

        // The next step already names who to orient; the reminder would say it twice.
        if (next.Action == NextAction.Orient)
            reminders.RemoveAll(r => r.StartsWith("Not yet oriented", StringComparison.Ordinal) && notOriented.All(n => next.Text.Contains(n, StringComparison.Ordinal)));

        string? Detail(EpisodePhase p) => p switch
        {
            EpisodePhase.FirstVisit when members.Count > 0 && episode.Phase >= EpisodePhase.FirstVisit => $"{oriented.Count} of {members.Count} oriented",
            EpisodePhase.Active when episode.Reviews.Count > 0 => $"{episode.Reviews.Count} review{(episode.Reviews.Count == 1 ? "" : "s")}",
            EpisodePhase.Active when episode.Phase == EpisodePhase.Active && reviewDue is not null => "review due",
            EpisodePhase.Closed when episode.Outcome is { } o => Describe(o),
            _ => null,
        };
        var steps = Enum.GetValues<EpisodePhase>()
            .Select(p => new ProcessStep(p, p < episode.Phase ? StepState.Done : p == episode.Phase ? StepState.Now : StepState.Ahead, Detail(p)))
            .ToList();
        return new ProcessView(steps, next, reminders, orientation, reviewDue);
    }

    /// <summary>An outcome as a clinician says it.</summary>
    public static string Describe(EpisodeOutcome outcome) => outcome switch
    {
        EpisodeOutcome.Recovered => "recovered",
        EpisodeOutcome.ReliablyImproved => "reliably improved",
        EpisodeOutcome.NoReliableChange => "no reliable change",
        EpisodeOutcome.Deteriorated => "deteriorated",
        EpisodeOutcome.DroppedOut => "dropped out",
        EpisodeOutcome.NotMeasured => "not measured",
        _ => "never started",
    };

    /// <summary>A member's change as a clinician says it.</summary>
    public static string Describe(ChangeOutcome outcome) => outcome switch
    {
        ChangeOutcome.Recovered => "recovered",
        ChangeOutcome.ReliablyImproved => "reliably improved",
        ChangeOutcome.Deteriorated => "deteriorated",
        _ => "no reliable change",
    };

    /// <summary>
    /// The family's outcome from its members' changes: deteriorated when anyone deteriorated (a worsening must never hide
    /// behind others' gains); recovered when every measured member recovered; reliably improved when anyone improved;
    /// otherwise no reliable change; not measured when nobody has two scores.
    /// </summary>
    public static EpisodeOutcome FamilyOutcome(IReadOnlyCollection<ChangeOutcome> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) return EpisodeOutcome.NotMeasured;
        if (members.Contains(ChangeOutcome.Deteriorated)) return EpisodeOutcome.Deteriorated;
        if (members.All(m => m == ChangeOutcome.Recovered)) return EpisodeOutcome.Recovered;
        if (members.Any(m => m is ChangeOutcome.Recovered or ChangeOutcome.ReliablyImproved)) return EpisodeOutcome.ReliablyImproved;
        return EpisodeOutcome.NoReliableChange;
    }
}
