using static Alliance.Measures.Tests.TestSupport;

namespace Alliance.Measures.Tests;

/// <summary>Scoring of every built-in instrument against hand-worked examples.</summary>
[Trait("Capability", "Measures")]
public sealed class ScoringTests
{
    // ---- alliance-check and wellbeing-check (and their child versions): sum of four 0-10 items, all required ----

    [Fact]
    public void AllianceCheckSumsItsFourItems()
    {
        // 9 + 8 + 7 + 10 = 34, below the provisional cutoff 36: low alliance.
        var instrument = BuiltIn("alliance-check");
        var score = instrument.Score([Scale("heard", 9), Scale("goals", 8), Scale("approach", 7), Scale("overall", 10)]);

        Assert.Equal(34m, score.Total);
        Assert.Equal(0, score.MissingItems);
        Assert.True(instrument.IsClinical(score.Total!.Value, Norm.Adult));
    }

    [Fact]
    public void AllianceCheckIgnoresTheFreeTextComment()
    {
        // 10 + 10 + 9 + 9 = 38; the comment is not scored.
        var score = BuiltIn("alliance-check").Score(
        [
            Scale("heard", 10), Scale("goals", 10), Scale("approach", 9), Scale("overall", 9),
            new ItemAnswer("comment", AnswerValue.FreeText("I did not like talking about school")) { IsPrivate = true },
        ]);

        Assert.Equal(38m, score.Total);
    }

    [Fact]
    public void AllianceCheckWithAMissingItemIsUnscorableAndSaysWhy()
    {
        var score = BuiltIn("alliance-check").Score([Scale("heard", 9), Scale("goals", 8), Scale("overall", 10)]);

        Assert.Null(score.Total);
        Assert.False(score.IsScorable);
        Assert.Equal(1, score.MissingItems);
        Assert.Equal("1 of 4 items unanswered (approach); Alliance check needs every item answered", score.UnscorableReason);
    }

    [Fact]
    public void ChildAllianceCheckSumsItsFourItems()
    {
        // 10 + 10 + 9 + 8 = 37: not low (36 or more).
        var score = BuiltIn("child-alliance-check").Score([Scale("heard", 10), Scale("goals", 10), Scale("approach", 9), Scale("overall", 8)]);

        Assert.Equal(37m, score.Total);
    }

    [Fact]
    public void WellbeingCheckSumsItsFourItems()
    {
        // 5 + 6 + 4 + 7 = 22: clinical for adults (below 25) and children (below 32).
        var instrument = BuiltIn("wellbeing-check");
        var score = instrument.Score([Scale("personal", 5), Scale("relationships", 6), Scale("social", 4), Scale("overall", 7)]);

        Assert.Equal(22m, score.Total);
        Assert.True(instrument.IsClinical(22, Norm.Adult));
        Assert.True(instrument.IsClinical(22, Norm.Child));
    }

    [Fact]
    public void ChildWellbeingCheckSumsItsFourItemsAndUsesTheChildCutoff()
    {
        // 8 + 9 + 7 + 6 = 30: clinical by the child cutoff (below 32), not by the adult one (25).
        var instrument = BuiltIn("child-wellbeing-check");
        var score = instrument.Score([Scale("personal", 8), Scale("relationships", 9), Scale("social", 7), Scale("overall", 6)]);

        Assert.Equal(30m, score.Total);
        Assert.True(instrument.IsClinical(30, Norm.Child));
        Assert.False(instrument.IsClinical(30, Norm.Adult));
    }

    [Fact]
    public void WellbeingCheckWithoutAnswersIsUnscorable()
    {
        var score = BuiltIn("wellbeing-check").Score([]);

        Assert.Null(score.Total);
        Assert.Equal(4, score.MissingItems);
    }

    // ---- family-alliance: 8 items 1-5, two reverse-scored, four dimension sums, total 8-40 ----

    private static List<ItemAnswer> FamilyAnswers(Instrument instrument, int? holdingBack = 2) =>
    [
        Option(instrument, "engagement-helping", 4),
        Option(instrument, "engagement-say", 5),
        Option(instrument, "connection-trust", 5),
        Option(instrument, "connection-care", 4),
        Option(instrument, "safety-speak", 4),
        .. holdingBack is { } value ? [Option(instrument, "safety-holding-back", value)] : new List<ItemAnswer>(),
        Option(instrument, "purpose-together", 3),
        Option(instrument, "purpose-different", 4),
    ];

