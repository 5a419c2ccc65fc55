namespace Alliance.Signals;

/// <summary>
/// A feedback signal for a clinician: what fired, for whom, at which session, the scores or events
/// behind it, a sentence that says so, and what to consider next.
/// </summary>
/// <param name="Kind">The kind of signal.</param>
/// <param name="CaseId">The family's case id.</param>
/// <param name="MemberId">The member concerned, or null for a family-level signal.</param>
/// <param name="SessionNumber">The session at which it fired, or null for a contact before any held session.</param>
/// <param name="Instrument">The instrument of the rating at which it fired, or null where no instrument applies.</param>
/// <param name="Evidence">The ratings, sessions or contacts behind it, in the format's order.</param>
/// <param name="Message">A plain-English sentence naming the scores behind it.</param>
/// <param name="ConsiderNext">What the clinician might consider next.</param>
public sealed record Alert(
    AlertKind Kind,
    string CaseId,
    string? MemberId,
    int? SessionNumber,
    string? Instrument,
    IReadOnlyList<Evidence> Evidence,
    string Message,
    string ConsiderNext)
{
    /// <summary>How urgent the signal is (see <see cref="AlertKinds.Severity(AlertKind)"/>).</summary>
    public AlertSeverity Severity => AlertKinds.Severity(Kind);

    /// <summary>The kind's word in the output (<c>rupture</c>).</summary>
    public string KindCode => AlertKinds.Code(Kind);

    /// <summary>Whether two alerts say the same, evidence included.</summary>
    /// <param name="other">The other alert.</param>
    public bool Equals(Alert? other) =>
        other is not null
        && Kind == other.Kind
        && string.Equals(CaseId, other.CaseId, StringComparison.Ordinal)
        && string.Equals(MemberId, other.MemberId, StringComparison.Ordinal)
        && SessionNumber == other.SessionNumber
        && string.Equals(Instrument, other.Instrument, StringComparison.Ordinal)
        && Evidence.SequenceEqual(other.Evidence)
        && string.Equals(Message, other.Message, StringComparison.Ordinal)
        && string.Equals(ConsiderNext, other.ConsiderNext, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, CaseId, MemberId, SessionNumber, Instrument, Evidence.Count);
}

/// <summary>
/// One piece of an alert's evidence. Which properties are set depends on the kind (see the format's
/// evidence table): a rating has <see cref="SessionNumber"/> and <see cref="Score"/> (and
/// <see cref="MemberId"/> in a split alliance, and <see cref="Item"/> with <see cref="ItemValue"/> for a risk answer); a session has <see cref="SessionNumber"/> (and the
/// minutes for an overrun); a contact has <see cref="Time"/>, <see cref="Channel"/> and <see cref="InitiatedBy"/>.
/// </summary>
public sealed record Evidence
{
    /// <summary>The session number.</summary>
    public int? SessionNumber { get; init; }

    /// <summary>The score of a rating.</summary>
    public Score? Score { get; init; }

    /// <summary>The member who gave a rating (split alliance).</summary>
    public string? MemberId { get; init; }

    /// <summary>A session's scheduled minutes (session overrun).</summary>
    public int? ScheduledMinutes { get; init; }

    /// <summary>A session's actual minutes (session overrun).</summary>
    public int? ActualMinutes { get; init; }

    /// <summary>A contact's local date and time.</summary>
    public DateTime? Time { get; init; }

    /// <summary>A contact's channel.</summary>
    public ContactChannel? Channel { get; init; }

    /// <summary>Who started a contact.</summary>
    public ContactInitiator? InitiatedBy { get; init; }

    /// <summary>The item whose answer raised a risk flag, numbered as the member reads it (PHQ-9 risk: 9).</summary>
    public int? Item { get; init; }

    /// <summary>That item's answer value (PHQ-9 item 9: 0 to 3), when the stored answers give it.</summary>
    public Score? ItemValue { get; init; }
}
