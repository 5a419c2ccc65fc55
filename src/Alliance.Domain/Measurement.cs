namespace Alliance.Domain;

/// <summary>Who gave a rating.</summary>
public enum RaterRole
{
    /// <summary>The member rated their own experience.</summary>
    Client,
    /// <summary>A parent or caregiver rated a child.</summary>
    Caregiver,
    /// <summary>An observer (supervisor, peer) rated from the session or a recording.</summary>
    Observer,
    /// <summary>The therapist rated.</summary>
    Therapist,
}

/// <summary>How a response reached Alliance.</summary>
public enum ResponseSource
{
    /// <summary>The member answered through their one-time link.</summary>
    Link,
    /// <summary>The therapist typed answers from a paper form.</summary>
    Paper,
    /// <summary>Imported from a spreadsheet.</summary>
    Import,
    /// <summary>Posted as a FHIR QuestionnaireResponse.</summary>
    Fhir,
}

/// <summary>
/// One rater's answers to one instrument at one session, about one member, with the scores computed from them.
/// The answers are kept as the instrument's FHIR QuestionnaireResponse (stored encrypted: it may hold private text).
/// A correction or deletion keeps the record and says why; the audit trail keeps the original.
/// </summary>
public sealed class Response : IAuditedRecord
{
    string IAuditedRecord.AuditType => "response";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    private Response() { }

    /// <summary>Records a scored response.</summary>
    public Response(Session session, Guid memberId, string instrumentId, RaterRole rater, Guid? raterStaffId, decimal? score,
        string? unscorableReason, bool riskFlag, string answersJson, ResponseSource source, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Status != SessionStatus.Held && source != ResponseSource.Link)
            throw new DomainRuleException("sessionId", "Scores belong to a held session.");
        if (!session.Episode.Case.HasMember(memberId))
            throw new DomainRuleException("memberId", "The member rated must belong to this family.");
        if (string.IsNullOrWhiteSpace(instrumentId) || instrumentId.Length > 64)
            throw new DomainRuleException("instrument", "Name a known instrument.");
        Id = Guid.NewGuid();
        AgencyId = session.AgencyId;
        CaseId = session.CaseId;
        SessionId = session.Id;
        MemberId = memberId;
        InstrumentId = instrumentId;
        Rater = rater;
        RaterStaffId = raterStaffId;
        Score = score;
        UnscorableReason = unscorableReason;
        RiskFlag = riskFlag;
        AnswersJson = answersJson;
        Source = source;
        RecordedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The session.</summary>
    public Guid SessionId { get; private set; }
    /// <summary>The member the rating is about (for client ratings, the member who answered).</summary>
    public Guid MemberId { get; private set; }
    /// <summary>The instrument's id.</summary>
    public string InstrumentId { get; private set; } = "";
    /// <summary>Who rated.</summary>
    public RaterRole Rater { get; private set; }
    /// <summary>The staff member who rated, for observer and therapist ratings.</summary>
    public Guid? RaterStaffId { get; private set; }
    /// <summary>The total score, or null when unscorable.</summary>
    public decimal? Score { get; private set; }
    /// <summary>Why there is no total.</summary>
    public string? UnscorableReason { get; private set; }
    /// <summary>True when the answers raised a risk flag (PHQ-9 item 9 above 0).</summary>
    public bool RiskFlag { get; private set; }
    /// <summary>The answers as a FHIR QuestionnaireResponse (sensitive; stored encrypted).</summary>
    public string? AnswersJson { get; private set; }
    /// <summary>How it arrived.</summary>
    public ResponseSource Source { get; private set; }
    /// <summary>When recorded (UTC).</summary>
    public DateTime RecordedAt { get; private set; }
    /// <summary>When it was last corrected, and why.</summary>
    public DateTime? CorrectedAt { get; private set; }
    /// <summary>The reason for the last correction.</summary>
    public string? CorrectionReason { get; private set; }
    /// <summary>When it was withdrawn (deleted with a reason); withdrawn responses take no part in scores or alerts.</summary>
    public DateTime? WithdrawnAt { get; private set; }
    /// <summary>Why it was withdrawn.</summary>
    public string? WithdrawalReason { get; private set; }

    /// <summary>True unless withdrawn.</summary>
    public bool IsCurrent => WithdrawnAt is null;

    /// <summary>Replaces the answers and score with corrected ones, saying why.</summary>
    public void Correct(decimal? score, string? unscorableReason, bool riskFlag, string answersJson, string reason, DateTime now)
    {
        RequireCurrent();
        CorrectionReason = RequireReason(reason);
        Score = score;
        UnscorableReason = unscorableReason;
        RiskFlag = riskFlag;
        AnswersJson = answersJson;
        CorrectedAt = now;
    }

