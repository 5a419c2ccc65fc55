namespace Alliance.Domain;

/// <summary>Where an alert stands.</summary>
public enum AlertStatus
{
    /// <summary>New: nobody has acted on it.</summary>
    Open,
    /// <summary>The therapist has seen it and is acting on it.</summary>
    Acknowledged,
    /// <summary>Dealt with (by a note, or by itself: a repair resolves its rupture).</summary>
    Resolved,
    /// <summary>No longer raised by the scores, after a score was corrected or withdrawn.</summary>
    Withdrawn,
}

/// <summary>
/// Feedback raised by the rules over a family's scores and sessions: what fired, for whom, at which session, the
/// evidence behind it, a sentence that says so, and what to consider next. Alerts are identified by a key made of
/// what they concern, so evaluating the same scores again raises nothing new.
/// </summary>
public sealed class Alert : IAuditedRecord
{
    string IAuditedRecord.AuditType => "alert";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    private Alert() { }

    /// <summary>Raises an alert.</summary>
    public Alert(Guid agencyId, Guid caseId, Guid? memberId, Guid? sessionId, int? sessionNumber, string kind, string severity,
        string? instrument, string evidenceJson, string message, string considerNext, string key, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        CaseId = caseId;
        MemberId = memberId;
        SessionId = sessionId;
        SessionNumber = sessionNumber;
        Kind = kind;
        Severity = severity;
        Instrument = instrument;
        EvidenceJson = evidenceJson;
        Message = message;
        ConsiderNext = considerNext;
        Key = key;
        Status = AlertStatus.Open;
        CreatedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The member concerned, or null for a family-level alert.</summary>
    public Guid? MemberId { get; private set; }
    /// <summary>The session at which it fired.</summary>
    public Guid? SessionId { get; private set; }
    /// <summary>That session's number in the episode.</summary>
    public int? SessionNumber { get; private set; }
    /// <summary>The kind, as the rules name it ("rupture", "not-on-track"...).</summary>
    public string Kind { get; private set; } = "";
    /// <summary>"high", "medium", "low" or "good" (good news: reliable improvement, recovery).</summary>
    public string Severity { get; private set; } = "";
    /// <summary>The instrument of the rating at which it fired.</summary>
    public string? Instrument { get; private set; }
    /// <summary>The ratings, sessions or contacts behind it, as JSON.</summary>
    public string EvidenceJson { get; private set; } = "[]";
    /// <summary>A sentence a clinician understands, naming the scores.</summary>
    public string Message { get; private set; } = "";
    /// <summary>What to consider next.</summary>
    public string ConsiderNext { get; private set; } = "";
    /// <summary>What it concerns, so that the same alert is never raised twice.</summary>
    public string Key { get; private set; } = "";
    /// <summary>Where it stands.</summary>
    public AlertStatus Status { get; private set; }
    /// <summary>When raised (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>When acknowledged (UTC).</summary>
    public DateTime? AcknowledgedAt { get; private set; }
    /// <summary>Who acknowledged it.</summary>
    public Guid? AcknowledgedBy { get; private set; }
    /// <summary>When resolved or withdrawn (UTC).</summary>
    public DateTime? ResolvedAt { get; private set; }
    /// <summary>Who resolved it (null when it resolved itself).</summary>
    public Guid? ResolvedBy { get; private set; }
    /// <summary>What was done, when resolved.</summary>
    public string? ResolutionNote { get; private set; }
    /// <summary>When it was escalated to the supervisor for not being acknowledged in time.</summary>
    public DateTime? EscalatedAt { get; private set; }

    /// <summary>True while it asks for attention.</summary>
    public bool IsActive => Status is AlertStatus.Open or AlertStatus.Acknowledged;

    /// <summary>The therapist has seen it.</summary>
    public void Acknowledge(Guid by, DateTime now)
    {
        if (Status != AlertStatus.Open)
            throw new DomainRuleException("status", "Only an open alert can be acknowledged.");
        Status = AlertStatus.Acknowledged;
        AcknowledgedAt = now;
        AcknowledgedBy = by;
    }

    /// <summary>Closes it with a note of what was done.</summary>
    public void Resolve(Guid? by, string note, DateTime now)
    {
        if (!IsActive)
            throw new DomainRuleException("status", "This alert is already closed.");
        var text = note?.Trim() ?? "";
        if (text.Length is 0 or > 1000)
            throw new DomainRuleException("note", "Say what was done, in 1 to 1,000 characters.");
        Status = AlertStatus.Resolved;
        ResolvedAt = now;
        ResolvedBy = by;
        ResolutionNote = text;
    }

    /// <summary>The scores no longer raise it (a corrected or withdrawn score).</summary>
    public void Withdraw(DateTime now)
    {
        if (Status is AlertStatus.Withdrawn or AlertStatus.Resolved) return;
        Status = AlertStatus.Withdrawn;
        ResolvedAt = now;
        ResolutionNote = "No longer raised after a score was corrected or withdrawn.";
    }

    /// <summary>Records that the supervisor was told.</summary>
    public void MarkEscalated(DateTime now) => EscalatedAt ??= now;
}
