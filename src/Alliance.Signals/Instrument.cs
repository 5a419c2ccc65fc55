namespace Alliance.Signals;

/// <summary>Which end of an instrument's range is the better one.</summary>
public enum BetterDirection
{
    /// <summary>Higher scores are better (alliance, wellbeing).</summary>
    Higher,

    /// <summary>Lower scores are better (symptom measures such as PHQ-9 and GAD-7).</summary>
    Lower,
}

/// <summary>What the rules read an instrument's client ratings as.</summary>
public enum InstrumentRole
{
    /// <summary>Read by no default rule (it is still range-checked and counts for attendance and feedback).</summary>
    Other,

    /// <summary>A client-rated alliance series: low alliance, rupture, repair and split alliance.</summary>
    Alliance,

    /// <summary>An outcome series: reliable change, recovery, not on track, termination due.</summary>
    Outcome,
}

/// <summary>
/// A questionnaire the agency knows: its id, range, better direction, clinical cutoffs,
/// reliable-change value and the series its ratings join.
/// </summary>
/// <param name="Id">The instrument id as written in spreadsheets (<c>alliance-check</c>).</param>
/// <param name="Low">The lowest possible total.</param>
/// <param name="High">The highest possible total.</param>
/// <param name="Better">Which end of the range is better.</param>
/// <param name="Role">What the rules read its client ratings as.</param>
public sealed record Instrument(string Id, Score Low, Score High, BetterDirection Better, InstrumentRole Role)
{
    /// <summary>
    /// The id of the instrument whose series this one's ratings join (a child version joins the adult
    /// series, so that a child who moves to the adult version continues one series). Its own id by default.
    /// </summary>
    public string Series { get; init; } = Id;

    /// <summary>
    /// The clinical boundary for adults. With <see cref="BetterDirection.Higher"/> a score below it is
    /// on the clinical side (for an alliance instrument: low alliance); with <see cref="BetterDirection.Lower"/>
    /// a score at or above it is. Null when the instrument has no clinical side.
    /// </summary>
    public Score? Cutoff { get; init; }

    /// <summary>The clinical boundary for children, read like <see cref="Cutoff"/>; null to use <see cref="Cutoff"/>.</summary>
    public Score? ChildCutoff { get; init; }

    /// <summary>The smallest change that counts as reliable (Jacobson and Truax, 1991); null when not defined.</summary>
    public Score? ReliableChange { get; init; }

    /// <summary>Whether <paramref name="score"/> is within the instrument's range.</summary>
    /// <param name="score">The score.</param>
    public bool InRange(Score score) => score >= Low && score <= High;

    /// <summary>
    /// Whether a score is on the clinical side of the cutoff that applies (the child cutoff for a child).
    /// False when the instrument has no cutoff.
    /// </summary>
    /// <param name="score">The score.</param>
    /// <param name="child">Whether the member was a child at the session.</param>
    public bool IsClinical(Score score, bool child)
    {
        var cutoff = child ? ChildCutoff ?? Cutoff : Cutoff;
        if (cutoff is not { } c)
        {
            return false;
        }

        return Better == BetterDirection.Higher ? score < c : score >= c;
    }

    /// <summary>The improvement from one score to another in the better direction (negative when worse).</summary>
    /// <param name="from">The earlier score.</param>
    /// <param name="to">The later score.</param>
    public Score Improvement(Score from, Score to) => Better == BetterDirection.Higher ? to - from : from - to;
}
