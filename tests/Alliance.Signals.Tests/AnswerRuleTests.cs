using Alliance.Spreadsheets;

namespace Alliance.Signals.Tests;

/// <summary>
/// The rules over stored answers: split alliance on the dimensions of the family instruments, and the PHQ-9 item 9 risk
/// answer, with hand-worked numbers at their boundaries; and that they stay out of the spreadsheet format's kinds.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class AnswerRuleTests
{
    private static readonly decimal FamilyThreshold = SignalRules.Default.FamilyAllianceSplit.ToDecimal();
    private static readonly decimal ObserverThreshold = SignalRules.Default.ObserverFamilyAllianceSplit.ToDecimal();

    [Theory]
    [InlineData("4.5", "3.0", true)] // 1.5 apart: exactly the default
    [InlineData("4.5", "3.5", false)] // 1.0 apart
    [InlineData("3.0", "4.5", true)] // either order
    [InlineData("5", "3.5", true)]
    [InlineData("5", "3.6", false)] // 1.4 apart (a mean of an odd count can fall between halves)
    public void FamilyAllianceSplitsAtOneAndAHalfApartOnADimension(string first, string second, bool fires)
    {
        DimensionScore[] scores =
        [
            new("Ana", "engagement", 4m), new("Ben", "engagement", 4m),
            new("Ana", "shared-purpose", decimal.Parse(first, System.Globalization.CultureInfo.InvariantCulture)),
            new("Ben", "shared-purpose", decimal.Parse(second, System.Globalization.CultureInfo.InvariantCulture)),
        ];
        var splits = AnswerRules.DimensionSplits(scores, FamilyThreshold);
        Assert.Equal(fires ? ["shared-purpose"] : [], splits.Select(s => s.Dimension));
    }

    [Theory]
    [InlineData(2, -1, true)] // 3 apart: exactly the default
    [InlineData(2, 0, false)] // 2 apart
    [InlineData(-3, 3, true)]
    public void ObserverRatingsSplitAtThreeApartOnADimension(int first, int second, bool fires)
    {
        DimensionScore[] scores = [new("Ana", "safety", first), new("Ben", "safety", second), new("Cal", "safety", 1)];
        Assert.Equal(fires ? 1 : 0, AnswerRules.DimensionSplits(scores, ObserverThreshold).Count);
    }

    [Fact]
    public void TheWidestDimensionComesFirstAndOneMemberIsNeverASplit()
    {
        DimensionScore[] scores =
        [
            new("Ben", "engagement", 5m), new("Ana", "engagement", 3.5m), // 1.5
            new("Ana", "safety", 5m), new("Ben", "safety", 2m), // 3
            new("Ana", "connection", 1m), // Ana alone
            new("Ana", "shared-purpose", 1m), new("Ana", "shared-purpose", 4m), new("Ben", "shared-purpose", 4m), // Ana's later 4 replaces her 1
        ];
        var splits = AnswerRules.DimensionSplits(scores, FamilyThreshold);
        Assert.Equal(["safety", "engagement"], splits.Select(s => s.Dimension));
        Assert.Equal(3m, splits[0].Difference);
        Assert.Equal(["Ana", "Ben"], splits[1].Scores.Select(s => s.MemberId)); // by member id
    }

    [Fact]
    public void ASplitAlertNamesTheFamilyInstrumentEveryDimensionAndTheWidestOnesScoresAsEvidence()
    {
        DimensionScore[] scores =
        [
            new("Ben", "safety", 2m), new("Ana", "safety", 5m),
            new("Ana", "engagement", 4.5m), new("Ben", "engagement", 3m),
        ];
        var splits = AnswerRules.DimensionSplits(scores, FamilyThreshold);
        var alert = AnswerRules.SplitAlert("F1", 3, "family-alliance", splits,
            code => code == "safety" ? "Feeling safe in the sessions" : "Engagement in the process", SignalRules.Default.FamilyAllianceSplit);

        Assert.Equal((AlertKind.SplitAlliance, "split-alliance", AlertSeverity.Medium), (alert.Kind, alert.KindCode, alert.Severity));
        Assert.Equal(("family-alliance", (string?)null, (int?)3), (alert.Instrument, alert.MemberId, alert.SessionNumber));
        Assert.Equal([("Ana", "5"), ("Ben", "2")], alert.Evidence.Select(e => (e.MemberId!, e.Score!.Value.ToString())));
        Assert.Equal(
            "At session 3 the family members' family-alliance scores were 3 apart on Feeling safe in the sessions (Ana 5, Ben 2); and 1.5 apart on Engagement in the process (Ana 4.5, Ben 3); a difference of 1.5 or more on a dimension suggests a split alliance.",
            alert.Message);
        Assert.Contains("restate a goal", alert.ConsiderNext, StringComparison.Ordinal);
    }

    [Fact]
    public void APhqNineItemNineAnswerIsAHighAlertWithTheItemAndValueAndWhatToDoToday()
    {
        var alert = AnswerRules.RiskAnswerAlert("F1", "Maya", 4, "phq-9", 9, Score.FromPoints(2), Score.FromPoints(14));
        Assert.Equal((AlertKind.Phq9Item9Risk, "phq9-item9-risk", AlertSeverity.High), (alert.Kind, alert.KindCode, alert.Severity));
        Assert.Equal(("Maya", (int?)4, "phq-9"), (alert.MemberId, alert.SessionNumber, alert.Instrument));
        var evidence = Assert.Single(alert.Evidence);
        Assert.Equal(((int?)4, (int?)9, "2", "14"), (evidence.SessionNumber, evidence.Item, evidence.ItemValue.ToString(), evidence.Score.ToString()));
        Assert.Equal("Member Maya answered item 9 of phq-9 at session 4 with 2 on its 0 to 3 scale; any answer above 0 flags a risk of self-harm.", alert.Message);
        foreach (var words in new[] { "today", "safety procedure", "supervisor" })
            Assert.Contains(words, alert.ConsiderNext, StringComparison.Ordinal);

        // Only the stored flag known: the sentence says "above 0".
        var flagOnly = AnswerRules.RiskAnswerAlert("F1", "Maya", 4, "phq-9", 9, null, null);
        Assert.Contains("answered item 9 of phq-9 at session 4 above 0", flagOnly.Message, StringComparison.Ordinal);
        Assert.Null(flagOnly.Evidence[0].ItemValue);
    }

    [Fact]
    public void TheAnswerKindsAreNotTheFormatsKinds()
    {
        Assert.DoesNotContain(AlertKind.Phq9Item9Risk, AlertKinds.All);
        Assert.Equal([AlertKind.Phq9Item9Risk], AlertKinds.FromAnswers);
        Assert.True(AlertKinds.TryParse("phq9-item9-risk", out var kind));
        Assert.Equal(AlertKind.Phq9Item9Risk, kind);
        // Its place in the ordinal order is where its word sorts, without moving the format's kinds relative to each other.
        var all = AlertKinds.All.Concat(AlertKinds.FromAnswers).ToList();
        Assert.Equal(all.Select(AlertKinds.Code).Order(StringComparer.Ordinal), all.OrderBy(AlertKinds.OrdinalRank).Select(AlertKinds.Code));
    }

    [Fact]
    public void TheSplitNumbersHaveDefaultsAndAreReadFromTheRulesFile()
    {
        Assert.Equal((Score.FromTenths(15), Score.FromPoints(3)), (SignalRules.Default.FamilyAllianceSplit, SignalRules.Default.ObserverFamilyAllianceSplit));
        var rules = SignalRulesFile.Parse("""{"family_alliance_split": 2, "observer_family_alliance_split": 2.5}""");
        Assert.Equal((Score.FromPoints(2), Score.FromTenths(25)), (rules.FamilyAllianceSplit, rules.ObserverFamilyAllianceSplit));
        Assert.Equal(SignalRules.Default with { FamilyAllianceSplit = rules.FamilyAllianceSplit, ObserverFamilyAllianceSplit = rules.ObserverFamilyAllianceSplit }, rules);
        var error = Assert.Throws<SignalRulesFileException>(() => SignalRulesFile.Parse("""{"family_alliance_split": 0}"""));
        Assert.Equal("family_alliance_split", error.Field);
    }
}
