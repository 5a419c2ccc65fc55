namespace Alliance.Domain;

/// <summary>What is shared between family members of what each says to the therapist alone.</summary>
public enum SecretsPolicy
{
    /// <summary>Nothing one member tells the therapist is kept from the others.</summary>
    NoSecrets,
    /// <summary>Some things may be kept, under a rule the family agreed (stated in words).</summary>
    LimitedSecrets,
}

/// <summary>What parents or carers see of a young person's questionnaire answers.</summary>
public enum YoungPersonSharing
{
    /// <summary>Parents see nothing of the young person's answers; the therapist talks about them with the young person.</summary>
    NothingShared,
    /// <summary>Parents see the young person's scores, not the answers to each question.</summary>
    ScoresOnly,
    /// <summary>Parents may see the scores and the answers to each question.</summary>
    ScoresAndAnswers,
}

/// <summary>How a member acknowledged the orientation.</summary>
public enum AgreementForm
{
    /// <summary>An adult agreed.</summary>
    Agreed,
    /// <summary>A child assented in child words; a parent or guardian with the authority to consent consented for them.</summary>
    Assented,
    /// <summary>The orientation was given and recorded outside Alliance before the family's records were imported.</summary>
    RecordedBeforeImport,
}

/// <summary>A rule of the process that a therapist went past, with the reason they recorded.</summary>
public enum OverrideScope
{
    /// <summary>Client-rated questionnaires for a member who has not been oriented yet.</summary>
    ClientMeasures,
    /// <summary>The move to active work before every member involved has been oriented.</summary>
    MoveToActive,
}

/// <summary>
/// The agency's orientation text in one version: what the therapist goes through with the family at the first visit.
/// Each member's agreement names the version they agreed to; a changed text is a new version and asks for agreement again.
/// </summary>
public sealed class OrientationText
{
    /// <summary>Longest text of one part, in characters.</summary>
    public const int MaxLength = 4000;

    private OrientationText() { }

