namespace Alliance.Domain;

/// <summary>One course of care. Its phase only moves forward; each move records who, when and why.</summary>
public sealed partial class Episode : IAuditedRecord
{
    string IAuditedRecord.AuditType => "episode";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    private readonly List<PhaseChange> _phaseChanges = [];
    private readonly List<Session> _sessions = [];

    private Episode() { }

    internal Episode(Case c, int number, Guid openedBy, DateTime now, string reason = "Referral received")
    {
        Id = Guid.NewGuid();
        AgencyId = c.AgencyId;
        CaseId = c.Id;
        Case = c;
        Number = number;
        Phase = EpisodePhase.Referral;
        OpenedAt = now;
        _phaseChanges.Add(new PhaseChange(this, null, EpisodePhase.Referral, openedBy, reason, now));
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The case (navigation).</summary>
    public Case Case { get; private set; } = null!;
    /// <summary>1 for the first episode of the case, then 2, 3...</summary>
    public int Number { get; private set; }
    /// <summary>Where the episode is now.</summary>
    public EpisodePhase Phase { get; private set; }
    /// <summary>When it was opened (UTC).</summary>
    public DateTime OpenedAt { get; private set; }
    /// <summary>When it was closed (UTC), if it is.</summary>
    public DateTime? ClosedAt { get; private set; }

    /// <summary>Every move between phases, oldest first; the first records the referral.</summary>
    public IReadOnlyList<PhaseChange> PhaseChanges => _phaseChanges;
    /// <summary>The sessions, in number order once numbered.</summary>
    public IReadOnlyList<Session> Sessions => _sessions;

    /// <summary>
    /// Moves the episode on to the first visit or to active work. Ending and closing have steps of their own
    /// (<see cref="PlanEnding"/>, <see cref="Close"/>); active work needs every member involved to be oriented
    /// or the therapist's recorded reason to go ahead without it.
    /// </summary>
    public PhaseChange MoveTo(EpisodePhase target, Guid by, string reason, DateTime now)
    {
        if (!Enum.IsDefined(target))
            throw new DomainRuleException("phase", "Choose a phase.");
        if (target == EpisodePhase.TerminationPlanned)
            throw new DomainRuleException("phase", "Plan the ending with its checklist: the final session, final measures, what the family will do if difficulties come back.");
        if (target == EpisodePhase.Closed)
            throw new DomainRuleException("phase", "Close the episode from its ending page, which records the outcome and a short summary.");
        if (target == EpisodePhase.Active) RequireOrientedForActive();
        return Move(target, by, reason, now);
    }

    private PhaseChange Move(EpisodePhase target, Guid by, string reason, DateTime now)
    {
        if (target <= Phase)
            throw new DomainRuleException("phase", $"The episode is at {Describe(Phase)}; phases only move forward, so it cannot move to {Describe(target)}.");
        var change = new PhaseChange(this, Phase, target, by, RequireReason(reason), now);
        _phaseChanges.Add(change);
        Phase = target;
        if (target == EpisodePhase.Closed) ClosedAt = now;
        Case.Touch();
        return change;
    }

    /// <summary>Schedules a session in this episode and renumbers the sessions in date order.</summary>
    public Session ScheduleSession(DateTime scheduledStart, int scheduledMinutes, Guid therapistId, DateTime now)
    {
        if (Phase == EpisodePhase.Closed)
            throw new DomainRuleException("scheduledStart", "The episode is closed; reopen the case to schedule sessions.");
        var session = new Session(this, scheduledStart, scheduledMinutes, therapistId, now);
        _sessions.Add(session);
        Renumber();
        Case.Touch();
        return session;
    }

    /// <summary>Numbers the sessions 1, 2, 3... in the order they took (or will take) place; ties keep the order they were created in.</summary>
    internal void Renumber()
    {
        var n = 0;
        foreach (var s in _sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.CreatedAt).ThenBy(s => s.Id))
            s.Number = ++n;
    }

    /// <summary>A plain name for a phase, as a clinician says it.</summary>
    public static string Describe(EpisodePhase phase) => phase switch
    {
        EpisodePhase.Referral => "referral",
        EpisodePhase.FirstVisit => "first visit",
        EpisodePhase.Active => "active",
        EpisodePhase.TerminationPlanned => "termination planned",
        EpisodePhase.Closed => "closed",
        _ => phase.ToString(),
    };

    internal static string RequireReason(string reason)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length is 0 or > 500)
            throw new DomainRuleException("reason", "Say why, in 1 to 500 characters.");
        return why;
    }
}

/// <summary>A move of an episode from one phase to another.</summary>
public sealed class PhaseChange
{
    private PhaseChange() { }

    internal PhaseChange(Episode e, EpisodePhase? from, EpisodePhase to, Guid by, string reason, DateTime at)
    {
        Id = Guid.NewGuid();
        AgencyId = e.AgencyId;
        EpisodeId = e.Id;
        From = from;
        To = to;
        ByStaffId = by;
        Reason = reason;
        At = at;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The episode.</summary>
    public Guid EpisodeId { get; private set; }
    /// <summary>The phase before, or null for the opening of the episode.</summary>
    public EpisodePhase? From { get; private set; }
    /// <summary>The phase after.</summary>
    public EpisodePhase To { get; private set; }
    /// <summary>Who moved it.</summary>
    public Guid ByStaffId { get; private set; }
    /// <summary>Why.</summary>
    public string Reason { get; private set; } = "";
    /// <summary>When (UTC).</summary>
    public DateTime At { get; private set; }
}