    [Fact]
    public void FamilyAllianceScoresDimensionsWithReverseScoredItems()
    {
        // engagement 4 + 5 = 9; connection 5 + 4 = 9;
        // safety 4 + (1 + 5 - 2 = 4, reverse-scored) = 8; shared purpose 3 + (1 + 5 - 4 = 2, reverse-scored) = 5;
        // total 9 + 9 + 8 + 5 = 31.
        var instrument = BuiltIn("family-alliance");
        var score = instrument.Score(FamilyAnswers(instrument));

        Assert.Equal(31m, score.Total);
        Assert.Equal(9m, score.Subscale("engagement")!.Score);
        Assert.Equal(9m, score.Subscale("connection")!.Score);
        Assert.Equal(8m, score.Subscale("safety")!.Score);
        Assert.Equal(5m, score.Subscale("shared-purpose")!.Score);
    }

    [Fact]
    public void FamilyAllianceWithAMissingItemKeepsTheOtherDimensions()
    {
        // Without safety-holding-back: safety cannot be scored, so neither can the total; the other dimensions can.
        var instrument = BuiltIn("family-alliance");
        var score = instrument.Score(FamilyAnswers(instrument, holdingBack: null));

        Assert.Null(score.Total);
        Assert.Equal("1 of 8 items unanswered (safety-holding-back); Family alliance needs every item answered", score.UnscorableReason);
        Assert.Null(score.Subscale("safety")!.Score);
        Assert.Contains("safety-holding-back", score.Subscale("safety")!.UnscorableReason, StringComparison.Ordinal);
        Assert.Equal(9m, score.Subscale("engagement")!.Score);
        Assert.Equal(5m, score.Subscale("shared-purpose")!.Score);
    }

    [Fact]
    public void ReverseScoringTurnsTheScaleAround()
    {
        var item = BuiltIn("family-alliance").FindItem("safety-holding-back")!;

        // 1 + 5 - answer
        Assert.Equal([5m, 4m, 3m, 2m, 1m], new[] { 1m, 2m, 3m, 4m, 5m }.Select(item.ScoredValue));
    }

    // ---- PHQ-9: 9 items 0-3, prorated when at most two are missing, bands, item 9 flag ----

    [Fact]
    public void Phq9SumsItsItemsAndIgnoresTheDifficultyQuestion()
    {
        // 1 + 1 + 2 + 0 + 1 + 2 + 1 + 0 + 0 = 8: mild. The difficulty question is not scored.
        var instrument = BuiltIn("phq-9");
        var answers = Options(instrument, "phq9-", 1, 1, 2, 0, 1, 2, 1, 0, 0);
        answers.Add(new ItemAnswer("difficulty", AnswerValue.Option("very")));

        var score = instrument.Score(answers);

        Assert.Equal(8m, score.Total);
        Assert.Equal("mild", score.Band!.Code);
        Assert.Empty(score.RiskFlags);
        Assert.False(score.Prorated);
    }