    private OrientationText(Guid agencyId, int version, OrientationParts parts, Guid? publishedBy, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        Version = version;
        Expectations = Require(parts.Expectations, "expectations");
        Responsibilities = Require(parts.Responsibilities, "responsibilities");
        Roles = Require(parts.Roles, "roles");
        Confidentiality = Require(parts.Confidentiality, "confidentiality");
        MeasuresAndFeedback = Require(parts.MeasuresAndFeedback, "measuresAndFeedback");
        ChildWords = Require(parts.ChildWords, "childWords");
        PublishedBy = publishedBy;
        PublishedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>1 for the agency's first text, then 2, 3...</summary>
    public int Version { get; private set; }
    /// <summary>What the work involves, how sessions run, the short questionnaires and why feedback matters.</summary>
    public string Expectations { get; private set; } = "";
    /// <summary>What each family member and the therapist are responsible for.</summary>
    public string Responsibilities { get; private set; } = "";
    /// <summary>Who the client is, the therapist, any co-therapist, the supervisor.</summary>
    public string Roles { get; private set; } = "";
    /// <summary>Confidentiality and its limits: duty to warn or protect, mandatory reporting, sharing within the family.</summary>
    public string Confidentiality { get; private set; } = "";
    /// <summary>The questionnaires and the feedback conversation the family is asked to consent to.</summary>
    public string MeasuresAndFeedback { get; private set; } = "";
    /// <summary>All of it in words a child understands, for the child's assent.</summary>
    public string ChildWords { get; private set; } = "";
    /// <summary>Who published this version (null for the text every agency starts with).</summary>
    public Guid? PublishedBy { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime PublishedAt { get; private set; }

    /// <summary>The parts of this version.</summary>
    public OrientationParts Parts => new(Expectations, Responsibilities, Roles, Confidentiality, MeasuresAndFeedback, ChildWords);

    /// <summary>The text every agency starts with (version 1), until it publishes its own.</summary>
    public static OrientationText Default(Guid agencyId, DateTime now) => new(agencyId, 1, OrientationParts.Default, null, now);

    /// <summary>A new version with changed parts; refused when nothing changed, so that members are not asked to agree again for nothing.</summary>
    public OrientationText Revise(OrientationParts parts, Guid by, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var next = new OrientationText(AgencyId, Version + 1, parts, by, now);
        if (next.Parts == Parts)
            throw new DomainRuleException("expectations", "Nothing in the text changed, so no new version was made.");
        return next;
    }

    private static string Require(string? text, string field)
    {
        var t = text?.Trim() ?? "";
        if (t.Length is 0 or > MaxLength)
            throw new DomainRuleException(field, $"Write this part of the orientation in 1 to {MaxLength} characters.");
        return t;
    }
}

/// <summary>The parts of an orientation text.</summary>
public sealed record OrientationParts(string Expectations, string Responsibilities, string Roles, string Confidentiality, string MeasuresAndFeedback, string ChildWords)
{
    /// <summary>Alliance's own wording, which an agency replaces with its own.</summary>
    public static OrientationParts Default { get; } = new(
        Expectations:
            "We will meet regularly, usually once a week or every other week, for about an hour. Sessions are a place to talk about what " +
            "matters to your family and to try new ways of getting along. At the start or end of each session, each of you answers a short " +
            "questionnaire (about a minute) on your own phone or on paper: how you are doing, and how the work with your therapist feels. " +
            "Your therapist looks at the answers with you, because families do better when the work is adjusted to what they say.",
        Responsibilities:
            "Family members: come to the sessions you are invited to, or let the agency know as early as you can if you cannot; say what you " +
            "think, including when something is not working; contact your therapist between sessions only through the agency's phone, e-mail " +
            "or messages. Your therapist: starts and ends on time, listens to each of you, keeps your information safe, tells you when " +
            "something cannot stay confidential, and talks with you openly about how the work is going and when it should end.",
        Roles:
            "The client is the family as a whole and each person in it. Your therapist leads the sessions; a co-therapist may join them. " +
            "Your therapist has a clinical supervisor at the agency who helps them do good work and may read your record for that purpose.",
        Confidentiality:
            "What you say here stays within the agency's care team. The limits: your therapist must act if someone is at risk of serious harm " +
            "(the duty to warn or protect), must report suspected abuse or neglect of a child or vulnerable adult, and may be required to share " +
            "records by a court. Within the family, we agree together whether anything one of you tells the therapist alone may stay private " +
            "(the family's secrets policy), and what parents see of a young person's questionnaire answers.",
        MeasuresAndFeedback:
            "We ask each of you to agree to answer the short questionnaires and to talk about the results together in sessions. You may say " +
            "no, or change your mind at any time; your care does not depend on it.",
        ChildWords:
            "We will meet and talk, and sometimes play or draw. Each time you can tell us on a phone or paper how you feel and how the meetings " +
            "are going; there are no wrong answers. What you say stays with us, unless someone might get hurt: then we have to tell people " +
            "who can help keep everyone safe. You can ask questions any time and you can say when something is not OK.");
}

/// <summary>One member's acknowledgement of the orientation in one episode: who, in which version of the text, what they consented to.</summary>
public sealed class MemberAgreement : EpisodeRecord
{
    /// <inheritdoc/>
    protected override string RecordType => "orientation";

    private MemberAgreement() { }

    internal MemberAgreement(Episode e, Guid memberId, int textVersion, AgreementForm form, Guid? consentingMemberId,
        bool measuresConsent, bool feedbackConsent, Guid? sessionId, Guid recordedBy, DateTime now) : base(e)
    {
        MemberId = memberId;
        TextVersion = textVersion;
        Form = form;
        ConsentingMemberId = consentingMemberId;
        MeasuresConsent = measuresConsent;
        FeedbackConsent = feedbackConsent;
        SessionId = sessionId;
        RecordedBy = recordedBy;
        At = now;
    }

    /// <summary>The member who agreed or assented.</summary>
    public Guid MemberId { get; private set; }
    /// <summary>The version of the agency's orientation text; 0 when it was recorded before import.</summary>
    public int TextVersion { get; private set; }
    /// <summary>Agreed, assented, or recorded before import.</summary>
    public AgreementForm Form { get; private set; }
    /// <summary>For a child: the parent or guardian with the authority to consent who consented for them.</summary>
    public Guid? ConsentingMemberId { get; private set; }
    /// <summary>Consent to the client-rated questionnaires.</summary>
    public bool MeasuresConsent { get; private set; }
    /// <summary>Consent to the feedback conversation: their scores may be looked at with the family.</summary>
    public bool FeedbackConsent { get; private set; }
    /// <summary>The session it was given at, when recorded at one.</summary>
    public Guid? SessionId { get; private set; }
    /// <summary>The therapist who recorded it.</summary>
    public Guid RecordedBy { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime At { get; private set; }
}

/// <summary>A process rule the therapist went past, with who, when and why.</summary>
public sealed class ProcessOverride : EpisodeRecord
{
    /// <inheritdoc/>
    protected override string RecordType => "process-override";

    private ProcessOverride() { }

    internal ProcessOverride(Episode e, OverrideScope scope, Guid? memberId, string reason, Guid by, DateTime now) : base(e)
    {
        Scope = scope;
        MemberId = memberId;
        Reason = reason;
        By = by;
        At = now;
    }

    /// <summary>The rule gone past.</summary>
    public OverrideScope Scope { get; private set; }
    /// <summary>The member it is for; null for every member.</summary>
    public Guid? MemberId { get; private set; }
    /// <summary>Why.</summary>
    public string Reason { get; private set; } = "";
    /// <summary>Who.</summary>
    public Guid By { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime At { get; private set; }
}

/// <summary>Where one member stands with the orientation in the current episode.</summary>
/// <param name="MemberId">The member.</param>
/// <param name="Latest">Their latest agreement in the episode, if any.</param>
/// <param name="CurrentVersion">The agency's current text version.</param>
public sealed record MemberOrientation(Guid MemberId, MemberAgreement? Latest, int CurrentVersion)
{
    /// <summary>They have been oriented in this episode (in any version of the text, or before import).</summary>
    public bool IsOriented => Latest is not null;

    /// <summary>They agreed to an earlier version of the text, and the changed text asks for their agreement again.</summary>
    public bool NeedsRenewal => Latest is { Form: not AgreementForm.RecordedBeforeImport } a && a.TextVersion < CurrentVersion;
}
