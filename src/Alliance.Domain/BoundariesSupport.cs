namespace Alliance.Domain;

/// <summary>
/// A therapist asking their supervisor for consultation, about a family or about themselves, in one step. The question
/// and the answer are stored encrypted; the supervisors of the therapist see it, nobody else but the therapist.
/// </summary>
public sealed class AssistanceRequest : IAuditedRecord
{
    string IAuditedRecord.AuditType => "assistance-request";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>The longest question or answer.</summary>
    public const int TextMax = 4000;

    private AssistanceRequest() { }

    /// <summary>Asks, about the family (when given) or about oneself.</summary>
    public AssistanceRequest(Guid agencyId, Guid therapistId, Guid? caseId, string text, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        TherapistId = therapistId;
        CaseId = caseId;
        Text = Require(text, "text", "Say what you would like to talk about, in 1 to 4,000 characters.");
        AskedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>Who asks.</summary>
    public Guid TherapistId { get; private set; }
    /// <summary>The family it is about, or null when it is about the therapist themselves.</summary>
    public Guid? CaseId { get; private set; }
    /// <summary>The question (sensitive).</summary>
    public string? Text { get; private set; }
    /// <summary>When asked (UTC).</summary>
    public DateTime AskedAt { get; private set; }
    /// <summary>The supervisor's answer (sensitive).</summary>
    public string? Answer { get; private set; }
    /// <summary>Who answered.</summary>
    public Guid? AnsweredBy { get; private set; }
    /// <summary>When answered (UTC).</summary>
    public DateTime? AnsweredAt { get; private set; }

    /// <summary>True when it is about the therapist rather than a family.</summary>
    public bool AboutSelf => CaseId is null;

    /// <summary>Records the supervisor's answer (once).</summary>
    public void Respond(Guid supervisor, string answer, DateTime now)
    {
        if (AnsweredAt is not null)
            throw new DomainRuleException("answer", "This request has been answered already.");
        if (supervisor == TherapistId)
            throw new DomainRuleException("answer", "Someone else answers your own request.");
        Answer = Require(answer, "answer", "Write your answer in 1 to 4,000 characters.");
        AnsweredBy = supervisor;
        AnsweredAt = now;
    }

    private static string Require(string? text, string field, string message)
    {
        var t = text?.Trim() ?? "";
        if (t.Length is 0 or > TextMax) throw new DomainRuleException(field, message);
        return t;
    }
}

/// <summary>
/// A therapist's private monthly reflection: for each active family, a few yes/no questions about how the relationship
/// is going for them, and a free note. Only the therapist reads it; a family that keeps coming up across months is
/// flagged to the supervisor as a pattern (family and months only).
/// </summary>
public sealed class SelfCheck
{
    private readonly List<SelfCheckAnswer> _answers = [];

    private SelfCheck() { }

    /// <summary>Starts the month's self-check.</summary>
    public SelfCheck(Guid agencyId, Guid therapistId, DateOnly month, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        TherapistId = therapistId;
        Month = new DateOnly(month.Year, month.Month, 1);
        CompletedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>Whose.</summary>
    public Guid TherapistId { get; private set; }
    /// <summary>The month (its first day).</summary>
    public DateOnly Month { get; private set; }
    /// <summary>When last saved (UTC).</summary>
    public DateTime CompletedAt { get; private set; }
    /// <summary>One answer per family.</summary>
    public IReadOnlyList<SelfCheckAnswer> Answers => _answers;

    /// <summary>Sets the answers about one family (replacing earlier ones of this month).</summary>
    public void Answer(Guid caseId, bool sharedOwnTroubles, bool appearance, bool outsideThoughts, bool extraTime, string? note, DateTime now)
    {
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is { Length: > 2000 })
            throw new DomainRuleException("note", "Keep the note to 2,000 characters.");
        _answers.RemoveAll(a => a.CaseId == caseId);
        _answers.Add(new SelfCheckAnswer(this, caseId, sharedOwnTroubles, appearance, outsideThoughts, extraTime, text));
        CompletedAt = now;
    }
}

/// <summary>The month's answers about one family.</summary>
public sealed class SelfCheckAnswer
{
    private SelfCheckAnswer() { }

