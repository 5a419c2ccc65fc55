using Alliance.Boundaries.Statistics;
using Alliance.Domain;

namespace Alliance.Boundaries;

/// <summary>
/// Choosing clients by appearance or social standing: per therapist, compares the acceptance of referrals with one
/// value of a recorded referral attribute (funding source, neighbourhood band...) against all the other values, with
/// Fisher's exact test, and Holm's correction across that therapist's comparisons. A flag is for the supervisor only
/// and is worded as worth a look in supervision: a statistical pattern has many innocent explanations.
/// </summary>
public static class SelectionPatterns
{
    /// <summary>Finds the patterns worth a look in supervision, with a summary of what was and was not tested.</summary>
    /// <param name="decisions">Intake decisions, of any number of therapists, in any order.</param>
    /// <param name="settings">The thresholds; <see cref="SelectionSettings.Default"/> when null.</param>
    /// <exception cref="DomainRuleException">A setting is out of range; the field names it.</exception>
    public static SelectionReport Find(IEnumerable<IntakeDecisionInput> decisions, SelectionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        settings ??= SelectionSettings.Default;
        settings.Validate();

        var byTherapist = new SortedDictionary<Guid, List<IntakeDecisionInput>>();
        foreach (var decision in decisions)
        {
            ArgumentNullException.ThrowIfNull(decision);
            if (!byTherapist.TryGetValue(decision.TherapistId, out var list))
            {
                byTherapist[decision.TherapistId] = list = [];
            }

            list.Add(decision);
        }

        var findings = new List<SelectionPatternFinding>();
        var summaries = new List<TherapistSelectionSummary>(byTherapist.Count);
        foreach (var (therapistId, list) in byTherapist)
        {
            summaries.Add(Summarise(therapistId, list, settings, findings));
        }

        return new SelectionReport(findings, summaries);
    }

    private static readonly Dictionary<string, string> EmptyAttributes = [];

    private static TherapistSelectionSummary Summarise(
        Guid therapistId, List<IntakeDecisionInput> decisions, SelectionSettings settings, List<SelectionPatternFinding> findings)
    {
        if (decisions.Count < settings.MinDecisions)
        {
            return new TherapistSelectionSummary(therapistId, decisions.Count, SelectionTestStatus.NotEnoughDecisions, []);
        }

        // Attribute -> value -> (accepted, not accepted). A decision without a value for an attribute takes no part
        // in that attribute's comparisons: "not recorded" is not a value.
        var tallies = new SortedDictionary<string, SortedDictionary<string, (int Accepted, int NotAccepted)>>(StringComparer.Ordinal);
        foreach (var decision in decisions)
        {
            foreach (var (name, rawValue) in decision.Attributes ?? EmptyAttributes)
            {
                var value = rawValue?.Trim();
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(value))
                {
                    continue;
                }

                if (!tallies.TryGetValue(name, out var values))
                {
                    tallies[name] = values = new SortedDictionary<string, (int, int)>(StringComparer.Ordinal);
                }

                values.TryGetValue(value, out var tally);
                values[value] = decision.Outcome == IntakeOutcome.Accepted
                    ? (tally.Accepted + 1, tally.NotAccepted)
                    : (tally.Accepted, tally.NotAccepted + 1);
            }
        }

