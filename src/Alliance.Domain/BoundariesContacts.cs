namespace Alliance.Domain;

/// <summary>How a contact between sessions took place, in the words of the spreadsheet format's contacts.csv.</summary>
public enum ContactMeans
{
    /// <summary><c>agency-phone</c>: the agency's phone.</summary>
    AgencyPhone,
    /// <summary><c>agency-email</c>: the agency's email.</summary>
    AgencyEmail,
    /// <summary><c>agency-message</c>: the agency's messaging.</summary>
    AgencyMessage,
    /// <summary><c>personal-phone</c>: the therapist's own phone.</summary>
    PersonalPhone,
    /// <summary><c>personal-email</c>: the therapist's own email.</summary>
    PersonalEmail,
    /// <summary><c>personal-message</c>: the therapist's own messaging.</summary>
    PersonalMessage,
    /// <summary><c>social-media</c>.</summary>
    SocialMedia,
    /// <summary><c>in-person-outside</c>: meeting in person outside the setting.</summary>
    InPersonOutside,
}

/// <summary>Who started a contact.</summary>
public enum ContactStartedBy
{
    /// <summary>The therapist.</summary>
    Therapist,
    /// <summary>A family member.</summary>
    Family,
}

/// <summary>The words for contact channels, as contacts.csv and the API write them.</summary>
public static class ContactWords
{
    private static readonly string[] Words =
    [
        "agency-phone", "agency-email", "agency-message", "personal-phone", "personal-email", "personal-message",
        "social-media", "in-person-outside",
    ];

    private static readonly string[] Plain =
    [
        "agency phone", "agency email", "agency message", "personal phone", "personal email", "personal message",
        "social media", "in person outside the setting",
    ];

    /// <summary>The format's word for a channel.</summary>
    public static string Word(ContactMeans means) => Words[(int)means];

    /// <summary>The channel in plain words.</summary>
    public static string Say(ContactMeans means) => Plain[(int)means];

    /// <summary>Reads a channel word; false when it is not one.</summary>
    public static bool TryParse(string? word, out ContactMeans means)
    {
        var i = Array.IndexOf(Words, word?.Trim().ToLowerInvariant());
        means = i < 0 ? default : (ContactMeans)i;
        return i >= 0;
    }

    /// <summary>True for a channel outside the agency's own: a personal channel, social media, or meeting outside the setting.</summary>
    public static bool IsPersonal(this ContactMeans means) => means >= ContactMeans.PersonalPhone;
}

/// <summary>
/// A contact with a family (or one member) outside a session: when, how, who started it, how long, and a short
/// summary that is stored encrypted. Recorded by staff in the app or brought in by <c>alliance import</c>.
/// </summary>
public sealed class Contact : IAuditedRecord
{
    string IAuditedRecord.AuditType => "contact";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>The longest summary.</summary>
    public const int SummaryMax = 1000;

    private Contact() { }

    /// <summary>Records a contact with the family of <paramref name="family"/>, or with one of its members.</summary>
    public Contact(Case family, Guid? memberId, DateTime at, ContactMeans means, ContactStartedBy startedBy, int? minutes, string? summary,
        Guid recordedBy, DateTime now, bool imported = false)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (memberId is { } m && !family.HasMember(m))
            throw new DomainRuleException("memberId", "Choose a member of this family, or the whole family.");
        if (!Enum.IsDefined(means))
            throw new DomainRuleException("channel", "Choose how the contact took place.");
        if (!Enum.IsDefined(startedBy))
            throw new DomainRuleException("initiatedBy", "Say who started the contact.");
        if (at > now.AddMinutes(5))
            throw new DomainRuleException("at", "A contact is recorded after it took place, not before.");
        if (at < family.CreatedAt.AddYears(-1))
            throw new DomainRuleException("at", "This date is long before the family was referred.");
        if (minutes is < 0 or > 24 * 60)
            throw new DomainRuleException("minutes", "Give the length in whole minutes, from 0 to 1,440.");
        var text = string.IsNullOrWhiteSpace(summary) ? null : summary.Trim();
        if (text is { Length: > SummaryMax })
            throw new DomainRuleException("summary", "Keep the summary to 1,000 characters.");
        Id = Guid.NewGuid();
        AgencyId = family.AgencyId;
        CaseId = family.Id;
        MemberId = memberId;
        At = at;
        Means = means;
        StartedBy = startedBy;
        Minutes = minutes;
        Summary = text;
        RecordedBy = recordedBy;
        RecordedAt = now;
        Imported = imported;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The member, or null for the whole family.</summary>
    public Guid? MemberId { get; private set; }
    /// <summary>When it took place (UTC).</summary>
    public DateTime At { get; private set; }
    /// <summary>How.</summary>
    public ContactMeans Means { get; private set; }
    /// <summary>Who started it.</summary>
    public ContactStartedBy StartedBy { get; private set; }
    /// <summary>How long, in minutes, when known.</summary>
    public int? Minutes { get; private set; }
    /// <summary>A short summary (sensitive: encrypted at rest).</summary>
    public string? Summary { get; private set; }
    /// <summary>Who recorded it.</summary>
    public Guid RecordedBy { get; private set; }
    /// <summary>When it was recorded (UTC).</summary>
    public DateTime RecordedAt { get; private set; }
    /// <summary>True when it came from a spreadsheet import.</summary>
    public bool Imported { get; private set; }
}
