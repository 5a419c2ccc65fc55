namespace Alliance.Domain;

/// <summary>The guided process of an episode: orientation and consent, goals and plan, reviews, the planned ending and closing.</summary>
public sealed partial class Episode
{
    /// <summary>Most goals an episode keeps (a family with more is usually naming one goal several ways).</summary>
    public const int MaxGoals = 8;

    private readonly List<MemberAgreement> _agreements = [];
    private readonly List<ProcessOverride> _overrides = [];
    private readonly List<Goal> _goals = [];
    private readonly List<Review> _reviews = [];
    private readonly List<MemberOutcome> _memberOutcomes = [];

    /// <summary>The family's secrets policy, once agreed at orientation.</summary>
    public SecretsPolicy? SecretsPolicy { get; private set; }
    /// <summary>The rule the family agreed for limited secrets, in words.</summary>
    public string? SecretsRule { get; private set; }
    /// <summary>What parents see of a young person's answers, once agreed.</summary>
    public YoungPersonSharing? YoungPersonSharing { get; private set; }

    /// <summary>The plan: a session every this many days.</summary>
    public int? PlanIntervalDays { get; private set; }
    /// <summary>The plan: minutes per session.</summary>
    public int? PlanSessionMinutes { get; private set; }
    /// <summary>The plan: how many sessions, when a number was agreed.</summary>
    public int? PlanSessions { get; private set; }

    /// <summary>Ending checklist: when the final session is planned (UTC).</summary>
    public DateTime? FinalSessionAt { get; private set; }
    /// <summary>Ending checklist: final measures are planned at the final session.</summary>
    public bool FinalMeasuresPlanned { get; private set; }
    /// <summary>Ending checklist: what the family will do if difficulties come back (sensitive).</summary>
    public string? RelapsePlan { get; private set; }
    /// <summary>Ending checklist: the follow-up offered, when the agency offers one (UTC).</summary>
    public DateTime? FollowUpAt { get; private set; }

    /// <summary>How the episode ended, once closed.</summary>
    public EpisodeOutcome? Outcome { get; private set; }
    /// <summary>A short summary for the record, written at closing (sensitive).</summary>
    public string? ClosingSummary { get; private set; }

    /// <summary>Every member's agreements in this episode, oldest first (a renewal adds one; none is ever removed).</summary>
    public IReadOnlyList<MemberAgreement> Agreements => _agreements;
    /// <summary>Process rules the therapist went past, with their reasons.</summary>
    public IReadOnlyList<ProcessOverride> Overrides => _overrides;
    /// <summary>The family's goals.</summary>
    public IReadOnlyList<Goal> Goals => _goals;
    /// <summary>Reviews of the work.</summary>
    public IReadOnlyList<Review> Reviews => _reviews;
    /// <summary>Each measured member's change, recorded at closing.</summary>
    public IReadOnlyList<MemberOutcome> MemberOutcomes => _memberOutcomes;

    /// <summary>Sessions held so far.</summary>
    public int HeldSessions => _sessions.Count(s => s.Status == SessionStatus.Held);

    /// <summary>True once a plan of how often and how long sessions are meant to be was recorded.</summary>
    public bool HasPlan => PlanIntervalDays is not null && PlanSessionMinutes is not null;

    /// <summary>Records the family's agreements on confidentiality within the family.</summary>
    public void RecordFamilyAgreements(SecretsPolicy policy, string? rule, YoungPersonSharing sharing)
    {
        RequireOpen("secretsPolicy");
        if (!Enum.IsDefined(policy))
            throw new DomainRuleException("secretsPolicy", "Choose the family's secrets policy.");
        if (!Enum.IsDefined(sharing))
            throw new DomainRuleException("youngPersonSharing", "Choose what parents see of a young person's answers.");
        var text = rule?.Trim() ?? "";
        if (policy == Domain.SecretsPolicy.LimitedSecrets && text.Length is < 10 or > 1000)
            throw new DomainRuleException("secretsRule", "State the rule the family agreed for what may stay private, in 10 to 1000 characters.");
        SecretsPolicy = policy;
        SecretsRule = policy == Domain.SecretsPolicy.LimitedSecrets ? text : null;
        YoungPersonSharing = sharing;
        Case.Touch();
    }

