namespace Alliance.Domain;

/// <summary>What kind of red light an incident is.</summary>
public enum IncidentCategory
{
    /// <summary>A professional boundary was crossed.</summary>
    BoundaryCrossing,
    /// <summary>Disrespect.</summary>
    Disrespect,
    /// <summary>Violence or threats of it.</summary>
    Violence,
    /// <summary>Inappropriate advances.</summary>
    InappropriateAdvances,
    /// <summary>Other unacceptable behaviour.</summary>
    OtherUnacceptableBehaviour,
    /// <summary>Harm to someone.</summary>
    Harm,
}

/// <summary>Where an incident stands.</summary>
public enum IncidentStatus
{
    /// <summary>Reported, not yet closed.</summary>
    Open,
    /// <summary>Closed by the supervisor with their response.</summary>
    Closed,
}

/// <summary>What an entry appended to an incident is.</summary>
public enum IncidentEntryKind
{
    /// <summary>More of what happened, added later.</summary>
    FollowUp,
    /// <summary>A correction of something said earlier (the earlier words stay).</summary>
    Correction,
    /// <summary>The supervisor's response.</summary>
    Response,
    /// <summary>The supervisor's closing words.</summary>
    Closing,
}

/// <summary>Words for incident categories.</summary>
public static class IncidentWords
{
    /// <summary>The category as people say it.</summary>
    public static string Say(IncidentCategory category) => category switch
    {
        IncidentCategory.BoundaryCrossing => "boundary crossing",
        IncidentCategory.Disrespect => "disrespect",
        IncidentCategory.Violence => "violence",
        IncidentCategory.InappropriateAdvances => "inappropriate advances",
        IncidentCategory.OtherUnacceptableBehaviour => "other unacceptable behaviour",
        _ => "harm",
    };

    /// <summary>The words a family member chooses from (plain, no jargon).</summary>
    public static string ForFamily(IncidentCategory category) => category switch
    {
        IncidentCategory.BoundaryCrossing => "Something went beyond what a therapist should do",
        IncidentCategory.Disrespect => "I was treated with disrespect",
        IncidentCategory.Violence => "Violence, or a threat of it",
        IncidentCategory.InappropriateAdvances => "Unwanted advances or personal attention",
        IncidentCategory.OtherUnacceptableBehaviour => "Something else that was not acceptable",
        _ => "Someone was harmed",
    };
}

/// <summary>
/// A red light: a boundary crossing or harmful event, reported by staff in the app or by a family member through their
/// questionnaire link. It is never deleted and its words are never changed: follow-ups, corrections, the supervisor's
/// response and closing are appended as <see cref="IncidentEntry"/> rows. When it concerns a staff member, that person
/// never sees it.
/// </summary>
public sealed class Incident : IAuditedRecord
{
    string IAuditedRecord.AuditType => "incident";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>The longest narrative or entry.</summary>
    public const int TextMax = 4000;

    private readonly List<IncidentEntry> _entries = [];

    private Incident() { }

    private Incident(Guid agencyId, Guid? caseId, Guid? concernsStaffId, IncidentCategory category, string narrative, Guid? byStaff, Guid? byMember, DateTime now)
    {
        if (!Enum.IsDefined(category))
            throw new DomainRuleException("category", "Choose what kind of event this was.");
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        CaseId = caseId;
        ConcernsStaffId = concernsStaffId;
        Category = category;
        Narrative = RequireText(narrative, "narrative", "Say what happened, in 1 to 4,000 characters.");
        ReportedByStaffId = byStaff;
        ReportedByMemberId = byMember;
        ReportedAt = now;
        Status = IncidentStatus.Open;
    }

    /// <summary>
    /// A staff member's report. The case is optional; the person it concerns is optional too (a staff member other than
    /// the reporter; a report about oneself is a request for assistance instead).
    /// </summary>
    public static Incident ReportByStaff(Guid agencyId, Case? family, Guid? concernsStaffId, IncidentCategory category, string narrative, Guid reporter, DateTime now)
    {
        if (concernsStaffId == reporter)
            throw new DomainRuleException("concernsStaffId", "To talk about your own practice, ask your supervisor for assistance instead.");
        if (family is not null && family.AgencyId != agencyId)
            throw new DomainRuleException("caseId", "Choose a family of your agency.");
        return new Incident(agencyId, family?.Id, concernsStaffId, category, narrative, reporter, null, now);
    }

