namespace Alliance.Signals;

/// <summary>The kinds of feedback signal; <see cref="AlertKinds.Code(AlertKind)"/> gives each one's word in the output.</summary>
public enum AlertKind : byte
{
    /// <summary><c>low-alliance</c>: an alliance rating below the cutoff.</summary>
    LowAlliance,

    /// <summary><c>rupture</c>: a marked drop in a member's alliance from their previous rating.</summary>
    Rupture,

    /// <summary><c>repair</c>: the alliance came back near its level before a rupture.</summary>
    Repair,

    /// <summary><c>unrepaired-rupture</c>: no repair within the window after a rupture.</summary>
    UnrepairedRupture,

    /// <summary><c>split-alliance</c>: members of one family rated the alliance far apart in one session.</summary>
    SplitAlliance,

    /// <summary><c>reliable-improvement</c>: an outcome improved by at least the reliable-change value.</summary>
    ReliableImprovement,

    /// <summary><c>deterioration</c>: an outcome worsened by at least the reliable-change value.</summary>
    Deterioration,

    /// <summary><c>recovery</c>: reliable improvement from the clinical to the non-clinical side.</summary>
    Recovery,

    /// <summary><c>not-on-track</c>: too little early change for a member who started on the clinical side.</summary>
    NotOnTrack,

    /// <summary><c>termination-due</c>: recovered and stable on the non-clinical side.</summary>
    TerminationDue,

    /// <summary><c>treatment-prolonged</c>: sessions keep going well after termination became due.</summary>
    TreatmentProlonged,

    /// <summary><c>session-overrun</c>: sessions of the case repeatedly ran well past their scheduled time.</summary>
    SessionOverrun,

    /// <summary><c>personal-contact</c>: contact on a personal channel, social media or in person outside the agency.</summary>
    PersonalContact,

    /// <summary><c>out-of-hours-contact</c>: therapist-initiated contact outside working hours.</summary>
    OutOfHoursContact,

    /// <summary><c>feedback-gap</c>: measures were taken at a session but not discussed with the family.</summary>
    FeedbackGap,

    /// <summary>
    /// <c>phq9-item9-risk</c>: a member answered PHQ-9 item 9 (thoughts of self-harm) above 0. Raised in the app from
    /// stored answers (<see cref="AnswerRules"/>); a spreadsheet folder holds totals only, so <c>alliance signals</c>
    /// never raises it.
    /// </summary>
    Phq9Item9Risk,
}

/// <summary>How urgent an alert is; good news is shown as such, not as a warning.</summary>
public enum AlertSeverity
{
    /// <summary>Progress worth sharing with the family (reliable improvement, recovery, repair).</summary>
    GoodNews,

    /// <summary>Worth a look when convenient (feedback gap, a single out-of-hours contact).</summary>
    Low,

    /// <summary>Worth attention at or before the next session.</summary>
    Medium,

    /// <summary>Needs attention now: escalated to the supervisor when not acknowledged.</summary>
    High,
}

/// <summary>Words, severities and output order of the alert kinds.</summary>
public static class AlertKinds
{
    private static readonly string[] Codes =
    [
        "low-alliance", "rupture", "repair", "unrepaired-rupture", "split-alliance", "reliable-improvement",
        "deterioration", "recovery", "not-on-track", "termination-due", "treatment-prolonged", "session-overrun",
        "personal-contact", "out-of-hours-contact", "feedback-gap", "phq9-item9-risk",
    ];

    private static readonly int[] Ranks = BuildRanks();

    /// <summary>
    /// Every kind the rules over scores and sessions raise (the spreadsheet format's kinds), in declaration order; the
    /// kinds raised from stored answers are in <see cref="FromAnswers"/>.
    /// </summary>
    public static IReadOnlyList<AlertKind> All { get; } = Enum.GetValues<AlertKind>().Where(k => k != AlertKind.Phq9Item9Risk).ToArray();

    /// <summary>The kinds raised only where answers are stored (the app), never by <c>alliance signals</c>.</summary>
    public static IReadOnlyList<AlertKind> FromAnswers { get; } = [AlertKind.Phq9Item9Risk];

    /// <summary>The kind's word in the output (<c>unrepaired-rupture</c>).</summary>
    /// <param name="kind">The kind.</param>
    public static string Code(AlertKind kind) => Codes[(int)kind];

    /// <summary>Finds a kind by its word, without regard to case.</summary>
    /// <param name="code">The word.</param>
    /// <param name="kind">The kind.</param>
    /// <returns>Whether the word names a kind.</returns>
    public static bool TryParse(string code, out AlertKind kind)
    {
        for (var i = 0; i < Codes.Length; i++)
        {
            if (string.Equals(Codes[i], code, StringComparison.OrdinalIgnoreCase))
            {
                kind = (AlertKind)i;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>
    /// The kind's severity. High: unrepaired rupture, deterioration, not on track, PHQ-9 item 9. Medium: rupture,
    /// split alliance, low alliance, termination due, treatment prolonged, and two boundary signals,
    /// session overrun and personal-channel contact, which are classic early signs of boundary erosion
    /// (Gutheil and Gabbard, 1993) worth raising in the next supervision. Low: feedback gap and
    /// out-of-hours contact (one such contact is often practical; a pattern is what matters).
    /// Good news: reliable improvement, recovery and repair.
    /// </summary>
    /// <param name="kind">The kind.</param>
    public static AlertSeverity Severity(AlertKind kind) => kind switch
    {
        AlertKind.UnrepairedRupture or AlertKind.Deterioration or AlertKind.NotOnTrack or AlertKind.Phq9Item9Risk => AlertSeverity.High,
        AlertKind.Rupture or AlertKind.SplitAlliance or AlertKind.LowAlliance or AlertKind.TerminationDue
            or AlertKind.TreatmentProlonged or AlertKind.SessionOverrun or AlertKind.PersonalContact => AlertSeverity.Medium,
        AlertKind.FeedbackGap or AlertKind.OutOfHoursContact => AlertSeverity.Low,
        _ => AlertSeverity.GoodNews,
    };

    /// <summary>The kind's position when the words are sorted ordinally (the output order).</summary>
    /// <param name="kind">The kind.</param>
    public static int OrdinalRank(AlertKind kind) => Ranks[(int)kind];

    private static int[] BuildRanks()
    {
        var order = Enumerable.Range(0, Codes.Length).ToArray();
        Array.Sort(order, (a, b) => string.CompareOrdinal(Codes[a], Codes[b]));
        var ranks = new int[Codes.Length];
        for (var rank = 0; rank < order.Length; rank++)
        {
            ranks[order[rank]] = rank;
        }

        return ranks;
    }
}