    /// <summary>
    /// Records that a member went through the orientation (in the given version of the agency's text) and what they consented to.
    /// Adults agree; a child assents, and the parent or guardian with the authority to consent for them is named.
    /// </summary>
    public MemberAgreement RecordAgreement(Member member, int textVersion, Guid? consentingMemberId, bool measuresConsent, bool feedbackConsent,
        Guid? sessionId, Guid by, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(member);
        RequireOpen("members");
        RequireMember(member.Id, "members");
        if (SecretsPolicy is null)
            throw new DomainRuleException("secretsPolicy", "Agree the family's secrets policy before the members' agreement is recorded: it is part of confidentiality.");
        if (textVersion < 1)
            throw new DomainRuleException("members", "The orientation text's version is missing.");
        if (sessionId is { } sid && !_sessions.Exists(s => s.Id == sid))
            throw new DomainRuleException("sessionId", "Choose a session of this episode.");
        AgreementForm form;
        if (member.IsChildIn(now.Year))
        {
            form = AgreementForm.Assented;
            var guardian = consentingMemberId is { } gid ? Case.Members.FirstOrDefault(m => m.Id == gid) : null;
            if (guardian is null)
                throw new DomainRuleException("members", $"{member.DisplayName} is a child: name the parent or guardian with the authority to consent for them.");
            if (guardian.Role is not (FamilyRole.Parent or FamilyRole.Caregiver) || guardian.IsChildIn(now.Year))
                throw new DomainRuleException("members", $"{guardian.DisplayName} cannot consent for {member.DisplayName}: choose an adult parent or caregiver with that authority.");
        }
        else
        {
            form = AgreementForm.Agreed;
            if (consentingMemberId is not null)
                throw new DomainRuleException("members", $"{member.DisplayName} is an adult and agrees for themselves.");
        }

        var agreement = new MemberAgreement(this, member.Id, textVersion, form, consentingMemberId, measuresConsent, feedbackConsent, sessionId, by, now);
        _agreements.Add(agreement);
        Case.Touch();
        return agreement;
    }

    /// <summary>Marks every member not yet oriented as oriented outside Alliance, before their records were imported.</summary>
    public void RecordOrientedBeforeImport(Guid by, DateTime now)
    {
        var added = 0;
        foreach (var m in Case.Members.Where(m => !_agreements.Exists(a => a.MemberId == m.Id)).ToList())
        {
            _agreements.Add(new MemberAgreement(this, m.Id, 0, AgreementForm.RecordedBeforeImport, null, true, true, null, by, now));
            added++;
        }
        if (added > 0) Case.Touch();
    }

    /// <summary>Where the member stands with the orientation in this episode.</summary>
    public MemberOrientation OrientationOf(Guid memberId, int currentVersion) =>
        new(memberId, LatestAgreement(memberId), currentVersion);

    /// <summary>The members the work involves so far: those who came to a held session, or the whole family before any was held.</summary>
    public IReadOnlyList<Member> MembersInvolved()
    {
        var came = _sessions.Where(s => s.Status == SessionStatus.Held).SelectMany(s => s.Attendees).Select(a => a.MemberId).ToHashSet();
        var family = Case.Members.OrderBy(m => m.Position);
        return came.Count == 0 ? family.ToList() : family.Where(m => came.Contains(m.Id)).ToList();
    }

