using Alliance.Signals;

namespace Alliance.Signals.Tests;

/// <summary>
/// The expected-trajectory fit (empirical benchmarks) on tiny hand-made agencies whose medians, percentiles,
/// running means and monotone pooling are worked out by hand in each test.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class EmpiricalTrajectoryTests
{
    private static TrajectorySample Sample(string episode, string series, params int[] scores) =>
        new(episode, series, scores.Select(Score.FromPoints).ToArray());

    private static Score S(string text) => Score.Parse(text);

    /// <summary>
    /// Ten wellbeing trajectories, two bands of intake. Intakes 10..14 and 20..24: the edge is the ⌈10/2⌉ = 5th smallest
    /// intake, 14. Band 0 (intake up to 14):
    /// rating 2: 12 13 15 16 20 → median 15, 25th percentile (h = 4 × 0.25 = 1) 13;
    /// rating 3: 14 15 17 18 22 → median 17, 25th 15;
    /// rating 4 (three reach it): 16 20 21 → median 20, 25th (h = 0.5) 16 + 0.5 × 4 = 18;
    /// rating 5: one trajectory, fewer than the 3 a cell needs.
    /// </summary>
    private static List<TrajectorySample> TenWellbeingTrajectories() =>
    [
        Sample("e1", "wellbeing-check", 10, 12, 14, 16, 30),
        Sample("e2", "wellbeing-check", 11, 15, 18, 20),
        Sample("e3", "child-wellbeing-check", 12, 13, 15, 21), // a child version joins the series
        Sample("e4", "wellbeing-check", 13, 20, 22),
        Sample("e5", "wellbeing-check", 14, 16, 17),
        Sample("e6", "wellbeing-check", 20, 22, 24),
        Sample("e7", "wellbeing-check", 21, 23, 25),
        Sample("e8", "wellbeing-check", 22, 24, 26),
        Sample("e9", "wellbeing-check", 23, 25, 27),
        Sample("e10", "wellbeing-check", 24, 26, 28),
    ];

    private static readonly TrajectoryFitOptions Small = new() { MinimumEpisodes = 10, MinimumPerCell = 3, IntakeBands = 2, SmoothingRadius = 0, Monotone = false };

    [Fact]
    public void RawCellsAreTheMedianAndTwentyFifthPercentileOfTheBand()
    {
        var model = EmpiricalTrajectory.Fit(TenWellbeingTrajectories(), InstrumentCatalogue.Default, Small);

        var series = Assert.Single(model.Series);
        Assert.Equal(("wellbeing-check", 10, 10), (series.Series, series.Episodes, series.Trajectories));
        Assert.Equal([S("14")], series.Edges);
        Assert.Equal((0, 0, 1, 1), (series.BandOf(S("10")), series.BandOf(S("14")), series.BandOf(S("14.1")), series.BandOf(S("40"))));

        Assert.True(model.TryGetExpected("wellbeing-check", S("12"), 2, out var r2));
        Assert.Equal(new ExpectedScore(S("15"), S("13"), 5), r2);
        Assert.True(model.TryGetExpected("wellbeing-check", S("12"), 3, out var r3));
        Assert.Equal(new ExpectedScore(S("17"), S("15"), 5), r3);
        Assert.True(model.TryGetExpected("wellbeing-check", S("12"), 4, out var r4));
        Assert.Equal(new ExpectedScore(S("20"), S("18"), 3), r4);
        Assert.False(model.TryGetExpected("wellbeing-check", S("12"), 5, out _)); // one trajectory only
        Assert.False(model.TryGetExpected("wellbeing-check", S("12"), 1, out _)); // the intake itself

        // Band 1, rating 2: 22 23 24 25 26 → median 24, 25th percentile 23.
        Assert.True(model.TryGetExpected("wellbeing-check", S("30"), 2, out var high));
        Assert.Equal(new ExpectedScore(S("24"), S("23"), 5), high);
    }

    [Fact]
    public void TheRunningMeanAveragesNeighbouringRatingsThatExist()
    {
        var model = EmpiricalTrajectory.Fit(TenWellbeingTrajectories(), InstrumentCatalogue.Default, Small with { SmoothingRadius = 1 });

        // Medians 15, 17, 20 → (15 + 17) / 2 = 16; (15 + 17 + 20) / 3 = 17.33 → 17.3; (17 + 20) / 2 = 18.5.
        // 25th percentiles 13, 15, 18 → 14; 46 / 3 = 15.33 → 15.3; 16.5.
        var expected = new[] { (S("16"), S("14")), (S("17.3"), S("15.3")), (S("18.5"), S("16.5")) };
        for (var rating = 2; rating <= 4; rating++)
        {
            Assert.True(model.TryGetExpected("wellbeing-check", S("11"), rating, out var e));
            Assert.Equal(expected[rating - 2], (e.Median, e.LowerBand));
        }
    }

    /// <summary>
    /// PHQ-9, lower is better, one band of three trajectories:
    /// rating 2: 14 15 16 → median 15, 75th percentile (h = 1.5) 15.5;
    /// rating 3: 10 11 12 → median 11, 75th 11.5;
    /// rating 4: 9 13 14 → median 13, 75th 13.5: worse than rating 3, so ratings 3 and 4 pool (equal weights of 3) to
    /// a median of 12 and a lower band of 12.5.
    /// </summary>
    [Fact]
    public void ForALowerIsBetterInstrumentTheBandIsTheSeventyFifthPercentileAndNeverRisesAgain()
    {
        TrajectorySample[] samples =
        [
            Sample("a", "phq-9", 20, 15, 12, 14),
            Sample("b", "phq-9", 18, 14, 10, 13),
            Sample("c", "phq-9", 22, 16, 11, 9),
        ];
        var options = new TrajectoryFitOptions { MinimumEpisodes = 3, MinimumPerCell = 3, IntakeBands = 1, SmoothingRadius = 0 };

        var raw = EmpiricalTrajectory.Fit(samples, InstrumentCatalogue.Default, options with { Monotone = false });
        Assert.True(raw.TryGetExpected("phq-9", S("20"), 4, out var rawFourth));
        Assert.Equal((S("13"), S("13.5")), (rawFourth.Median, rawFourth.LowerBand));

        var model = EmpiricalTrajectory.Fit(samples, InstrumentCatalogue.Default, options);
        var expected = new[] { (S("15"), S("15.5")), (S("12"), S("12.5")), (S("12"), S("12.5")) };
        for (var rating = 2; rating <= 4; rating++)
        {
            Assert.True(model.TryGetExpected("phq-9", S("20"), rating, out var e));
            Assert.Equal(expected[rating - 2], (e.Median, e.LowerBand));
        }

        Assert.True(model.TryGetLowerBand(new TrajectoryQuery("phq-9", S("20"), false, 4, 4, false), out var band));
        Assert.Equal(S("12.5"), band);
    }

    [Fact]
    public void IsotonicPoolingWeighsCellsByTheirCounts()
    {
        // 10 then 4 with weights 3 and 1 must not decrease: one block of (30 + 4) / 4 = 8.5.
        Assert.Equal([8.5, 8.5], EmpiricalTrajectory.MonotoneFit([10, 4], [3, 1], BetterDirection.Higher));
        // Already increasing: unchanged; for "never increases" the same data pools.
        Assert.Equal([4.0, 10.0], EmpiricalTrajectory.MonotoneFit([4, 10], [1, 1], BetterDirection.Higher));
        Assert.Equal([7.0, 7.0], EmpiricalTrajectory.MonotoneFit([4, 10], [1, 1], BetterDirection.Lower));
    }

    [Theory]
    [InlineData(new[] { 10 }, 0.25, 10.0)]
    [InlineData(new[] { 10, 20 }, 0.5, 15.0)]
    [InlineData(new[] { 10, 20, 30, 40 }, 0.25, 17.5)] // h = 0.75
    [InlineData(new[] { 10, 20, 30, 40 }, 0.75, 32.5)] // h = 2.25
    public void PercentilesInterpolateBetweenTheClosestRanks(int[] sorted, double fraction, double expected)
    {
        Assert.Equal(expected, EmpiricalTrajectory.Percentile(sorted, fraction), 9);
    }

    [Fact]
    public void ASeriesWithTooFewClosedEpisodesIsNotModelled()
    {
        var samples = TenWellbeingTrajectories();
        // Two members of one family in episode e1 count as one episode.
        samples[1] = samples[1] with { Episode = "e1" };
        var model = EmpiricalTrajectory.Fit(samples, InstrumentCatalogue.Default, Small);
        Assert.Empty(model.Series);
        Assert.False(model.TryGetLowerBand(new TrajectoryQuery("wellbeing-check", S("12"), false, 4, 4, false), out _));
    }

    [Fact]
    public void AlliancesOneRatingSeriesAndUnknownInstrumentsAreIgnored()
    {
        var samples = TenWellbeingTrajectories()
            .Concat(Enumerable.Range(0, 20).Select(i => Sample("x" + i, "alliance-check", 30, 31, 32)))
            .Concat(Enumerable.Range(0, 20).Select(i => Sample("y" + i, "unknown-scale", 3, 4)))
            .Append(Sample("e11", "wellbeing-check", 9))
            .ToList();
        var model = EmpiricalTrajectory.Fit(samples, InstrumentCatalogue.Default, Small);
        Assert.Equal(["wellbeing-check"], model.Series.Select(s => s.Series));
        Assert.Equal(10, model.Series[0].Trajectories);
    }

    [Fact]
    public void NotOnTrackUsesTheBandWhereTheModelCoversTheRatingAndTheEarlyChangeRuleElsewhere()
    {
        var model = EmpiricalTrajectory.Fit(TenWellbeingTrajectories(), InstrumentCatalogue.Default, Small);
        var engine = new SignalEngine(null, model);
        var day = new DateOnly(2026, 1, 5);
        MemberRating Rating(int session, int score) => new(session, day.AddDays(7 * session), "wellbeing-check", Score.FromPoints(score));

        // Intake 12 (band 0), 4th rating 17.9 would be below the band of 18; 18 is not.
        var below = engine.EvaluateMember("F", "M", null, [Rating(1, 12), Rating(2, 14), Rating(3, 16), new(4, day.AddDays(28), "wellbeing-check", S("17.9"))]);
        var alert = Assert.Single(below, a => a.Kind == AlertKind.NotOnTrack);
        Assert.Equal(4, alert.SessionNumber);
        Assert.Contains("lower band 18", alert.Message, StringComparison.Ordinal);
        var at = engine.EvaluateMember("F", "M", null, [Rating(1, 12), Rating(2, 14), Rating(3, 16), Rating(4, 18)]);
        Assert.DoesNotContain(at, a => a.Kind == AlertKind.NotOnTrack);

        // The early-change rule would call 18 (6 up from a clinical 12) on track too, but 14 not; the model has no 5th
        // rating, so a 5th rating of 14 after an on-track 4th falls back to the early-change rule and fires there.
        var fallback = engine.EvaluateMember("F", "M", null, [Rating(1, 12), Rating(2, 14), Rating(3, 16), Rating(4, 18), Rating(5, 14)]);
        var late = Assert.Single(fallback, a => a.Kind == AlertKind.NotOnTrack);
        Assert.Equal(5, late.SessionNumber);
        Assert.Contains("less than half the reliable-change value", late.Message, StringComparison.Ordinal);
    }
}
