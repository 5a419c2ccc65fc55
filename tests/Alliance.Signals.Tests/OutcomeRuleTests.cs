using Alliance.Signals;

namespace Alliance.Signals.Tests;

/// <summary>
/// Reliable change (Jacobson and Truax, 1991), recovery, not on track (early change) and termination
/// due, with hand-worked cases at their boundaries.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class OutcomeRuleTests
{
    private static TestFolder OneMember(string instrument, params string[] scores) =>
        new TestFolder().Member("F1", "M1").Sessions("F1", scores.Length).Series("F1", "M1", instrument, scores);

    [Theory]
    [InlineData("20", "25", true)] // exactly the reliable change of 5
    [InlineData("20", "24.9", false)]
    [InlineData("20.5", "25.5", true)]
    [InlineData("30", "35", true)] // reliable improvement needs no clinical start
    public void ReliableImprovementOnTheWellbeingCheckIsFivePoints(string first, string later, bool fires)
    {
        Assert.Equal(fires ? ["2:M1:wellbeing-check"] : [], OneMember("wellbeing-check", first, later).Keys(AlertKind.ReliableImprovement));
    }

    [Fact]
    public void ReliableImprovementFiresOnceAtTheFirstRatingWhereItHolds()
    {
        var alerts = OneMember("wellbeing-check", "20", "22", "26", "30").Alerts();
        var improvement = Assert.Single(alerts, a => a.Kind == AlertKind.ReliableImprovement);
        Assert.Equal(3, improvement.SessionNumber);
        Assert.Equal(["20", "26"], improvement.Evidence.Select(e => e.Score!.Value.ToString()));
        Assert.Equal(AlertSeverity.GoodNews, improvement.Severity);
    }

    [Theory]
    [InlineData("15", "9", true)] // PHQ-9: lower is better, reliable change 6
    [InlineData("15", "9.1", false)]
    [InlineData("9", "15", false)]
    public void ReliableImprovementOnPhq9IsADropOfSix(string first, string later, bool fires)
    {
        Assert.Equal(fires ? ["2:M1:phq-9"] : [], OneMember("phq-9", first, later).Keys(AlertKind.ReliableImprovement));
    }

    [Theory]
    [InlineData("phq-9", "8", "14", true)]
    [InlineData("phq-9", "8", "13.9", false)]
    [InlineData("gad-7", "5", "9", true)] // reliable change 4
    [InlineData("gad-7", "5", "8.9", false)]
    [InlineData("wellbeing-check", "30", "25", true)]
    [InlineData("wellbeing-check", "30", "25.1", false)]
    public void DeteriorationIsAReliableChangeInTheWorseDirection(string instrument, string first, string later, bool fires)
    {
        var alerts = OneMember(instrument, first, later).Alerts().Where(a => a.Kind == AlertKind.Deterioration).ToList();
        Assert.Equal(fires ? 1 : 0, alerts.Count);
        if (fires)
        {
            Assert.Equal(AlertSeverity.High, alerts[0].Severity);
            Assert.Contains("check for risk", alerts[0].ConsiderNext, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("24.9", "30", true)] // clinical start (below 25), non-clinical now, change 5.1
    [InlineData("25", "30", false)] // exactly 25 is not on the clinical side
    [InlineData("20", "24.9", false)] // not a reliable improvement
    [InlineData("19", "24.9", false)] // reliable, but still below 25
    [InlineData("19", "25", true)] // exactly the cutoff is non-clinical
    public void RecoveryNeedsAClinicalStartANonClinicalRatingAndReliableImprovement(string first, string later, bool fires)
    {
        Assert.Equal(fires ? ["2:M1:wellbeing-check"] : [], OneMember("wellbeing-check", first, later).Keys(AlertKind.Recovery));
    }

    [Theory]
    [InlineData("10", "4", true)] // PHQ-9: 10 or more is clinical; 4 is below it and 6 better
    [InlineData("9", "3", false)] // 9 is not on the clinical side
    [InlineData("14", "8", true)]
    [InlineData("16", "10", false)] // 10 is still clinical
    public void RecoveryOnPhq9UsesTenOrMoreAsClinical(string first, string later, bool fires)
    {
        Assert.Equal(fires ? ["2:M1:phq-9"] : [], OneMember("phq-9", first, later).Keys(AlertKind.Recovery));
    }

    [Fact]
    public void AChildTurning13MovesToAdultCutoffsFromThatSession()
    {
        // Born 2012. 2024: 12, a child (below 32 is clinical); 2025: 13, an adult (below 25 is clinical).
        var folder = new TestFolder().Member("F1", "M1", "child", 2012)
            .Session("F1", 1, "2024-11-04").Session("F1", 2, "2024-11-18").Session("F1", 3, "2025-01-06")
            .Score("F1", "M1", 1, "child-wellbeing-check", "26")
            .Score("F1", "M1", 2, "child-wellbeing-check", "31")
            .Score("F1", "M1", 3, "wellbeing-check", "31");

        // At session 2 the child is still below 32: reliable improvement, not recovery.
        Assert.Equal(["2:M1:child-wellbeing-check"], folder.Keys(AlertKind.ReliableImprovement));

        // At session 3 the same 31 is non-clinical for a 13-year-old: recovery, named by that rating's instrument.
        Assert.Equal(["3:M1:wellbeing-check"], folder.Keys(AlertKind.Recovery));
    }

    [Fact]
    public void AChildStaysAChildWhileTwelveYearsOldByTheCalendarYear()
    {
        // Born 2013: 12 throughout 2025, so 31 stays on the clinical side (below 32).
        var folder = new TestFolder().Member("F1", "M1", "child", 2013).Sessions("F1", 2)
            .Series("F1", "M1", "child-wellbeing-check", "25", "31");
        Assert.Empty(folder.Keys(AlertKind.Recovery));
        Assert.Equal(["2:M1:child-wellbeing-check"], folder.Keys(AlertKind.ReliableImprovement));
    }

    [Fact]
    public void AMemberWithoutBirthYearIsAnAdult()
    {
        var folder = new TestFolder().Member("F1", "M1", "child", null).Sessions("F1", 2)
            .Series("F1", "M1", "wellbeing-check", "20", "26");
        Assert.Equal(["2:M1:wellbeing-check"], folder.Keys(AlertKind.Recovery));
    }

    [Theory]
    [InlineData("22.4", true)] // improvement 2.4: less than half of 5
    [InlineData("22.5", false)] // exactly half is not less than half
    [InlineData("19", true)] // worse than the start
    public void NotOnTrackAtTheFourthRatingIsLessThanHalfTheReliableChange(string fourth, bool fires)
    {
        var folder = OneMember("wellbeing-check", "20", "21", "21", fourth);
        Assert.Equal(fires ? ["4:M1:wellbeing-check"] : [], folder.Keys(AlertKind.NotOnTrack));
    }

    [Fact]
    public void NotOnTrackIsNotCheckedBeforeTheFourthRating()
    {
        Assert.Empty(OneMember("wellbeing-check", "20", "20", "20").Keys(AlertKind.NotOnTrack));
    }

    [Fact]
    public void NotOnTrackNeedsAClinicalStartAndFiresOnce()
    {
        Assert.Empty(OneMember("wellbeing-check", "26", "26", "26", "26").Keys(AlertKind.NotOnTrack));
        var alerts = OneMember("wellbeing-check", "20", "20", "20", "20", "20").Alerts();
        var notOnTrack = Assert.Single(alerts, a => a.Kind == AlertKind.NotOnTrack);
        Assert.Equal(4, notOnTrack.SessionNumber);
        Assert.Equal(["20", "20"], notOnTrack.Evidence.Select(e => e.Score!.Value.ToString()));
        Assert.Equal(AlertSeverity.High, notOnTrack.Severity);
        Assert.Contains("change of approach or a consultation", notOnTrack.ConsiderNext, StringComparison.Ordinal);
    }

    [Fact]
    public void NotOnTrackOnPhq9CountsImprovementDownwards()
    {
        // Reliable change 6: less than 3 points down by the 4th rating is not on track.
        Assert.Equal(["4:M1:phq-9"], OneMember("phq-9", "18", "17", "16", "15.1").Keys(AlertKind.NotOnTrack));
        Assert.Empty(OneMember("phq-9", "18", "17", "16", "15").Keys(AlertKind.NotOnTrack));
    }

    [Fact]
    public void AnExpectedTrajectoryModelReplacesTheEarlyChangeRuleWhereItHasABand()
    {
        var folder = OneMember("wellbeing-check", "20", "21", "24", "26", "27");
        var model = new FixedBand(Score.FromPoints(27));
        var alerts = folder.Alerts(trajectory: model);
        var notOnTrack = Assert.Single(alerts, a => a.Kind == AlertKind.NotOnTrack);
        Assert.Equal(4, notOnTrack.SessionNumber); // 26 is below the band of 27; the early-change rule would not fire (6 better)
        Assert.Contains("lower band 27", notOnTrack.Message, StringComparison.Ordinal);
        Assert.Equal("wellbeing-check", model.LastQuery!.Value.Series);
        Assert.Equal(Score.FromPoints(20), model.LastQuery!.Value.IntakeScore);
    }

    [Fact]
    public void WithoutABandTheModelFallsBackToTheEarlyChangeRule()
    {
        var folder = OneMember("wellbeing-check", "20", "20", "20", "20");
        Assert.Equal(["4:M1:wellbeing-check"], folder.Alerts(trajectory: new FixedBand(null)).Where(a => a.Kind == AlertKind.NotOnTrack).Select(TestFolder.Key));
    }

    [Fact]
    public void TerminationDueNeedsRecoveryAndThreeStableNonClinicalRatings()
    {
        // Recovery at 2 (20 -> 26); at 4 the last three are 26, 27, 28: non-clinical and 2 apart.
        var alerts = OneMember("wellbeing-check", "20", "26", "27", "28", "29").Alerts();
        var due = Assert.Single(alerts, a => a.Kind == AlertKind.TerminationDue);
        Assert.Equal(4, due.SessionNumber);
        Assert.Equal([2, 3, 4], due.Evidence.Select(e => e.SessionNumber!.Value));
        Assert.Equal(AlertSeverity.Medium, due.Severity);
    }

    [Theory]
    [InlineData("26", "28", "30.9", true)] // range 4.9
    [InlineData("26", "28", "31", false)] // range exactly 5 is not less than 5
    [InlineData("26", "24.9", "27", false)] // one clinical rating among the three
    public void TerminationDueRangeMustBeLessThanTheReliableChange(string a, string b, string c, bool fires)
    {
        Assert.Equal(fires ? ["4:M1:wellbeing-check"] : [], OneMember("wellbeing-check", "20", a, b, c).Keys(AlertKind.TerminationDue));
    }

    [Fact]
    public void TerminationDueCountsRatingsBeforeRecovery()
    {
        // First rating not clinical: no recovery, so never termination due, however stable.
        Assert.Empty(OneMember("wellbeing-check", "30", "30", "30", "30").Keys(AlertKind.TerminationDue));

        // Recovery at the 3rd rating; the last three at the 3rd include two earlier ratings on the clinical side.
        Assert.Equal(["5:M1:wellbeing-check"], OneMember("wellbeing-check", "20", "22", "26", "27", "27").Keys(AlertKind.TerminationDue));
    }

    [Fact]
    public void ChangeIsMeasuredFromTheFirstRatingOfTheSeriesAcrossVersions()
    {
        var folder = new TestFolder().Member("F1", "M1", "child", 2012)
            .Session("F1", 1, "2024-11-04").Session("F1", 2, "2025-01-06")
            .Score("F1", "M1", 1, "child-wellbeing-check", "26")
            .Score("F1", "M1", 2, "wellbeing-check", "31");
        var alerts = folder.Alerts();
        var improvement = Assert.Single(alerts, a => a.Kind == AlertKind.ReliableImprovement);
        Assert.Equal("wellbeing-check", improvement.Instrument);
        Assert.Equal(["26", "31"], improvement.Evidence.Select(e => e.Score!.Value.ToString()));
    }

    [Fact]
    public void AgencyCutoffsAndReliableChangeComeFromTheRules()
    {
        var instruments = SignalRules.Default.Instruments.With(InstrumentCatalogue.WellbeingCheck with { ReliableChange = Score.FromPoints(8) });
        var rules = SignalRules.Default with { Instruments = instruments };
        Assert.Empty(OneMember("wellbeing-check", "20", "27").Keys(AlertKind.ReliableImprovement, rules));
        Assert.Equal(["2:M1:wellbeing-check"], OneMember("wellbeing-check", "20", "28").Keys(AlertKind.ReliableImprovement, rules));
    }

    private sealed class FixedBand(Score? band) : IExpectedTrajectory
    {
        public TrajectoryQuery? LastQuery { get; private set; }

        public bool TryGetLowerBand(in TrajectoryQuery query, out Score lowerBand)
        {
            LastQuery = query;
            lowerBand = band ?? default;
            return band.HasValue;
        }
    }
}