    /// <summary>Records that the therapist goes past a process rule, and why.</summary>
    public ProcessOverride Override(OverrideScope scope, Guid? memberId, string reason, Guid by, DateTime now)
    {
        RequireOpen("reason");
        if (!Enum.IsDefined(scope))
            throw new DomainRuleException("scope", "Choose what goes ahead without orientation.");
        if (memberId is { } id) RequireMember(id, "memberId");
        var why = reason?.Trim() ?? "";
        if (why.Length is < 10 or > 500)
            throw new DomainRuleException("reason", "Say why this goes ahead without orientation, in 10 to 500 characters. The reason is kept in the record.");
        var o = new ProcessOverride(this, scope, memberId, why, by, now);
        _overrides.Add(o);
        Case.Touch();
        return o;
    }

    /// <summary>Why client-rated questionnaires may not be sent to the member (not oriented, with no reason recorded to go ahead; or they said no), or null when they may.</summary>
    public string? WhyNoClientMeasures(Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var latest = LatestAgreement(member.Id);
        if (latest is { MeasuresConsent: false })
            return $"{member.DisplayName} did not consent to the questionnaires. If they change their mind, record it with the orientation first.";
        if (latest is null && !IsOverridden(OverrideScope.ClientMeasures, member.Id))
            return $"{member.DisplayName} has not been oriented yet. Go through the orientation with them first, or record why the questionnaires go ahead without it.";
        return null;
    }

    /// <summary>Refuses client-rated questionnaires for a member who has not been oriented (unless the therapist recorded why) or who said no to them.</summary>
    public void RequireClientMeasures(Member member)
    {
        if (WhyNoClientMeasures(member) is { } why)
            throw new DomainRuleException("members", why);
    }

    /// <summary>True when the member may be sent client-rated questionnaires.</summary>
    public bool AllowsClientMeasures(Member member) => WhyNoClientMeasures(member) is null;

    /// <summary>True when the member agreed that their scores may be looked at with the family.</summary>
    public bool AllowsFeedbackConversation(Guid memberId) =>
        LatestAgreement(memberId) is { FeedbackConsent: true };

    /// <summary>Records how often and how long sessions are meant to be (the boundary watch compares what happens with it).</summary>
    public void SetPlan(int intervalDays, int sessionMinutes, int? sessions)
    {
        RequireOpen("planIntervalDays");
        if (intervalDays is < 1 or > 90)
            throw new DomainRuleException("planIntervalDays", "A session every 1 to 90 days.");
        if (sessionMinutes is < 15 or > Session.MaxMinutes)
            throw new DomainRuleException("planSessionMinutes", $"Sessions of 15 to {Session.MaxMinutes} minutes.");
        if (sessions is < 1 or > 200)
            throw new DomainRuleException("planSessions", "Leave the number of sessions empty, or plan 1 to 200.");
        PlanIntervalDays = intervalDays;
        PlanSessionMinutes = sessionMinutes;
        PlanSessions = sessions;
        Case.Touch();
    }

    /// <summary>Adds a goal in the family's words.</summary>
    public Goal AddGoal(string text, Guid by, DateTime now)
    {
        RequireOpen("text");
        if (_goals.Count >= MaxGoals)
            throw new DomainRuleException("text", $"An episode keeps up to {MaxGoals} goals; combine goals that say the same thing.");
        var goal = new Goal(this, _goals.Count + 1, text, by, now);
        _goals.Add(goal);
        Case.Touch();
        return goal;
    }

    /// <summary>Records how important a goal is to a member.</summary>
    public void RateGoal(Guid goalId, Guid memberId, int importance, DateTime now)
    {
        RequireOpen("importance");
        RequireMember(memberId, "memberId");
        var goal = _goals.Find(g => g.Id == goalId) ?? throw new DomainRuleException("goalId", "Choose a goal of this episode.");
        goal.SetImportance(memberId, importance, now);
        Case.Touch();
    }

    /// <summary>The number of held sessions at which the next review is due, given the agency's interval; null when none is due.</summary>
    public int? ReviewDue(int everySessions)
    {
        if (Phase != EpisodePhase.Active || everySessions < 1) return null;
        var next = (_reviews.Count == 0 ? 0 : _reviews.Max(r => r.AfterSessions)) + everySessions;
        return HeldSessions >= next ? next : null;
    }