        var comparisons = new List<SelectionComparison>();
        var testedIndexes = new List<int>();
        var rawPValues = new List<double>();
        foreach (var (attribute, values) in tallies)
        {
            int totalAccepted = 0, totalNotAccepted = 0;
            foreach (var tally in values.Values)
            {
                totalAccepted += tally.Accepted;
                totalNotAccepted += tally.NotAccepted;
            }

            foreach (var (value, tally) in values)
            {
                var counts = new AcceptanceCounts(
                    tally.Accepted, tally.NotAccepted, totalAccepted - tally.Accepted, totalNotAccepted - tally.NotAccepted);
                if (counts.SmallestExpectedCount < settings.MinExpectedCount)
                {
                    comparisons.Add(new SelectionComparison(attribute, value, counts, ComparisonStatus.ExpectedCountTooSmall, null, null));
                    continue;
                }

                double p = FisherExactTest.TwoSided(counts.ValueAccepted, counts.ValueNotAccepted, counts.OthersAccepted, counts.OthersNotAccepted);
                testedIndexes.Add(comparisons.Count);
                rawPValues.Add(p);
                comparisons.Add(new SelectionComparison(attribute, value, counts, ComparisonStatus.Tested, p, null));
            }
        }

        if (testedIndexes.Count == 0)
        {
            return new TherapistSelectionSummary(therapistId, decisions.Count, SelectionTestStatus.NoTestableComparison, comparisons);
        }

        var adjusted = HolmCorrection.Adjust(rawPValues);
        for (int k = 0; k < testedIndexes.Count; k++)
        {
            int index = testedIndexes[k];
            var comparison = comparisons[index] with { AdjustedP = adjusted[k] };
            comparisons[index] = comparison;
            if (adjusted[k] < settings.Alpha)
            {
                findings.Add(new SelectionPatternFinding(
                    therapistId, comparison.Attribute, comparison.Value, comparison.Counts, rawPValues[k], adjusted[k], testedIndexes.Count));
            }
        }

        return new TherapistSelectionSummary(therapistId, decisions.Count, SelectionTestStatus.Tested, comparisons);
    }
}

/// <summary>What became of a referral offered to a therapist.</summary>
public enum IntakeOutcome
{
    /// <summary>The therapist took the referral on.</summary>
    Accepted,

    /// <summary>The therapist declined it (counts as not accepted).</summary>
    Declined,

    /// <summary>The therapist passed it to a colleague (counts as not accepted).</summary>
    Transferred,
}

/// <summary>One intake decision: a referral offered to a therapist, its outcome, and the attributes the agency records.</summary>
/// <param name="TherapistId">The therapist the referral was offered to.</param>
/// <param name="Outcome">Accepted, declined or transferred.</param>
/// <param name="Attributes">
/// Attribute name to value (for example "funding source" → "self-funded"); a missing or blank value means not recorded.
/// Names and values are compared exactly (ordinal).
/// </param>
public sealed record IntakeDecisionInput(Guid TherapistId, IntakeOutcome Outcome, IReadOnlyDictionary<string, string> Attributes);

/// <summary>The thresholds of <see cref="SelectionPatterns"/>; an agency can change each.</summary>
public sealed record SelectionSettings
{
    /// <summary>The defaults.</summary>
    public static SelectionSettings Default { get; } = new();

    /// <summary>
    /// A therapist is tested only with at least this many decisions. Default 20: below it a 2x2 table has too little
    /// in it for any pattern to be told from chance (agency-adjustable starting point, issue #7).
    /// </summary>
    public int MinDecisions { get; init; } = 20;

    /// <summary>
    /// A comparison is tested only when every expected cell count is at least this. Default 5, Cochran's (1954)
    /// customary rule for 2x2 tables; it keeps flags away from values too rare to judge.
    /// </summary>
    public double MinExpectedCount { get; init; } = 5;

    /// <summary>A comparison is flagged when its Holm-adjusted p-value is below this. Default 0.05, the conventional level.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Checks every threshold, naming the first out of range.</summary>
    /// <exception cref="DomainRuleException">A threshold is out of range.</exception>
    public void Validate()
    {
        if (MinDecisions < 2)
            throw new DomainRuleException("minDecisions", "The minimum number of decisions must be 2 or more.");
        if (!(MinExpectedCount >= 0 && MinExpectedCount <= 1000))
            throw new DomainRuleException("minExpectedCount", "The minimum expected count must be between 0 and 1000.");
        if (!(Alpha > 0 && Alpha < 1))
            throw new DomainRuleException("alpha", "The significance level must be more than 0 and less than 1.");
    }
}