    internal SelfCheckAnswer(SelfCheck check, Guid caseId, bool sharedOwnTroubles, bool appearance, bool outsideThoughts, bool extraTime, string? note)
    {
        Id = Guid.NewGuid();
        AgencyId = check.AgencyId;
        SelfCheckId = check.Id;
        CaseId = caseId;
        SharedOwnTroubles = sharedOwnTroubles;
        Appearance = appearance;
        OutsideThoughts = outsideThoughts;
        ExtraTime = extraTime;
        Note = note;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The self-check.</summary>
    public Guid SelfCheckId { get; private set; }
    /// <summary>The family.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>I told this family about troubles of my own.</summary>
    public bool SharedOwnTroubles { get; private set; }
    /// <summary>I thought about how I look for this family.</summary>
    public bool Appearance { get; private set; }
    /// <summary>This family was on my mind outside work.</summary>
    public bool OutsideThoughts { get; private set; }
    /// <summary>I gave this family time I would not give others.</summary>
    public bool ExtraTime { get; private set; }
    /// <summary>A free note (sensitive).</summary>
    public string? Note { get; private set; }

    /// <summary>True when any question was answered yes.</summary>
    public bool Endorsed => SharedOwnTroubles || Appearance || OutsideThoughts || ExtraTime;
}

/// <summary>A family that recurs across a therapist's self-checks.</summary>
public sealed record SelfCheckPattern(Guid CaseId, IReadOnlyList<DateOnly> Months);

/// <summary>Finds families endorsed in at least <c>times</c> of the last <c>window</c> monthly self-checks.</summary>
public static class SelfCheckPatterns
{
    /// <summary>
    /// The patterns in a therapist's self-checks: a family with a yes in at least <paramref name="times"/> of the
    /// <paramref name="window"/> calendar months ending with <paramref name="month"/>. Months without a self-check count
    /// as months without a yes.
    /// </summary>
    public static IReadOnlyList<SelfCheckPattern> Find(IEnumerable<(DateOnly Month, Guid CaseId, bool Endorsed)> answers, DateOnly month, int times, int window)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (times < 1 || window < times)
            throw new DomainRuleException("times", "The number of months must be at least 1 and no more than the window.");
        var last = new DateOnly(month.Year, month.Month, 1);
        var first = last.AddMonths(-(window - 1));
        return answers
            .Where(a => a.Endorsed && a.Month >= first && a.Month <= last)
            .GroupBy(a => a.CaseId)
            .Select(g => new SelfCheckPattern(g.Key, g.Select(a => a.Month).Distinct().Order().ToList()))
            .Where(p => p.Months.Count >= times)
            .OrderBy(p => p.Months[0])
            .ToList();
    }
}

/// <summary>The agency's numbers for the boundary detectors; changes are audited.</summary>
public sealed class BoundarySettings : IAuditedRecord
{
    string IAuditedRecord.AuditType => "boundary-settings";
    Guid IAuditedRecord.AuditId => AgencyId;
    Guid? IAuditedRecord.AuditCaseId => null;

    private BoundarySettings() { }