    /// <summary>Records a review of the work: progress on every goal and the decision.</summary>
    public Review RecordReview(IReadOnlyDictionary<Guid, int> progress, ReviewDecision decision, string? note, Guid by, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (Phase != EpisodePhase.Active)
            throw new DomainRuleException("decision", "Reviews take place during active work.");
        if (_goals.Count == 0)
            throw new DomainRuleException("decision", "Record the family's goals first: a review looks at progress on each of them.");
        if (!Enum.IsDefined(decision))
            throw new DomainRuleException("decision", "Choose what happens next.");
        if (note?.Trim().Length > 2000)
            throw new DomainRuleException("note", "Keep the note to 2000 characters.");
        var review = new Review(this, HeldSessions, decision, note, by, now);
        foreach (var goal in _goals)
        {
            if (!progress.TryGetValue(goal.Id, out var p))
                throw new DomainRuleException("progress", $"Say how far the family has come on goal {goal.Position}.");
            if (p is < 0 or > 10)
                throw new DomainRuleException("progress", $"Progress on goal {goal.Position} is from 0 (not started) to 10 (fully reached).");
            review.Add(goal, p);
        }
        if (progress.Keys.Any(k => !_goals.Exists(g => g.Id == k)))
            throw new DomainRuleException("progress", "Progress was given for a goal that is not this episode's.");
        _reviews.Add(review);
        Case.Touch();
        return review;
    }

    /// <summary>
    /// Plans the ending with its checklist and moves the episode to termination planned; called again while
    /// the ending is planned, it updates the checklist.
    /// </summary>
    public PhaseChange? PlanEnding(EndingChecklist checklist, bool agencyOffersFollowUp, Guid by, string reason, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(checklist);
        if (Phase is not (EpisodePhase.Active or EpisodePhase.TerminationPlanned))
            throw new DomainRuleException("finalSessionAt", Phase == EpisodePhase.Closed
                ? "The episode is closed."
                : "An ending is planned once the active work has begun.");
        if (checklist.FinalSessionAt is null)
            throw new DomainRuleException("finalSessionAt", "Plan the final session: when will it be?");
        var relapse = checklist.RelapsePlan?.Trim() ?? "";
        if (relapse.Length is < 10 or > 2000)
            throw new DomainRuleException("relapsePlan", "Write what the family will do if difficulties come back, in 10 to 2000 characters.");
        if (!agencyOffersFollowUp && checklist.FollowUpAt is not null)
            throw new DomainRuleException("followUpAt", "The agency does not offer follow-up; leave it empty.");
        if (checklist.FollowUpAt is { } f && f <= checklist.FinalSessionAt)
            throw new DomainRuleException("followUpAt", "The follow-up comes after the final session.");
        FinalSessionAt = checklist.FinalSessionAt;
        FinalMeasuresPlanned = checklist.FinalMeasures;
        RelapsePlan = relapse;
        FollowUpAt = checklist.FollowUpAt;
        Case.Touch();
        return Phase == EpisodePhase.TerminationPlanned ? null : Move(EpisodePhase.TerminationPlanned, by, reason, now);
    }

    /// <summary>What is still open on the ending checklist, in words (empty when it is complete).</summary>
    public IReadOnlyList<string> EndingChecklistGaps(bool agencyOffersFollowUp)
    {
        var gaps = new List<string>();
        if (FinalSessionAt is null) gaps.Add("plan the final session");
        if (!FinalMeasuresPlanned) gaps.Add("plan the final measures");
        if (string.IsNullOrEmpty(RelapsePlan)) gaps.Add("agree what the family will do if difficulties come back");
        if (agencyOffersFollowUp && FollowUpAt is null) gaps.Add("offer a follow-up");
        return gaps;
    }

