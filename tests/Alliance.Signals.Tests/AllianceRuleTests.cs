using Alliance.Signals;

namespace Alliance.Signals.Tests;

/// <summary>Low alliance, rupture, repair and unrepaired rupture, at their boundaries (hand-worked).</summary>
[Trait("Capability", "Signals")]
public sealed class AllianceRuleTests
{
    private static TestFolder OneMember(params string[] alliance) =>
        new TestFolder().Member("F1", "M1").Sessions("F1", alliance.Length).Series("F1", "M1", "alliance-check", alliance);

    [Theory]
    [InlineData("35.9", true)]
    [InlineData("35", true)]
    [InlineData("36", false)]
    [InlineData("36.0", false)]
    [InlineData("40", false)]
    [InlineData("0", true)]
    public void LowAllianceFiresOnlyBelowTheCutoffOf36(string score, bool fires)
    {
        var keys = OneMember(score).Keys(AlertKind.LowAlliance);
        Assert.Equal(fires ? ["1:M1:alliance-check"] : [], keys);
    }

    [Fact]
    public void LowAllianceFiresAtEverySuchRating()
    {
        Assert.Equal(["1:M1:alliance-check", "3:M1:alliance-check"], OneMember("30", "38", "35").Keys(AlertKind.LowAlliance));
    }

    [Fact]
    public void LowAllianceUsesTheChildVersionsCutoffAndNamesItsInstrument()
    {
        var folder = new TestFolder().Member("F1", "M1", "child", 2015).Sessions("F1", 2)
            .Score("F1", "M1", 1, "child-alliance-check", "35")
            .Score("F1", "M1", 2, "child-alliance-check", "36");
        Assert.Equal(["1:M1:child-alliance-check"], folder.Keys(AlertKind.LowAlliance));
    }

    [Theory]
    [InlineData("38", "33", true)] // a drop of exactly 5
    [InlineData("38", "33.1", false)] // 4.9
    [InlineData("36.3", "31.3", true)] // exactly 5 with decimals
    [InlineData("40", "20", true)]
    [InlineData("33", "38", false)] // a rise
    public void RuptureIsADropOfFiveOrMoreFromThePreviousRating(string previous, string current, bool fires)
    {
        var alerts = OneMember(previous, current).Alerts().Where(a => a.Kind == AlertKind.Rupture).ToList();
        if (!fires)
        {
            Assert.Empty(alerts);
            return;
        }

        var rupture = Assert.Single(alerts);
        Assert.Equal(2, rupture.SessionNumber);
        Assert.Equal([Score.Parse(previous), Score.Parse(current)], rupture.Evidence.Select(e => e.Score!.Value));
        Assert.Equal([1, 2], rupture.Evidence.Select(e => e.SessionNumber!.Value));
        Assert.Equal(AlertSeverity.Medium, rupture.Severity);
    }

    [Fact]
    public void RuptureComparesWithThePreviousRatingNotTheFirst()
    {
        // 40 -> 37 -> 34 -> 31: each step is 3, never a rupture, though 40 -> 31 is 9.
        Assert.Empty(OneMember("40", "37", "34", "31").Keys(AlertKind.Rupture));
    }

    [Fact]
    public void RuptureIgnoresObserverRatingsBetweenClientRatings()
    {
        var folder = new TestFolder().Member("F1", "M1").Sessions("F1", 3)
            .Score("F1", "M1", 1, "alliance-check", "38")
            .Score("F1", "M1", 2, "alliance-check", "20", "observer")
            .Score("F1", "M1", 3, "alliance-check", "37");
        var alerts = folder.Alerts();
        Assert.DoesNotContain(alerts, a => a.Kind is AlertKind.Rupture or AlertKind.LowAlliance);
    }

    [Fact]
    public void RuptureFollowsTheSeriesAcrossChildAndAdultVersions()
    {
        // Born 2012: 12 in 2024 (child version), 13 in 2025 (adult version); one series.
        var folder = new TestFolder().Member("F1", "M1", "child", 2012)
            .Session("F1", 1, "2024-12-02").Session("F1", 2, "2025-01-06")
            .Score("F1", "M1", 1, "child-alliance-check", "38")
            .Score("F1", "M1", 2, "alliance-check", "32");
        Assert.Equal(["2:M1:alliance-check"], folder.Keys(AlertKind.Rupture));
    }

