namespace Alliance.Measures;

/// <summary>Who answered, about whom, when and in which session: the parts of a response that are not answers.</summary>
/// <param name="Rater">Who rated.</param>
/// <param name="Authored">When the answers were given.</param>
public sealed record ResponseDetails(Rater Rater, DateTimeOffset Authored)
{
    /// <summary>The response's FHIR id, when it has one.</summary>
    public string? Id { get; init; }

    /// <summary>A FHIR reference to the person the answers are about (e.g. <c>Patient/m-204</c>).</summary>
    public string? Subject { get; init; }

    /// <summary>A FHIR reference to the person who answered, when not the subject (an observer, a caregiver).</summary>
    public string? Author { get; init; }

    /// <summary>A FHIR reference to the session (e.g. <c>Encounter/s-88</c>).</summary>
    public string? Encounter { get; init; }
}

/// <summary>One rater's answers to one instrument at one session, with their scores.</summary>
/// <param name="InstrumentId">The instrument id.</param>
/// <param name="Details">Who, about whom, when.</param>
/// <param name="Answers">The answers, in the instrument's order.</param>
/// <param name="Score">The scores computed from the answers.</param>
public sealed record ScoredResponse(string InstrumentId, ResponseDetails Details, ValueList<ItemAnswer> Answers, ScoreResult Score)
{
    /// <summary>
    /// Scores answers and wraps them into a response. Answers are put in the instrument's order (items rated per
    /// member grouped by member), which is also the order they have after a round trip through FHIR.
    /// Validate the answers first with <see cref="AnswerValidator"/>: answers with errors give an unscorable score.
    /// </summary>
    /// <param name="instrument">The instrument answered.</param>
    /// <param name="answers">The answers.</param>
    /// <param name="details">Who, about whom, when.</param>
    /// <returns>The scored response.</returns>
    public static ScoredResponse Create(Instrument instrument, IEnumerable<ItemAnswer> answers, ResponseDetails details)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        var ordered = InInstrumentOrder(instrument, answers.ToList());
        return new ScoredResponse(instrument.Id, details, ordered, instrument.Score(ordered));
    }

    /// <summary>
    /// The answers visible to the rest of the family: free-text answers the member marked private are left out.
    /// Every family-facing view reads answers through this.
    /// </summary>
    public IEnumerable<ItemAnswer> AnswersForFamily => Answers.Where(a => !a.IsPrivate);

    internal static ValueList<ItemAnswer> InInstrumentOrder(Instrument instrument, List<ItemAnswer> answers)
    {
        var members = answers.Where(a => a.MemberId is not null).Select(a => a.MemberId!).Distinct().ToList();
        var ordered = new List<ItemAnswer>();
        var groupWritten = false;
        foreach (var item in instrument.Items)
        {
            if (!item.PerMember)
            {
                ordered.AddRange(answers.Where(a => a.LinkId == item.LinkId && a.MemberId is null));
                continue;
            }
            if (groupWritten)
            {
                continue;
            }
            groupWritten = true;
            var perMemberItems = instrument.Items.Where(i => i.PerMember).ToList();
            foreach (var member in members)
            {
                foreach (var memberItem in perMemberItems)
                {
                    ordered.AddRange(answers.Where(a => a.LinkId == memberItem.LinkId && a.MemberId == member));
                }
            }
        }
        // Answers that match no item stay at the end, so that nothing given is silently dropped.
        ordered.AddRange(answers.Where(a => !ordered.Contains(a)));
        return ordered.ToValueList();
    }
}