    /// <summary>
    /// Closes the episode with its outcome (read from the scores by the caller, or dropped out, or never started)
    /// and a short summary for the record.
    /// </summary>
    public PhaseChange Close(EpisodeOutcome outcome, IEnumerable<MemberOutcome> memberOutcomes, string summary, Guid by, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(memberOutcomes);
        RequireOpen("outcome");
        if (!Enum.IsDefined(outcome))
            throw new DomainRuleException("outcome", "Choose how the episode ended.");
        if (Phase == EpisodePhase.Referral && outcome != EpisodeOutcome.NeverStarted)
            throw new DomainRuleException("outcome", "The family was never seen: close the referral as never started.");
        if (Phase != EpisodePhase.Referral && outcome == EpisodeOutcome.NeverStarted)
            throw new DomainRuleException("outcome", "The work has started, so the episode ended with an outcome or the family dropped out.");
        if (Phase is EpisodePhase.FirstVisit or EpisodePhase.Active && outcome != EpisodeOutcome.DroppedOut)
            throw new DomainRuleException("outcome", "Plan the ending first (final session, final measures, what to do if difficulties come back), or close the episode as dropped out.");
        var text = summary?.Trim() ?? "";
        if (text.Length is < 10 or > 2000)
            throw new DomainRuleException("summary", "Write a short summary for the record, in 10 to 2000 characters.");
        var outcomes = memberOutcomes.ToList();
        foreach (var o in outcomes)
        {
            RequireMember(o.MemberId, "outcome");
            o.Attach(this);
        }
        var change = Move(EpisodePhase.Closed, by, outcome switch
        {
            EpisodeOutcome.DroppedOut => "Closed: the family stopped coming",
            EpisodeOutcome.NeverStarted => "Closed: the referral was not taken up",
            _ => "Closed: planned ending",
        }, now);
        Outcome = outcome;
        ClosingSummary = text;
        _memberOutcomes.AddRange(outcomes);
        return change;
    }

    private void RequireOrientedForActive()
    {
        var missing = MembersInvolved()
            .Where(m => !_agreements.Exists(a => a.MemberId == m.Id) && !IsOverridden(OverrideScope.MoveToActive, m.Id))
            .Select(m => m.DisplayName).ToList();
        if (missing.Count > 0)
            throw new DomainRuleException("phase", $"{Words.List(missing)} {(missing.Count == 1 ? "has" : "have")} not been oriented yet. " +
                "Go through the orientation with them, or record why the work starts without it.");
    }

    private MemberAgreement? LatestAgreement(Guid memberId) => _agreements.Where(a => a.MemberId == memberId).MaxBy(a => a.At);

    private bool IsOverridden(OverrideScope scope, Guid memberId) =>
        _overrides.Exists(o => o.Scope == scope && (o.MemberId is null || o.MemberId == memberId));

    private void RequireOpen(string field)
    {
        if (Phase == EpisodePhase.Closed)
            throw new DomainRuleException(field, "The episode is closed; reopen the case to continue.");
    }

    private void RequireMember(Guid memberId, string field)
    {
        if (!Case.HasMember(memberId))
            throw new DomainRuleException(field, "Choose a member of this family.");
    }
}

/// <summary>The ending checklist as the therapist fills it in.</summary>
/// <param name="FinalSessionAt">When the final session is planned (UTC).</param>
/// <param name="FinalMeasures">Final measures are planned at the final session.</param>
/// <param name="RelapsePlan">What the family will do if difficulties come back.</param>
/// <param name="FollowUpAt">The follow-up offered, when the agency offers one (UTC).</param>
public sealed record EndingChecklist(DateTime? FinalSessionAt, bool FinalMeasures, string? RelapsePlan, DateTime? FollowUpAt);

/// <summary>Plain-language helpers for messages.</summary>
internal static class Words
{
    /// <summary>"A", "A and B", "A, B and C".</summary>
    public static string List(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}
