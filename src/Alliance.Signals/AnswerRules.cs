using System.Globalization;

namespace Alliance.Signals;

/// <summary>One member's score on one dimension of a family instrument at one session.</summary>
/// <param name="MemberId">The member.</param>
/// <param name="Dimension">The dimension's code (<c>engagement</c>, <c>shared-purpose</c>...).</param>
/// <param name="Score">The score on the dimension's own scale (1 to 5 for <c>family-alliance</c>, -3 to 3 for the observer's ratings).</param>
public readonly record struct DimensionScore(string MemberId, string Dimension, decimal Score);

/// <summary>A dimension on which members of one family were far apart at one session.</summary>
/// <param name="Dimension">The dimension's code.</param>
/// <param name="Difference">The highest score minus the lowest.</param>
/// <param name="Scores">Each member's score on the dimension, by member id (ordinal).</param>
public sealed record DimensionSplit(string Dimension, decimal Difference, IReadOnlyList<DimensionScore> Scores);

/// <summary>
/// Rules over stored answers rather than totals: a split alliance on the dimensions of the family instruments, and the
/// PHQ-9 item 9 risk answer. The app evaluates them where it keeps each response's answers; a spreadsheet folder holds
/// totals only, so <c>alliance signals</c> never does, and its output stays the format's. Like the other rules these are
/// pure: the caller scores the answers (with the instrument's own scoring) and hands over the numbers.
/// </summary>
public static class AnswerRules
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The dimensions on which two members are at least <paramref name="threshold"/> apart, widest first (ties in
    /// the order the dimensions first appear). A member is counted once per dimension: a later score replaces an
    /// earlier one. A dimension with fewer than two members is never split.
    /// </summary>
    /// <param name="scores">The members' dimension scores at one session on one instrument.</param>
    /// <param name="threshold">The smallest difference that is a split.</param>
    /// <returns>The split dimensions; empty when there is none.</returns>
    public static IReadOnlyList<DimensionSplit> DimensionSplits(IEnumerable<DimensionScore> scores, decimal threshold)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var order = new List<string>();
        var byDimension = new Dictionary<string, Dictionary<string, DimensionScore>>(StringComparer.Ordinal);
        foreach (var score in scores)
        {
            if (!byDimension.TryGetValue(score.Dimension, out var members))
            {
                byDimension[score.Dimension] = members = new Dictionary<string, DimensionScore>(StringComparer.Ordinal);
                order.Add(score.Dimension);
            }

            members[score.MemberId] = score;
        }

        var splits = new List<(DimensionSplit Split, int Position)>();
        for (var i = 0; i < order.Count; i++)
        {
            var members = byDimension[order[i]];
            if (members.Count < 2)
            {
                continue;
            }

            var difference = members.Values.Max(s => s.Score) - members.Values.Min(s => s.Score);
            if (difference >= threshold)
            {
                var sorted = members.Values.OrderBy(s => s.MemberId, StringComparer.Ordinal).ToList();
                splits.Add((new DimensionSplit(order[i], difference, sorted), i));
            }
        }

        return splits.OrderByDescending(s => s.Split.Difference).ThenBy(s => s.Position).Select(s => s.Split).ToList();
    }

    /// <summary>
    /// The split-alliance alert for a family instrument at one session: its evidence is each member's score on the widest
    /// split dimension (by member id), and its sentence names every split dimension with the members' scores.
    /// </summary>
    /// <param name="caseId">The family's case id.</param>
    /// <param name="sessionNumber">The session.</param>
    /// <param name="instrument">The family instrument (<c>family-alliance</c>, <c>observer-family-alliance</c>).</param>
    /// <param name="splits">The split dimensions, widest first (from <see cref="DimensionSplits"/>); at least one.</param>
    /// <param name="dimensionTitle">A dimension's title by its code, for the sentence.</param>
    /// <param name="threshold">The rule's difference, for the sentence.</param>
    /// <returns>The alert.</returns>
    public static Alert SplitAlert(string caseId, int sessionNumber, string instrument, IReadOnlyList<DimensionSplit> splits,
        Func<string, string> dimensionTitle, Score threshold)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(dimensionTitle);
        if (splits.Count == 0)
        {
            throw new ArgumentException("A split alert needs at least one split dimension.", nameof(splits));
        }

        var evidence = splits[0].Scores
            .Select(s => new Evidence { SessionNumber = sessionNumber, Score = Rounded(s.Score), MemberId = s.MemberId })
            .ToList();
        var parts = splits.Select(split => string.Create(Invariant,
            $"{Points(split.Difference)} apart on {dimensionTitle(split.Dimension)} ({string.Join(", ", split.Scores.Select(s => $"{s.MemberId} {Points(s.Score)}"))})"));
        var message = string.Create(Invariant,
            $"At session {sessionNumber} the family members' {instrument} scores were {string.Join("; and ", parts)}; a difference of {threshold} or more on a dimension suggests a split alliance.");
        return new Alert(AlertKind.SplitAlliance, caseId, null, sessionNumber, instrument, evidence, message,
            "Hear each member's view of the work in turn, name the difference without taking sides, and restate a goal that the whole family shares before going on.");
    }

    /// <summary>
    /// The PHQ-9 item 9 alert: the member answered the risk item above 0. Its evidence is the rating (with its total when
    /// scored), the item's number and, when the stored answers give it, the item's value; never the answers' words.
    /// </summary>
    /// <param name="caseId">The family's case id.</param>
    /// <param name="memberId">The member who answered.</param>
    /// <param name="sessionNumber">The session of the response.</param>
    /// <param name="instrument">The instrument's id (<c>phq-9</c>).</param>
    /// <param name="item">The risk item's number as the member reads it (9).</param>
    /// <param name="itemValue">The item's answer value (1 to 3), or null when only the stored flag is known.</param>
    /// <param name="total">The response's total, or null when it could not be scored.</param>
    /// <returns>The alert.</returns>
    public static Alert RiskAnswerAlert(string caseId, string memberId, int sessionNumber, string instrument, int item, Score? itemValue, Score? total)
    {
        var evidence = new Evidence { SessionNumber = sessionNumber, Score = total, Item = item, ItemValue = itemValue };
        var answered = itemValue is { } value
            ? string.Create(Invariant, $"with {value} on its 0 to 3 scale; any answer above 0 flags a risk of self-harm")
            : "above 0; any answer above 0 flags a risk of self-harm";
        var message = string.Create(Invariant, $"Member {memberId} answered item {item} of {instrument} at session {sessionNumber} {answered}.");
        return new Alert(AlertKind.Phq9Item9Risk, caseId, memberId, sessionNumber, instrument, [evidence], message,
            "Assess risk with the member today: ask directly about thoughts of self-harm or suicide and any plan, follow the agency's safety procedure, and involve your supervisor.");
    }

    /// <summary>A score for evidence: exact when it has at most one decimal, else rounded to one (a mean of observer ratings).</summary>
    private static Score Rounded(decimal value) => Score.FromDecimal(Math.Round(value, 1, MidpointRounding.AwayFromZero));

    private static string Points(decimal value) => value.ToString("0.##", Invariant);
}
