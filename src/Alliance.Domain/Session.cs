namespace Alliance.Domain;

/// <summary>A meeting with the family: planned, then held, cancelled or missed.</summary>
public sealed class Session : IAuditedRecord
{
    string IAuditedRecord.AuditType => "session";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>Longest session the app accepts, in minutes (a full-day intensive).</summary>
    public const int MaxMinutes = 8 * 60;

    private readonly List<SessionAttendee> _attendees = [];

    private Session() { }

    internal Session(Episode e, DateTime scheduledStart, int scheduledMinutes, Guid therapistId, DateTime now)
    {
        if (scheduledMinutes is < 5 or > MaxMinutes)
            throw new DomainRuleException("scheduledMinutes", $"A session is planned for 5 to {MaxMinutes} minutes.");
        Id = Guid.NewGuid();
        AgencyId = e.AgencyId;
        CaseId = e.CaseId;
        EpisodeId = e.Id;
        Episode = e;
        ScheduledStart = Utc(scheduledStart);
        ScheduledMinutes = scheduledMinutes;
        TherapistId = therapistId;
        Status = SessionStatus.Scheduled;
        CreatedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The episode.</summary>
    public Guid EpisodeId { get; private set; }
    /// <summary>The episode (navigation).</summary>
    public Episode Episode { get; private set; } = null!;
    /// <summary>Position within the episode in date order, from 1.</summary>
    public int Number { get; internal set; }
    /// <summary>Planned start (UTC).</summary>
    public DateTime ScheduledStart { get; private set; }
    /// <summary>Planned length in minutes.</summary>
    public int ScheduledMinutes { get; private set; }
    /// <summary>The therapist who leads the session.</summary>
    public Guid TherapistId { get; private set; }
    /// <summary>What became of it.</summary>
    public SessionStatus Status { get; private set; }
    /// <summary>Actual start (UTC) once held.</summary>
    public DateTime? ActualStart { get; private set; }
    /// <summary>Actual end (UTC) once held.</summary>
    public DateTime? ActualEnd { get; private set; }
    /// <summary>How it was held.</summary>
    public Modality? Modality { get; private set; }
    /// <summary>The therapist's session notes (sensitive).</summary>
    public string? Notes { get; private set; }
    /// <summary>Why it was cancelled or missed, if given.</summary>
    public string? StatusReason { get; private set; }
    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>Whether the therapist reviewed the scores with the family in this session (null: not recorded).</summary>
    public bool? FeedbackDiscussed { get; private set; }

    /// <summary>Records whether the feedback was discussed with the family.</summary>
    public void RecordFeedback(bool discussed)
    {
        if (Status != SessionStatus.Held)
            throw new DomainRuleException("feedbackDiscussed", "Feedback is recorded for a held session.");
        FeedbackDiscussed = discussed;
        Episode.Case.Touch();
    }

    /// <summary>The members who attended.</summary>
    public IReadOnlyList<SessionAttendee> Attendees => _attendees;

    /// <summary>When the session took place, or is planned to.</summary>
    public DateTime StartsAt => ActualStart ?? ScheduledStart;

    /// <summary>Actual length in minutes, once held.</summary>
    public int? ActualMinutes => ActualStart is { } s && ActualEnd is { } e ? (int)Math.Round((e - s).TotalMinutes) : null;

    /// <summary>Records that the session was held.</summary>
    /// <param name="actualStart">When it started (UTC); not in the future.</param>
    /// <param name="actualEnd">When it ended (UTC); after the start and not in the future.</param>
    /// <param name="attendingMemberIds">Members of the case who attended; at least one.</param>
    /// <param name="modality">How it was held.</param>
    /// <param name="notes">Session notes, if any.</param>
    /// <param name="now">The current time (UTC).</param>
    public void RecordHeld(DateTime actualStart, DateTime actualEnd, IReadOnlyCollection<Guid> attendingMemberIds, Modality modality, string? notes, DateTime now)
    {
        if (Status is SessionStatus.Cancelled or SessionStatus.NoShow)
            throw new DomainRuleException("status", "This session was marked cancelled or missed; schedule a new one instead.");
        if (Episode.Phase == EpisodePhase.Closed)
            throw new DomainRuleException("status", "The episode is closed.");
        var start = Utc(actualStart);
        var end = Utc(actualEnd);
        if (start > now)
            throw new DomainRuleException("actualStart", "A session cannot be recorded as held in the future.");
        if (end <= start)
            throw new DomainRuleException("actualEnd", "The session must end after it starts.");
        if (end > now)
            throw new DomainRuleException("actualEnd", "A session cannot be recorded as ending in the future.");
        if ((end - start).TotalMinutes > MaxMinutes)
            throw new DomainRuleException("actualEnd", $"A session lasts at most {MaxMinutes / 60} hours.");
        if (!Enum.IsDefined(modality))
            throw new DomainRuleException("modality", "Choose how the session was held.");
        if (attendingMemberIds.Count == 0)
            throw new DomainRuleException("attendees", "Tick the members who attended.");
        foreach (var id in attendingMemberIds)
            if (!Episode.Case.HasMember(id))
                throw new DomainRuleException("attendees", "Attendees must be members of this family.");
        if (notes is { Length: > 20_000 })
            throw new DomainRuleException("notes", "Notes are limited to 20,000 characters.");

        Status = SessionStatus.Held;
        ActualStart = start;
        ActualEnd = end;
        Modality = modality;
        Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        StatusReason = null;
        _attendees.RemoveAll(a => !attendingMemberIds.Contains(a.MemberId));
        foreach (var id in attendingMemberIds.Distinct())
            if (!_attendees.Exists(a => a.MemberId == id))
                _attendees.Add(new SessionAttendee(this, id));
        Episode.Renumber();
        Episode.Case.Touch();
    }

    /// <summary>Marks a planned session cancelled.</summary>
    public void Cancel(string? reason) => Close(SessionStatus.Cancelled, reason);

    /// <summary>Marks a planned session as missed by the family.</summary>
    public void MarkNoShow(string? reason) => Close(SessionStatus.NoShow, reason);

    private void Close(SessionStatus status, string? reason)
    {
        if (Status != SessionStatus.Scheduled)
            throw new DomainRuleException("status", "Only a planned session can be marked cancelled or missed.");
        if (reason is { Length: > 500 })
            throw new DomainRuleException("reason", "Keep the reason under 500 characters.");
        Status = status;
        StatusReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        Episode.Case.Touch();
    }

    private static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };
}

/// <summary>A member's attendance at a session.</summary>
public sealed class SessionAttendee
{
    private SessionAttendee() { }

    internal SessionAttendee(Session s, Guid memberId)
    {
        AgencyId = s.AgencyId;
        SessionId = s.Id;
        MemberId = memberId;
    }

    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The session.</summary>
    public Guid SessionId { get; private set; }
    /// <summary>The member who attended.</summary>
    public Guid MemberId { get; private set; }
}