    /// <summary>The defaults for an agency.</summary>
    public BoundarySettings(Guid agencyId)
    {
        AgencyId = agencyId;
        SelfCheckTimes = 2;
        SelfCheckWindow = 3;
        MinimumDecisions = 20;
        MinimumExpected = 5;
        Alpha = 0.05m;
        HoursShareRatio = 2.0m;
    }

    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>A family endorsed in this many self-checks ...</summary>
    public int SelfCheckTimes { get; private set; }
    /// <summary>... of this many months is a pattern.</summary>
    public int SelfCheckWindow { get; private set; }
    /// <summary>Intake decisions a therapist needs before the selection comparison runs.</summary>
    public int MinimumDecisions { get; private set; }
    /// <summary>The smallest expected cell count for a comparison.</summary>
    public int MinimumExpected { get; private set; }
    /// <summary>The family-wise error rate for the Holm correction.</summary>
    public decimal Alpha { get; private set; }
    /// <summary>A family's share of the therapist's hours over its share of clinical need that is worth a look.</summary>
    public decimal HoursShareRatio { get; private set; }
    /// <summary>The country a phone number written without its country code is read in (two letters, such as GB or US).</summary>
    public string PhoneRegion { get; private set; } = "GB";
    /// <summary>
    /// The agency's own phone numbers, e-mail addresses, street addresses and social-media accounts, one a line: written
    /// in a note or a contact summary, these are not personal contact details.
    /// </summary>
    public string? OfficialContacts { get; private set; }

    /// <summary>
    /// The agency's numbers for time beyond therapeutic need (sessions against the plan, the share of hours), as JSON of
    /// the detectors' settings; null keeps every default.
    /// </summary>
    public string? TimeRulesJson { get; private set; }

    /// <summary>Replaces the time-beyond-need numbers (already validated by the caller).</summary>
    public void SetTimeRules(string? json)
    {
        if (json is { Length: > 4000 })
            throw new DomainRuleException("time", "The numbers are too long.");
        TimeRulesJson = string.IsNullOrWhiteSpace(json) ? null : json;
    }

    /// <summary>Longest list of official contacts, in characters.</summary>
    public const int OfficialContactsMax = 2000;

    /// <summary>Sets the phone region and the agency's official contacts (the caller checks that every line reads as a contact).</summary>
    public void SetContactDetails(string region, string? officialContacts)
    {
        var code = region?.Trim().ToUpperInvariant() ?? "";
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper))
            throw new DomainRuleException("phoneRegion", "Give the two-letter country code phone numbers are read in, such as GB or US.");
        var text = string.IsNullOrWhiteSpace(officialContacts) ? null : officialContacts.Trim();
        if (text is { Length: > OfficialContactsMax })
            throw new DomainRuleException("officialContacts", $"Keep the agency's contacts to {OfficialContactsMax} characters.");
        PhoneRegion = code;
        OfficialContacts = text;
    }

    /// <summary>Changes the numbers, each within its sensible range.</summary>
    public void Change(int selfCheckTimes, int selfCheckWindow, int minimumDecisions, int minimumExpected, decimal alpha, decimal hoursShareRatio)
    {
        if (selfCheckWindow is < 1 or > 12)
            throw new DomainRuleException("selfCheckWindow", "The window is 1 to 12 months.");
        if (selfCheckTimes < 1 || selfCheckTimes > selfCheckWindow)
            throw new DomainRuleException("selfCheckTimes", "Choose 1 up to the window's number of months.");
        if (minimumDecisions is < 10 or > 1000)
            throw new DomainRuleException("minimumDecisions", "Choose 10 to 1,000 decisions.");
        if (minimumExpected is < 1 or > 50)
            throw new DomainRuleException("minimumExpected", "Choose an expected count of 1 to 50.");
        if (alpha is <= 0m or > 0.2m)
            throw new DomainRuleException("alpha", "Choose a level above 0 and at most 0.2.");
        if (hoursShareRatio is < 1m or > 10m)
            throw new DomainRuleException("hoursShareRatio", "Choose a ratio from 1 to 10.");
        SelfCheckTimes = selfCheckTimes;
        SelfCheckWindow = selfCheckWindow;
        MinimumDecisions = minimumDecisions;
        MinimumExpected = minimumExpected;
        Alpha = alpha;
        HoursShareRatio = hoursShareRatio;
    }
}