/// <summary>The 2x2 table of one comparison: the attribute value against all other values, accepted against not.</summary>
/// <param name="ValueAccepted">Referrals with the value that were accepted.</param>
/// <param name="ValueNotAccepted">Referrals with the value that were declined or transferred.</param>
/// <param name="OthersAccepted">Referrals with another value of the attribute that were accepted.</param>
/// <param name="OthersNotAccepted">Referrals with another value of the attribute that were declined or transferred.</param>
public readonly record struct AcceptanceCounts(int ValueAccepted, int ValueNotAccepted, int OthersAccepted, int OthersNotAccepted)
{
    /// <summary>Referrals with the value.</summary>
    public int ValueTotal => ValueAccepted + ValueNotAccepted;

    /// <summary>Referrals with another value.</summary>
    public int OthersTotal => OthersAccepted + OthersNotAccepted;

    /// <summary>The share of referrals with the value that were accepted (0 when there are none).</summary>
    public double ValueAcceptanceRate => ValueTotal == 0 ? 0 : (double)ValueAccepted / ValueTotal;

    /// <summary>The share of referrals with other values that were accepted (0 when there are none).</summary>
    public double OthersAcceptanceRate => OthersTotal == 0 ? 0 : (double)OthersAccepted / OthersTotal;

    /// <summary>The smallest count expected in a cell if acceptance did not depend on the value: row total × column total / n.</summary>
    public double SmallestExpectedCount
    {
        get
        {
            int n = ValueTotal + OthersTotal;
            if (n == 0)
            {
                return 0;
            }

            int accepted = ValueAccepted + OthersAccepted, notAccepted = n - accepted;
            int smallerRow = Math.Min(ValueTotal, OthersTotal), smallerColumn = Math.Min(accepted, notAccepted);
            return (double)smallerRow * smallerColumn / n;
        }
    }
}

/// <summary>Whether a comparison was tested.</summary>
public enum ComparisonStatus
{
    /// <summary>Tested with Fisher's exact test.</summary>
    Tested,

    /// <summary>Not tested: an expected cell count is below the setting (too few referrals with the value, or too few accepted or not).</summary>
    ExpectedCountTooSmall,
}

/// <summary>One attribute value of one therapist, tested or not.</summary>
/// <param name="Attribute">The attribute's name.</param>
/// <param name="Value">The value compared against all the others.</param>
/// <param name="Counts">The 2x2 table.</param>
/// <param name="Status">Whether it was tested.</param>
/// <param name="RawP">Fisher's two-sided p-value, when tested.</param>
/// <param name="AdjustedP">The Holm-adjusted p-value across the therapist's tested comparisons, when tested.</param>
public sealed record SelectionComparison(
    string Attribute, string Value, AcceptanceCounts Counts, ComparisonStatus Status, double? RawP, double? AdjustedP);

/// <summary>Whether a therapist's decisions were tested.</summary>
public enum SelectionTestStatus
{
    /// <summary>At least one comparison was tested.</summary>
    Tested,

    /// <summary>Not tested: not enough decisions.</summary>
    NotEnoughDecisions,

    /// <summary>Enough decisions, but no comparison had large enough expected counts.</summary>
    NoTestableComparison,
}

/// <summary>What was done with one therapist's decisions.</summary>
/// <param name="TherapistId">The therapist.</param>
/// <param name="Decisions">How many decisions they had.</param>
/// <param name="Status">Tested, or why not.</param>
/// <param name="Comparisons">Every comparison, tested or not (empty when there were not enough decisions).</param>
public sealed record TherapistSelectionSummary(
    Guid TherapistId, int Decisions, SelectionTestStatus Status, IReadOnlyList<SelectionComparison> Comparisons)
{
    /// <summary>How many comparisons were tested (the number Holm's correction allowed for).</summary>
    public int TestedComparisons => Comparisons.Count(c => c.Status == ComparisonStatus.Tested);

    /// <summary>The status in plain words, for the supervisor's page.</summary>
    public string StatusText => Status switch
    {
        SelectionTestStatus.NotEnoughDecisions => "Not enough decisions to look for a pattern.",
        SelectionTestStatus.NoTestableComparison => "Enough decisions, but no attribute value common enough to compare.",
        _ => "Tested.",
    };
}

