namespace Alliance.Domain;

/// <summary>
/// A documented emergency access: an admin reads one case's record for a stated reason, for a limited time.
/// The grant is audited and its case's supervisor is told.
/// </summary>
public sealed class BreakGlassGrant
{
    /// <summary>How long a grant lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private BreakGlassGrant() { }

    /// <summary>Grants the staff member read access to the case, with the reason they gave.</summary>
    public BreakGlassGrant(Guid agencyId, Guid staffId, Guid caseId, string reason, DateTime now)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length is < 20 or > 500)
            throw new DomainRuleException("reason", "Say why you need this record, in 20 to 500 characters. The reason is kept and shown to the supervisor.");
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        StaffId = staffId;
        CaseId = caseId;
        Reason = why;
        GrantedAt = now;
        ExpiresAt = now + Lifetime;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>Who broke the glass.</summary>
    public Guid StaffId { get; private set; }
    /// <summary>The case opened.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>Why.</summary>
    public string Reason { get; private set; } = "";
    /// <summary>When (UTC).</summary>
    public DateTime GrantedAt { get; private set; }
    /// <summary>Until when (UTC).</summary>
    public DateTime ExpiresAt { get; private set; }
}

/// <summary>Something a staff member should know: shown as a badge and in their inbox.</summary>
public sealed class Notification
{
    private Notification() { }

    /// <summary>Creates a notification for one person.</summary>
    public Notification(Guid agencyId, Guid recipientId, string kind, string text, Guid? caseId, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        RecipientId = recipientId;
        Kind = kind;
        Text = text.Length <= 1000 ? text : text[..1000];
        CaseId = caseId;
        CreatedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>Who it is for.</summary>
    public Guid RecipientId { get; private set; }
    /// <summary>What kind ("break-glass", later alerts, incidents...).</summary>
    public string Kind { get; private set; } = "";
    /// <summary>What happened, in a sentence.</summary>
    public string Text { get; private set; } = "";
    /// <summary>The case it concerns, if any.</summary>
    public Guid? CaseId { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>When it was read (UTC).</summary>
    public DateTime? ReadAt { get; private set; }

    /// <summary>Marks it read.</summary>
    public void MarkRead(DateTime now) => ReadAt ??= now;
}