    /// <summary>
    /// A family member's report through their questionnaire link, about their family's therapy: it concerns the case's
    /// primary therapist unless the member says it is about something else.
    /// </summary>
    public static Incident ReportByFamily(Case family, Guid memberId, IncidentCategory category, string narrative, bool aboutTherapist, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (!family.HasMember(memberId))
            throw new DomainRuleException("memberId", "The report comes from a member of this family.");
        return new Incident(family.AgencyId, family.Id, aboutTherapist ? family.PrimaryTherapistId : null, category, narrative, null, memberId, now);
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case, if it concerns one.</summary>
    public Guid? CaseId { get; private set; }
    /// <summary>The staff member it concerns, if any: they can never see it.</summary>
    public Guid? ConcernsStaffId { get; private set; }
    /// <summary>What kind.</summary>
    public IncidentCategory Category { get; private set; }
    /// <summary>What happened, in the reporter's words (sensitive: encrypted at rest).</summary>
    public string? Narrative { get; private set; }
    /// <summary>The staff member who reported it.</summary>
    public Guid? ReportedByStaffId { get; private set; }
    /// <summary>The family member who reported it through their questionnaire link.</summary>
    public Guid? ReportedByMemberId { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime ReportedAt { get; private set; }
    /// <summary>Open or closed.</summary>
    public IncidentStatus Status { get; private set; }
    /// <summary>When closed (UTC).</summary>
    public DateTime? ClosedAt { get; private set; }
    /// <summary>Who closed it.</summary>
    public Guid? ClosedBy { get; private set; }
    /// <summary>Everything appended since, oldest first.</summary>
    public IReadOnlyList<IncidentEntry> Entries => _entries;

    /// <summary>True when a family member reported it.</summary>
    public bool ReportedByFamily => ReportedByMemberId is not null;

    /// <summary>Appends a follow-up or a correction; the words already written stay as they are.</summary>
    public IncidentEntry Append(IncidentEntryKind kind, string text, Guid? byStaff, DateTime now)
    {
        if (kind is not (IncidentEntryKind.FollowUp or IncidentEntryKind.Correction))
            throw new DomainRuleException("kind", "Add a follow-up or a correction.");
        if (byStaff is { } s && s == ConcernsStaffId)
            throw new DomainRuleException("incident", "This report concerns you; it is handled by your supervisor.");
        return Add(kind, text, byStaff, now);
    }

    /// <summary>Records the supervisor's response; the incident stays open until closed.</summary>
    public IncidentEntry Respond(string text, Guid supervisor, DateTime now)
    {
        if (Status == IncidentStatus.Closed)
            throw new DomainRuleException("status", "This incident is closed; add a follow-up instead.");
        RequireNotConcerned(supervisor);
        return Add(IncidentEntryKind.Response, text, supervisor, now);
    }

    /// <summary>Closes it with the supervisor's closing words.</summary>
    public IncidentEntry Close(string text, Guid supervisor, DateTime now)
    {
        if (Status == IncidentStatus.Closed)
            throw new DomainRuleException("status", "This incident is already closed.");
        RequireNotConcerned(supervisor);
        if (!_entries.Any(e => e.Kind == IncidentEntryKind.Response))
            throw new DomainRuleException("text", "Record your response before closing the incident.");
        var entry = Add(IncidentEntryKind.Closing, text, supervisor, now);
        Status = IncidentStatus.Closed;
        ClosedAt = now;
        ClosedBy = supervisor;
        return entry;
    }

    private void RequireNotConcerned(Guid staff)
    {
        if (staff == ConcernsStaffId)
            throw new DomainRuleException("incident", "This report concerns you; it is handled by your supervisor.");
    }

    private IncidentEntry Add(IncidentEntryKind kind, string text, Guid? byStaff, DateTime now)
    {
        var entry = new IncidentEntry(this, kind, RequireText(text, "text", "Write 1 to 4,000 characters."), byStaff, now);
        _entries.Add(entry);
        return entry;
    }

    private static string RequireText(string? text, string field, string message)
    {
        var t = text?.Trim() ?? "";
        if (t.Length is 0 or > TextMax) throw new DomainRuleException(field, message);
        return t;
    }
}

/// <summary>One entry appended to an incident: never edited, never deleted (the database refuses both).</summary>
public sealed class IncidentEntry : IAuditedRecord
{
    string IAuditedRecord.AuditType => "incident-entry";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    private IncidentEntry() { }

    internal IncidentEntry(Incident incident, IncidentEntryKind kind, string text, Guid? byStaff, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = incident.AgencyId;
        IncidentId = incident.Id;
        CaseId = incident.CaseId;
        Kind = kind;
        Text = text;
        ByStaffId = byStaff;
        At = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The incident.</summary>
    public Guid IncidentId { get; private set; }
    /// <summary>The incident's case, if any.</summary>
    public Guid? CaseId { get; private set; }
    /// <summary>What it is.</summary>
    public IncidentEntryKind Kind { get; private set; }
    /// <summary>Its words (sensitive: encrypted at rest).</summary>
    public string? Text { get; private set; }
    /// <summary>Who wrote it.</summary>
    public Guid? ByStaffId { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime At { get; private set; }
}