/// <summary>The flags and, per therapist, what was tested.</summary>
/// <param name="Findings">The patterns worth a look in supervision (supervisor only).</param>
/// <param name="Therapists">One summary per therapist, in therapist id order.</param>
public sealed record SelectionReport(IReadOnlyList<SelectionPatternFinding> Findings, IReadOnlyList<TherapistSelectionSummary> Therapists);

/// <summary>
/// A therapist's acceptance of referrals with one attribute value differs from their acceptance of the others by more
/// than chance easily explains. For the supervisor only; worth a look in supervision, never a finding.
/// </summary>
/// <param name="TherapistId">The therapist.</param>
/// <param name="Attribute">The attribute (for example "funding source").</param>
/// <param name="Value">The value compared with all the others.</param>
/// <param name="Counts">The 2x2 table.</param>
/// <param name="RawP">Fisher's exact two-sided p-value.</param>
/// <param name="AdjustedP">The Holm-adjusted p-value.</param>
/// <param name="Comparisons">How many comparisons were tested for this therapist.</param>
public sealed record SelectionPatternFinding(
    Guid TherapistId, string Attribute, string Value, AcceptanceCounts Counts, double RawP, double AdjustedP, int Comparisons)
    : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.SelectionPattern;

    /// <inheritdoc />
    public override FindingAudience Audience => FindingAudience.SupervisorOnly;

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("Attribute", Attribute),
        new("Value", Value),
        new("Referrals with the value: accepted", Num(Counts.ValueAccepted)),
        new("Referrals with the value: declined or transferred", Num(Counts.ValueNotAccepted)),
        new("Referrals with other values: accepted", Num(Counts.OthersAccepted)),
        new("Referrals with other values: declined or transferred", Num(Counts.OthersNotAccepted)),
        new("Acceptance rate, this value", Percent(Counts.ValueAcceptanceRate)),
        new("Acceptance rate, other values", Percent(Counts.OthersAcceptanceRate)),
        new("Fisher's exact test, two-sided p", PValue(RawP)),
        new("p after Holm's correction", PValue(AdjustedP)),
        new("Comparisons made for this therapist", Num(Comparisons)),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"For the supervisor only. Of {Num(Counts.ValueTotal)} referrals to this therapist with {Attribute} \"{Value}\", " +
        $"{Num(Counts.ValueAccepted)} were accepted ({Percent(Counts.ValueAcceptanceRate)}); of {Num(Counts.OthersTotal)} " +
        $"with another {Attribute}, {Num(Counts.OthersAccepted)} were accepted ({Percent(Counts.OthersAcceptanceRate)}). " +
        $"A difference this large would rarely arise by chance alone (Fisher's exact test p {PValueWords(RawP)}; " +
        $"p {PValueWords(AdjustedP)} after Holm's correction for the {Num(Comparisons)} comparisons made for this therapist). " +
        "This is a statistical pattern, not a finding: it says nothing about why.";

    /// <inheritdoc />
    public override string WhatToConsider =>
        "Worth a look in supervision. What reasons were recorded for the declines and transfers: clinical fit, capacity, " +
        "a colleague's specialism? Could something about the referral, such as how it is funded or where the family lives, " +
        "have shaped the decisions without being intended? Is the pattern already known and explained?";

    private static string PValueWords(double p) => p < 0.001 ? "< 0.001" : "= " + PValue(p);
}