    [Theory]
    [InlineData("36", true)] // p - 2 exactly: 38 - 2
    [InlineData("35.9", false)]
    [InlineData("40", true)]
    public void RepairIsARatingWithinTwoOfTheScoreBeforeTheRupture(string after, bool repairs)
    {
        var folder = OneMember("38", "30", after);
        Assert.Equal(repairs ? ["3:M1:alliance-check"] : [], folder.Keys(AlertKind.Repair));
    }

    [Fact]
    public void RepairCanComeAtTheThirdRatingAfterTheRuptureButNotTheFourth()
    {
        Assert.Equal(["5:M1:alliance-check"], OneMember("38", "30", "31", "32", "37").Keys(AlertKind.Repair));
        Assert.Empty(OneMember("38", "30", "31", "32", "33", "37").Keys(AlertKind.Repair));
    }

    [Fact]
    public void UnrepairedRuptureFiresAtTheThirdRatingAfterItWithoutRepair()
    {
        var alerts = OneMember("38", "30", "31", "32", "33", "37").Alerts();
        var unrepaired = Assert.Single(alerts, a => a.Kind == AlertKind.UnrepairedRupture);
        Assert.Equal(5, unrepaired.SessionNumber);
        Assert.Equal(["38", "30", "31", "32", "33"], unrepaired.Evidence.Select(e => e.Score!.Value.ToString()));
        Assert.Equal(AlertSeverity.High, unrepaired.Severity);
    }

    [Fact]
    public void UnrepairedRuptureWaitsForTheThirdRating()
    {
        Assert.Empty(OneMember("38", "30", "31", "32").Keys(AlertKind.UnrepairedRupture));
    }

    [Fact]
    public void ARepairedRuptureIsNeverUnrepaired()
    {
        Assert.Empty(OneMember("38", "30", "37", "30.5", "31").Keys(AlertKind.UnrepairedRupture));
    }

    [Fact]
    public void OneRatingCanRepairTwoRuptures()
    {
        var repairs = OneMember("40", "34", "28", "39").Alerts().Where(a => a.Kind == AlertKind.Repair).ToList();
        Assert.Equal(2, repairs.Count);
        Assert.Equal([1, 2, 3, 4], repairs[0].Evidence.Select(e => e.SessionNumber!.Value));
        Assert.Equal([2, 3, 4], repairs[1].Evidence.Select(e => e.SessionNumber!.Value));
        Assert.Equal(AlertSeverity.GoodNews, repairs[0].Severity);
    }

    [Fact]
    public void EachRuptureIsTrackedOnItsOwn()
    {
        // 40 -> 34 (p 40, repair needs 38) and 34 -> 28 (p 34, repair needs 32): 33 repairs only the second.
        var alerts = OneMember("40", "34", "28", "33", "33", "33").Alerts();
        Assert.Equal(["4:M1:alliance-check"], alerts.Where(a => a.Kind == AlertKind.Repair).Select(TestFolder.Key));
        var unrepaired = Assert.Single(alerts, a => a.Kind == AlertKind.UnrepairedRupture);
        Assert.Equal(5, unrepaired.SessionNumber);
        Assert.Equal(1, unrepaired.Evidence[0].SessionNumber);
    }

    [Fact]
    public void RepairWindowAndMarginAndDropFollowTheRules()
    {
        var rules = SignalRules.Default with { RuptureDrop = Score.FromPoints(8), RepairMargin = Score.FromPoints(0), RepairWindow = 1 };
        var folder = OneMember("38", "31", "37");
        Assert.Empty(folder.Keys(AlertKind.Rupture, rules));

        var drop = OneMember("38", "30", "37", "38");
        Assert.Equal(["2:M1:alliance-check"], drop.Keys(AlertKind.Rupture, rules));
        Assert.Empty(drop.Keys(AlertKind.Repair, rules));
        Assert.Equal(["3:M1:alliance-check"], drop.Keys(AlertKind.UnrepairedRupture, rules));
    }

    [Fact]
    public void RuptureMessageNamesTheScoresAndTheAdviceInvitesTheMember()
    {
        var rupture = Assert.Single(OneMember("38", "29").Alerts(), a => a.Kind == AlertKind.Rupture);
        Assert.Contains("38", rupture.Message, StringComparison.Ordinal);
        Assert.Contains("29", rupture.Message, StringComparison.Ordinal);
        Assert.Contains("a drop of 9", rupture.Message, StringComparison.Ordinal);
        Assert.Contains("acknowledge your part", rupture.ConsiderNext, StringComparison.Ordinal);
        Assert.Contains("adjust the task or goal", rupture.ConsiderNext, StringComparison.Ordinal);
    }
}