    /// <summary>Withdraws the response, saying why; it stays in the record.</summary>
    public void Withdraw(string reason, DateTime now)
    {
        RequireCurrent();
        WithdrawalReason = RequireReason(reason);
        WithdrawnAt = now;
    }

    private void RequireCurrent()
    {
        if (WithdrawnAt is not null) throw new DomainRuleException("responseId", "This response was withdrawn.");
    }

    private static string RequireReason(string reason)
    {
        var why = reason?.Trim() ?? "";
        if (why.Length is 0 or > 500) throw new DomainRuleException("reason", "Say why, in 1 to 500 characters.");
        return why;
    }
}

/// <summary>
/// A member's one-time questionnaire link for one session: unguessable (the token carries 256 random bits and only
/// its SHA-256 is stored), bound to one member and one session, usable until its questionnaires are submitted or it
/// expires. No account, no access to anything else.
/// </summary>
public sealed class QuestionnaireLink : IAuditedRecord
{
    string IAuditedRecord.AuditType => "questionnaire-link";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>How long a link works unless the agency says otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(24);

    private QuestionnaireLink() { }

    /// <summary>Issues a link for a member of the session's family, for the given instruments in turn.</summary>
    public QuestionnaireLink(Session session, Guid memberId, IReadOnlyList<string> instrumentIds, string tokenHash, Guid issuedBy, DateTime now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(instrumentIds);
        if (!session.Episode.Case.HasMember(memberId))
            throw new DomainRuleException("memberId", "A link is for a member of this family.");
        if (session.Status is SessionStatus.Cancelled or SessionStatus.NoShow)
            throw new DomainRuleException("sessionId", "This session did not take place.");
        if (instrumentIds.Count == 0)
            throw new DomainRuleException("instruments", "Choose at least one questionnaire.");
        Id = Guid.NewGuid();
        AgencyId = session.AgencyId;
        CaseId = session.CaseId;
        SessionId = session.Id;
        MemberId = memberId;
        Instruments = string.Join(',', instrumentIds);
        TokenHash = tokenHash;
        IssuedBy = issuedBy;
        CreatedAt = now;
        ExpiresAt = now + lifetime;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The session.</summary>
    public Guid SessionId { get; private set; }
    /// <summary>The member it is for.</summary>
    public Guid MemberId { get; private set; }
    /// <summary>The instruments, comma-separated, in the order they are asked.</summary>
    public string Instruments { get; private set; } = "";
    /// <summary>SHA-256 of the token, hex.</summary>
    public string TokenHash { get; private set; } = "";
    /// <summary>Who issued it.</summary>
    public Guid IssuedBy { get; private set; }
    /// <summary>When issued (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>When it stops working (UTC).</summary>
    public DateTime ExpiresAt { get; private set; }
    /// <summary>When every questionnaire was submitted (UTC).</summary>
    public DateTime? CompletedAt { get; private set; }

    /// <summary>The instrument ids in order.</summary>
    public IReadOnlyList<string> InstrumentIds => Instruments.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True while the member can still answer.</summary>
    public bool IsUsable(DateTime now) => CompletedAt is null && now < ExpiresAt;

    /// <summary>Closes the link once everything is submitted.</summary>
    public void Complete(DateTime now)
    {
        if (!IsUsable(now)) throw new DomainRuleException("token", "This link has been used or has expired.");
        CompletedAt = now;
    }
}

/// <summary>
/// An instrument an agency added by importing a FHIR Questionnaire file with Alliance's scoring extension
/// (for example a licensed instrument the agency holds a licence for). Built-in instruments are files in the product.
/// </summary>
public sealed class AgencyInstrument
{
    private AgencyInstrument() { }

    /// <summary>Keeps an imported definition.</summary>
    public AgencyInstrument(Guid agencyId, string instrumentId, string questionnaireJson, Guid? importedBy, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(instrumentId) || instrumentId.Length > 64)
            throw new DomainRuleException("id", "An instrument id has 1 to 64 characters.");
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        InstrumentId = instrumentId;
        QuestionnaireJson = questionnaireJson;
        ImportedBy = importedBy;
        ImportedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The instrument's id (the Questionnaire's id).</summary>
    public string InstrumentId { get; private set; } = "";
    /// <summary>The Questionnaire as imported.</summary>
    public string QuestionnaireJson { get; private set; } = "";
    /// <summary>Who imported it (null for the command line without --on-behalf-of).</summary>
    public Guid? ImportedBy { get; private set; }
    /// <summary>When (UTC).</summary>
    public DateTime ImportedAt { get; private set; }
}
