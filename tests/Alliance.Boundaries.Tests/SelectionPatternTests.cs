using Alliance.Domain;

namespace Alliance.Boundaries.Tests;

[Trait("Capability", "Boundaries")]
public class SelectionPatternTests
{
    private static readonly Guid Biased = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Even = Guid.Parse("00000000-0000-0000-0000-000000000002");

    private static IEnumerable<IntakeDecisionInput> Decisions(Guid therapist, int accepted, int notAccepted, params (string Name, string Value)[] attributes)
    {
        var map = attributes.ToDictionary(a => a.Name, a => a.Value);
        for (int i = 0; i < accepted; i++)
            yield return new IntakeDecisionInput(therapist, IntakeOutcome.Accepted, map);
        for (int i = 0; i < notAccepted; i++)
            yield return new IntakeDecisionInput(therapist, i % 2 == 0 ? IntakeOutcome.Declined : IntakeOutcome.Transferred, map);
    }

    [Fact]
    public void AClearlyUnevenTherapistIsFlaggedForTheSupervisorOnly()
    {
        // Private funding 18 of 20 accepted, public 4 of 20: [[18,2],[4,16]], Fisher p = 1.664e-5 (exact rational
        // arithmetic); two comparisons (each value against the other), Holm: 2 × 1.664e-5 = 3.33e-5 < 0.05.
        var decisions = Decisions(Biased, 18, 2, ("funding", "private")).Concat(Decisions(Biased, 4, 16, ("funding", "public")));

        var report = SelectionPatterns.Find(decisions);

        var flag = Assert.Single(report.Findings, f => f.Value == "private");
        Assert.Equal(Biased, flag.TherapistId);
        Assert.Equal("funding", flag.Attribute);
        Assert.Equal(new AcceptanceCounts(18, 2, 4, 16), flag.Counts);
        Assert.Equal(0.9, flag.Counts.ValueAcceptanceRate, 12);
        Assert.Equal(0.2, flag.Counts.OthersAcceptanceRate, 12);
        Assert.Equal(1.6643814099924754e-05, flag.RawP, 15);
        Assert.Equal(2 * 1.6643814099924754e-05, flag.AdjustedP, 15);
        Assert.Equal(2, flag.Comparisons);
        Assert.Equal(FindingAudience.SupervisorOnly, flag.Audience);
        Assert.Equal("selection-pattern", flag.Kind);
        Assert.StartsWith("For the supervisor only.", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("18 were accepted (90%)", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("4 were accepted (20%)", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("not a finding", flag.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Worth a look in supervision", flag.WhatToConsider, StringComparison.Ordinal);
        Assert.DoesNotContain("bias", flag.Explanation + flag.WhatToConsider, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(flag.Evidence, e => e.Label == "Comparisons made for this therapist" && e.Value == "2");
        // The same two-valued table, seen from the other value.
        Assert.Single(report.Findings, f => f.Value == "public");
    }

    [Fact]
    public void AnEvenTherapistIsTestedButNotFlagged()
    {
        var decisions = Decisions(Even, 10, 10, ("funding", "private")).Concat(Decisions(Even, 10, 10, ("funding", "public")));

        var report = SelectionPatterns.Find(decisions);

        Assert.Empty(report.Findings);
        var summary = Assert.Single(report.Therapists);
        Assert.Equal(SelectionTestStatus.Tested, summary.Status);
        Assert.Equal(2, summary.TestedComparisons);
        Assert.All(summary.Comparisons, c => Assert.Equal(1.0, c.RawP!.Value, 12));
    }

    [Fact]
    public void FewerThanTwentyDecisionsAreNotTested()
    {
        // 19 decisions, however uneven, are not enough.
        var decisions = Decisions(Biased, 10, 0, ("funding", "private")).Concat(Decisions(Biased, 0, 9, ("funding", "public")));

        var report = SelectionPatterns.Find(decisions);

        Assert.Empty(report.Findings);
        var summary = Assert.Single(report.Therapists);
        Assert.Equal(19, summary.Decisions);
        Assert.Equal(SelectionTestStatus.NotEnoughDecisions, summary.Status);
        Assert.Equal("Not enough decisions to look for a pattern.", summary.StatusText);
        Assert.Empty(summary.Comparisons);
    }

    [Fact]
    public void TwentyDecisionsExactlyAreTested()
    {
        // Boundary: 20 = the minimum. [[10,0],[0,10]]: p = 2 / C(20,10) = 2/184756 = 1.0825e-5; Holm × 2.
        var decisions = Decisions(Biased, 10, 0, ("funding", "private")).Concat(Decisions(Biased, 0, 10, ("funding", "public")));

        var report = SelectionPatterns.Find(decisions);

        Assert.Equal(SelectionTestStatus.Tested, Assert.Single(report.Therapists).Status);
        Assert.Equal(2.0 / 184756.0, report.Findings[0].RawP, 15);
    }

    [Fact]
    public void SmallExpectedCountsAreNotTested()
    {
        // 30 decisions; "rare" has 3 referrals (none accepted), so the expected count of its accepted cell is
        // 3 × 15 / 30 = 1.5 < 5: neither comparison of this two-valued attribute is tested.
        var decisions = Decisions(Biased, 0, 3, ("band", "rare")).Concat(Decisions(Biased, 15, 12, ("band", "common")));

        var report = SelectionPatterns.Find(decisions);

        Assert.Empty(report.Findings);
        var summary = Assert.Single(report.Therapists);
        Assert.Equal(SelectionTestStatus.NoTestableComparison, summary.Status);
        Assert.All(summary.Comparisons, c => Assert.Equal(ComparisonStatus.ExpectedCountTooSmall, c.Status));
        Assert.Equal(1.5, summary.Comparisons.Single(c => c.Value == "rare").Counts.SmallestExpectedCount, 12);
    }

    [Fact]
    public void HolmTurnsAMarginalRawPIntoNoFlagAcrossSeveralComparisons()
    {
        // Funding: grant 21 of 30 accepted, self 12 of 30: [[21,9],[12,18]], Fisher p = 0.036992 (exact rational
        // arithmetic), below 0.05 on its own. Band X, Y, Z: 11 of 20 accepted each (no difference, p = 1).
        // Five comparisons; the two funding ones tie for smallest: Holm 5 × 0.036992 = 0.18496 ≥ 0.05: no flag.
        var decisions = new List<IntakeDecisionInput>();
        string[] bands = ["X", "Y", "Z"];
        void Add(string funding, int accepted, int notAccepted)
        {
            for (int i = 0; i < accepted; i++)
                decisions.Add(new(Biased, IntakeOutcome.Accepted, new Dictionary<string, string> { ["funding"] = funding, ["band"] = bands[i % 3] }));
            for (int i = 0; i < notAccepted; i++)
                decisions.Add(new(Biased, IntakeOutcome.Declined, new Dictionary<string, string> { ["funding"] = funding, ["band"] = bands[i % 3] }));
        }

        Add("grant", 21, 9);
        Add("self", 12, 18);

        var report = SelectionPatterns.Find(decisions);

        Assert.Empty(report.Findings);
        var summary = Assert.Single(report.Therapists);
        Assert.Equal(5, summary.TestedComparisons);
        var grant = summary.Comparisons.Single(c => c.Value == "grant");
        Assert.Equal(0.036992395940511104, grant.RawP!.Value, 13);
        Assert.True(grant.RawP < 0.05);
        Assert.Equal(5 * 0.036992395940511104, grant.AdjustedP!.Value, 12);
    }

    [Fact]
    public void DecisionsWithoutAValueTakeNoPartInThatAttribute()
    {
        var decisions = Decisions(Even, 10, 10, ("funding", "private"))
            .Concat(Decisions(Even, 10, 10, ("funding", "public")))
            .Concat(Decisions(Even, 5, 0, ("funding", " ")));

        var summary = Assert.Single(SelectionPatterns.Find(decisions).Therapists);

        Assert.Equal(45, summary.Decisions);
        Assert.Equal(["private", "public"], summary.Comparisons.Select(c => c.Value));
        Assert.All(summary.Comparisons, c => Assert.Equal(40, c.Counts.ValueTotal + c.Counts.OthersTotal));
    }

    [Fact]
    public void SettingsOutOfRangeNameTheField()
    {
        var error = Assert.Throws<DomainRuleException>(() => SelectionPatterns.Find([], new SelectionSettings { Alpha = 0 }));
        Assert.Equal("alpha", error.Field);
        error = Assert.Throws<DomainRuleException>(() => SelectionPatterns.Find([], new SelectionSettings { MinDecisions = 1 }));
        Assert.Equal("minDecisions", error.Field);
    }

    [Fact]
    public void AgencySettingsChangeTheOutcome()
    {
        // With a minimum of 40 decisions, the clearly uneven 40-decision therapist is still tested; with 41 it is not.
        var decisions = Decisions(Biased, 18, 2, ("funding", "private")).Concat(Decisions(Biased, 4, 16, ("funding", "public"))).ToList();
        Assert.NotEmpty(SelectionPatterns.Find(decisions, new SelectionSettings { MinDecisions = 40 }).Findings);
        Assert.Empty(SelectionPatterns.Find(decisions, new SelectionSettings { MinDecisions = 41 }).Findings);
    }
}