    [Theory]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, "minimal")]
    [InlineData(new[] { 1, 1, 1, 1, 0, 0, 0, 0, 0 }, 4, "minimal")]
    [InlineData(new[] { 1, 1, 1, 1, 1, 0, 0, 0, 0 }, 5, "mild")]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 9, "mild")]
    [InlineData(new[] { 2, 1, 1, 1, 1, 1, 1, 1, 1 }, 10, "moderate")]
    [InlineData(new[] { 2, 2, 2, 2, 2, 1, 1, 1, 1 }, 14, "moderate")]
    [InlineData(new[] { 2, 2, 2, 2, 2, 2, 1, 1, 1 }, 15, "moderately-severe")]
    [InlineData(new[] { 3, 3, 3, 2, 2, 2, 2, 2, 0 }, 19, "moderately-severe")]
    [InlineData(new[] { 3, 3, 3, 3, 2, 2, 2, 2, 0 }, 20, "severe")]
    [InlineData(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3 }, 27, "severe")]
    public void Phq9BandsAreThoseOfKroenke2001(int[] items, int total, string band)
    {
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", [.. items.Select(i => (int?)i)]));

        Assert.Equal(total, score.Total);
        Assert.Equal(band, score.Band!.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Phq9ItemNineAboveZeroRaisesARiskFlag(int itemNine)
    {
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", 0, 0, 0, 0, 0, 0, 0, 0, itemNine));

        var flag = Assert.Single(score.RiskFlags);
        Assert.Equal("phq9-9", flag.LinkId);
        Assert.Equal(itemNine, flag.Value);
        Assert.Contains("Review risk", flag.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Phq9ItemNineRaisesItsFlagEvenWhenTheTotalCannotBeScored()
    {
        // Only items 1, 2 and 9 answered: seven missing, unscorable, but the risk is still flagged.
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", 1, 1, null, null, null, null, null, null, 2));

        Assert.Null(score.Total);
        Assert.Single(score.RiskFlags);
    }

    [Fact]
    public void Phq9WithOneMissingItemIsProrated()
    {
        // Item 5 missing; answered 2+2+2+1+1+2+1+2 = 13 over 8 items; 13 x 9 / 8 = 14.625, rounded 15: moderately severe.
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", 2, 2, 2, 1, null, 1, 2, 1, 2));

        Assert.Equal(15m, score.Total);
        Assert.True(score.Prorated);
        Assert.Equal(1, score.MissingItems);
        Assert.Equal("moderately-severe", score.Band!.Code);
    }

    [Fact]
    public void Phq9WithTwoMissingItemsIsProrated()
    {
        // Items 3 and 7 missing; answered 2+1+1+2+1+2+1 = 10 over 7; 10 x 9 / 7 = 12.857, rounded 13.
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", 2, 1, null, 1, 2, 1, null, 2, 1));

        Assert.Equal(13m, score.Total);
        Assert.Equal(2, score.MissingItems);
    }

    [Fact]
    public void Phq9ProratingRoundsHalvesAwayFromZero()
    {
        // Item 9 missing; answered 1+1+1+1+0+0+0+0 = 4 over 8; 4 x 9 / 8 = 4.5, rounded 5 (mild), not 4 (minimal).
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", 1, 1, 1, 1, 0, 0, 0, 0, null));

        Assert.Equal(5m, score.Total);
        Assert.Equal("mild", score.Band!.Code);
    }

    [Fact]
    public void Phq9WithThreeMissingItemsIsUnscorable()
    {
        var instrument = BuiltIn("phq-9");
        var score = instrument.Score(Options(instrument, "phq9-", 2, 1, null, 1, null, 1, null, 2, 1));

        Assert.Null(score.Total);
        Assert.Null(score.Band);
        Assert.Equal(3, score.MissingItems);
        Assert.Equal(
            "3 of 9 items unanswered (phq9-3, phq9-5, phq9-7); PHQ-9 (depression) can be prorated only when at most 2 are missing",
            score.UnscorableReason);
    }

    // ---- GAD-7: 7 items 0-3, prorated when at most one is missing ----

    [Fact]
    public void Gad7SumsItsItems()
    {
        // 2 + 2 + 1 + 1 + 0 + 1 + 1 = 8: mild, and at the IAPT caseness cutoff (8 or more).
        var instrument = BuiltIn("gad-7");
        var score = instrument.Score(Options(instrument, "gad7-", 2, 2, 1, 1, 0, 1, 1));

        Assert.Equal(8m, score.Total);
        Assert.Equal("mild", score.Band!.Code);
        Assert.True(instrument.IsClinical(8, Norm.Adult));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 0, 0, 0 }, "minimal")]
    [InlineData(new[] { 1, 1, 1, 1, 1, 0, 0 }, "mild")]
    [InlineData(new[] { 2, 2, 2, 1, 1, 1, 1 }, "moderate")]
    [InlineData(new[] { 3, 3, 3, 2, 2, 1, 1 }, "severe")]
    public void Gad7BandsAreThoseOfSpitzer2006(int[] items, string band)
    {
        // Totals 4, 5, 10 and 15: the first value of each band but the first.
        var instrument = BuiltIn("gad-7");
        var score = instrument.Score(Options(instrument, "gad7-", [.. items.Select(i => (int?)i)]));

        Assert.Equal(band, score.Band!.Code);
    }

    [Fact]
    public void Gad7WithOneMissingItemIsProrated()
    {
        // Item 4 missing; answered 2+2+1+1+2+1 = 9 over 6; 9 x 7 / 6 = 10.5, rounded 11: moderate.
        var instrument = BuiltIn("gad-7");
        var score = instrument.Score(Options(instrument, "gad7-", 2, 2, 1, null, 1, 2, 1));

        Assert.Equal(11m, score.Total);
        Assert.True(score.Prorated);
    }

    [Fact]
    public void Gad7WithTwoMissingItemsIsUnscorable()
    {
        var instrument = BuiltIn("gad-7");
        var score = instrument.Score(Options(instrument, "gad7-", 2, 2, 1, null, 1, null, 1));

        Assert.Null(score.Total);
        Assert.EndsWith("can be prorated only when at most 1 is missing", score.UnscorableReason, StringComparison.Ordinal);
    }

    // ---- self-efficacy-check: 4 items 1-10, prorated when one is missing ----

    [Fact]
    public void SelfEfficacySumsItsItems()
    {
        // 7 + 6 + 8 + 5 = 26
        var score = BuiltIn("self-efficacy-check").Score([Scale("handle", 7), Scale("calm", 6), Scale("support", 8), Scale("progress", 5)]);

        Assert.Equal(26m, score.Total);
    }

    [Fact]
    public void SelfEfficacyWithOneMissingItemIsProrated()
    {
        // 7 + 6 + 8 = 21 over 3; 21 x 4 / 3 = 28.
        var score = BuiltIn("self-efficacy-check").Score([Scale("handle", 7), Scale("calm", 6), Scale("support", 8)]);

        Assert.Equal(28m, score.Total);
        Assert.True(score.Prorated);
    }

    [Fact]
    public void SelfEfficacyWithTwoMissingItemsIsUnscorable() =>
        Assert.Null(BuiltIn("self-efficacy-check").Score([Scale("handle", 7), Scale("calm", 6)]).Total);

    // ---- therapist-empathy-observation: 9 items 1-5, one unobservable item prorated ----

    private static readonly string[] EmpathyItems =
        ["warmth", "interest", "respect", "eye-contact", "concern", "engaging", "understanding", "tone", "not-interrupting"];

    private static List<ItemAnswer> Empathy(params int?[] scores)
    {
        var instrument = BuiltIn("therapist-empathy-observation");
        return [.. EmpathyItems.Zip(scores).Where(x => x.Second is not null).Select(x => Option(instrument, x.First, x.Second!.Value))];
    }

    [Fact]
    public void EmpathyObservationSumsItsNineBehaviours()
    {
        // 4 + 4 + 5 + 3 + 4 + 3 + 4 + 5 + 4 = 36
        var score = BuiltIn("therapist-empathy-observation").Score(Empathy(4, 4, 5, 3, 4, 3, 4, 5, 4));

        Assert.Equal(36m, score.Total);
    }

    [Fact]
    public void EmpathyObservationProratesEyeContactThatCouldNotBeSeen()
    {
        // Audio recording: eye contact unrated, face-visible answered no (not scored).
        // 4 + 4 + 5 + 4 + 3 + 4 + 5 + 4 = 33 over 8; 33 x 9 / 8 = 37.125, rounded 37.
        var answers = Empathy(4, 4, 5, null, 4, 3, 4, 5, 4);
        answers.Add(new ItemAnswer("face-visible", AnswerValue.YesNo(false)));

        var score = BuiltIn("therapist-empathy-observation").Score(answers);

        Assert.Equal(37m, score.Total);
        Assert.True(score.Prorated);
    }

    [Fact]
    public void EmpathyObservationWithTwoUnratedBehavioursIsUnscorable() =>
        Assert.Null(BuiltIn("therapist-empathy-observation").Score(Empathy(4, 4, 5, null, 4, null, 4, 5, 4)).Total);

    // ---- observer-family-alliance: per-member ratings -3..3, dimension means, total the mean of the four ----

    private static List<ItemAnswer> Observed(int? sharedPurpose = 1, bool rateThirdOnSafety = true) =>
    [
        Scale("engagement", 2, "m1"), Scale("connection", 1, "m1"), Scale("safety", 0, "m1"),
        Scale("engagement", 1, "m2"), Scale("connection", 2, "m2"), Scale("safety", -1, "m2"),
        Scale("engagement", 3, "m3"), Scale("connection", 2, "m3"),
        .. rateThirdOnSafety ? [Scale("safety", 2, "m3")] : new List<ItemAnswer>(),
        .. sharedPurpose is { } value ? [Scale("shared-purpose", value)] : new List<ItemAnswer>(),
    ];

    [Fact]
    public void ObserverFamilyAllianceIsTheMeanOfTheDimensionMeans()
    {
        // engagement (2 + 1 + 3) / 3 = 2; connection (1 + 2 + 2) / 3 = 1.667; safety (0 - 1 + 2) / 3 = 0.333;
        // shared purpose 1. Total (2 + 1.667 + 0.333 + 1) / 4 = 5 / 4 = 1.25, rounded to one decimal 1.3.
        var score = BuiltIn("observer-family-alliance").Score(Observed());

        Assert.Equal(1.3m, score.Total);
        Assert.Equal(2.0m, score.Subscale("engagement")!.Score);
        Assert.Equal(1.7m, score.Subscale("connection")!.Score);
        Assert.Equal(0.3m, score.Subscale("safety")!.Score);
        Assert.Equal(1.0m, score.Subscale("shared-purpose")!.Score);
    }

    [Fact]
    public void ObserverFamilyAllianceRoundsNegativeHalvesAwayFromZero()
    {
        // One member: engagement -1, connection -1, safety -2; shared purpose -1.
        // (-1 - 1 - 2 - 1) / 4 = -1.25, rounded to one decimal half away from zero: -1.3.
        var answers = new List<ItemAnswer>
        {
            Scale("engagement", -1, "m1"), Scale("connection", -1, "m1"), Scale("safety", -2, "m1"), Scale("shared-purpose", -1),
        };

        Assert.Equal(-1.3m, BuiltIn("observer-family-alliance").Score(answers).Total);
    }

    [Fact]
    public void ObserverFamilyAllianceLeavesAnUnratedMemberOutOfThatDimension()
    {
        // m3 not rated on safety: safety (0 - 1) / 2 = -0.5.
        // Total (2 + 1.667 - 0.5 + 1) / 4 = 4.167 / 4 = 1.042, rounded 1.0.
        var score = BuiltIn("observer-family-alliance").Score(Observed(rateThirdOnSafety: false));

        Assert.Equal(-0.5m, score.Subscale("safety")!.Score);
        Assert.Equal(1.0m, score.Total);
        Assert.Equal(1, score.MissingItems);
    }

    [Fact]
    public void ObserverFamilyAllianceNeedsSharedPurpose()
    {
        var score = BuiltIn("observer-family-alliance").Score(Observed(sharedPurpose: null));

        Assert.Null(score.Total);
        Assert.Equal(
            "the total needs every subscale: Shared sense of purpose within the family has no rating",
            score.UnscorableReason);
        Assert.Equal(2.0m, score.Subscale("engagement")!.Score);
    }

    [Fact]
    public void ObserverFamilyAllianceNeedsAtLeastOneRatedMember()
    {
        var score = BuiltIn("observer-family-alliance").Score([Scale("shared-purpose", 2)]);

        Assert.Null(score.Total);
        Assert.Contains("no member was rated", score.UnscorableReason, StringComparison.Ordinal);
    }

    // ---- answers with errors are never scored ----

    [Fact]
    public void AnswersWithErrorsAreNotScored()
    {
        var score = BuiltIn("alliance-check").Score([Scale("heard", 11), Scale("goals", 8), Scale("approach", 7), Scale("overall", 10)]);

        Assert.Null(score.Total);
        Assert.Equal("the answers have errors: heard: 11 is outside the scale 0 to 10", score.UnscorableReason);
    }
}
