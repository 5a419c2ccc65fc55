using System.Globalization;
using Alliance.Signals;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Alliance.Signals.Tests;

/// <summary>
/// Batch and incremental evaluation agree: evaluating a whole caseload gives exactly the alerts that
/// arise from feeding the same ratings one at a time, over generated histories.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class IncrementalTests
{
    private static readonly string[] Instruments = ["alliance-check", "child-alliance-check", "wellbeing-check", "child-wellbeing-check", "phq-9", "gad-7"];
    private static readonly int[] HighTenths = [400, 400, 400, 400, 270, 210];

    /// <summary>The kinds that come from a member's own series (treatment prolonged also needs the sessions).</summary>
    private static readonly HashSet<AlertKind> SeriesKinds =
    [
        AlertKind.LowAlliance, AlertKind.Rupture, AlertKind.Repair, AlertKind.UnrepairedRupture, AlertKind.ReliableImprovement,
        AlertKind.Deterioration, AlertKind.Recovery, AlertKind.NotOnTrack, AlertKind.TerminationDue,
    ];

    [Property(Arbitrary = [typeof(Histories)], MaxTest = 300)]
    public bool BatchEqualsIncrementalForAMembersSeries(MemberHistory history)
    {
        var engine = new SignalEngine();
        var batch = engine.Evaluate(history.Caseload()).Where(a => SeriesKinds.Contains(a.Kind)).ToList();

        var incremental = new List<Alert>();
        var ratings = history.Ratings();
        for (var i = 0; i < ratings.Count; i++)
        {
            incremental.AddRange(engine.EvaluateNewRating("F1", "M1", history.BirthYear, ratings.Take(i).ToArray(), ratings[i]));
        }

        return SameAlerts(batch, incremental);
    }

    [Property(Arbitrary = [typeof(Histories)], MaxTest = 200)]
    public bool EvaluateMemberEqualsTheBatch(MemberHistory history)
    {
        var engine = new SignalEngine();
        var batch = engine.Evaluate(history.Caseload()).Where(a => SeriesKinds.Contains(a.Kind)).ToList();
        var member = engine.EvaluateMember("F1", "M1", history.BirthYear, history.Ratings().ToArray());
        return batch.SequenceEqual(member);
    }

    [Property(Arbitrary = [typeof(Histories)], MaxTest = 200)]
    public bool SplitAllianceFiresOnceIncrementallyWhereTheBatchFindsIt(SessionRatings session)
    {
        var engine = new SignalEngine();
        var batch = engine.Evaluate(session.Caseload()).Where(a => a.Kind == AlertKind.SplitAlliance).ToList();

        var incremental = new List<Alert>();
        for (var i = 0; i < session.Scores.Count; i++)
        {
            var earlier = session.Scores.Take(i).Select(Rating).ToArray();
            if (engine.EvaluateNewAllianceRating("F1", 1, earlier, Rating(session.Scores[i])) is { } alert)
            {
                incremental.Add(alert);
            }
        }

        if (batch.Count != incremental.Count)
        {
            return false;
        }

        // The incremental alert fires as soon as the split appears, so its evidence lists the ratings so far.
        return batch.Count == 0
            || (batch[0].SessionNumber == incremental[0].SessionNumber && incremental[0].Evidence.Count <= batch[0].Evidence.Count);
    }

    [Fact]
    public void GeneratedHistoriesReachEverySeriesRule()
    {
        // The property above only means something if the generated histories make every rule fire.
        var engine = new SignalEngine();
        var kinds = Histories.MemberHistories().Generator.Sample(1000, new Rnd(20250601UL), 30)
            .SelectMany(h => engine.Evaluate(h.Caseload()).Select(a => a.Kind))
            .ToHashSet();
        Assert.Empty(SeriesKinds.Except(kinds));
    }

    [Fact]
    public void IncrementalReportsOnlyTheNewRatingsAlerts()
    {
        var engine = new SignalEngine();
        MemberRating R(int session, string score) => new(session, new DateOnly(2025, 1, 6).AddDays(7 * session), "alliance-check", Score.Parse(score));
        MemberRating[] history = [R(1, "40"), R(2, "34"), R(3, "28")];

        var alerts = engine.EvaluateNewRating("F1", "M1", null, history, R(4, "39"));

        Assert.Equal([AlertKind.Repair, AlertKind.Repair], alerts.Select(a => a.Kind));
        Assert.All(alerts, a => Assert.Equal(4, a.SessionNumber));
    }

    [Fact]
    public void IncrementalRejectsARatingTheHistoryAlreadyHolds()
    {
        var engine = new SignalEngine();
        var rating = new MemberRating(1, new DateOnly(2025, 1, 6), "alliance-check", Score.FromPoints(38));
        Assert.Throws<ArgumentException>(() => engine.EvaluateNewRating("F1", "M1", null, [rating], rating));
    }

    [Fact]
    public void IncrementalIgnoresInstrumentsTheRulesDoNotRead()
    {
        var engine = new SignalEngine();
        var rating = new MemberRating(1, new DateOnly(2025, 1, 6), "self-efficacy-check", Score.FromPoints(5));
        Assert.Empty(engine.EvaluateNewRating("F1", "M1", null, [], rating));
    }

    private static SessionAllianceRating Rating((string Member, string Instrument, int Tenths) score) =>
        new(score.Member, score.Instrument, Score.FromTenths(score.Tenths));

    private static bool SameAlerts(List<Alert> a, List<Alert> b)
    {
        static string Key(Alert x) => string.Join(
            '|', x.SessionNumber, x.KindCode, x.Instrument, x.Evidence.Count, x.Evidence[0].SessionNumber, x.Message);
        return a.OrderBy(Key, StringComparer.Ordinal).SequenceEqual(b.OrderBy(Key, StringComparer.Ordinal));
    }

    /// <summary>One member's client ratings over sessions spread across years (so a child may turn 13).</summary>
    public sealed record MemberHistory(int? BirthYear, int StepDays, IReadOnlyList<(int Session, int Instrument, int Tenths)> Scores)
    {
        public DateOnly DateOf(int session) => new DateOnly(2023, 1, 2).AddDays(StepDays * (session - 1));

        public List<MemberRating> Ratings() => Scores
            .Select(s => new MemberRating(s.Session, DateOf(s.Session), Instruments[s.Instrument], Score.FromTenths(s.Tenths)))
            .ToList();

        public Caseload Caseload()
        {
            var builder = new CaseloadBuilder(InstrumentCatalogue.Default);
            var family = builder.AddCase("F1");
            var member = builder.AddMember(family, "M1", MemberRole.Client, BirthYear);
            var sessions = new Dictionary<int, int>();
            foreach (var number in Scores.Select(s => s.Session).Distinct().Order())
            {
                sessions[number] = builder.AddSession(family, number, DateOf(number));
            }

            foreach (var (session, instrument, tenths) in Scores)
            {
                InstrumentCatalogue.Default.TryGetIndex(Instruments[instrument], out var index);
                builder.AddScore(member, sessions[session], index, Rater.Client, Score.FromTenths(tenths));
            }

            return builder.Build();
        }

        public override string ToString() => string.Create(
            CultureInfo.InvariantCulture,
            $"born {BirthYear}, every {StepDays} days: {string.Join(", ", Scores.Select(s => $"{s.Session}:{Instruments[s.Instrument]}={Score.FromTenths(s.Tenths)}"))}");
    }

    /// <summary>Several members' client alliance ratings at one session, in the order they arrive.</summary>
    public sealed record SessionRatings(IReadOnlyList<(string Member, string Instrument, int Tenths)> Scores)
    {
        public Caseload Caseload()
        {
            var builder = new CaseloadBuilder(InstrumentCatalogue.Default);
            var family = builder.AddCase("F1");
            var session = builder.AddSession(family, 1, new DateOnly(2025, 1, 6));
            var members = new Dictionary<string, int>();
            foreach (var (member, instrument, tenths) in Scores)
            {
                if (!members.TryGetValue(member, out var index))
                {
                    index = builder.AddMember(family, member, MemberRole.Parent);
                    members[member] = index;
                }

                InstrumentCatalogue.Default.TryGetIndex(instrument, out var instrumentIndex);
                builder.AddScore(index, session, instrumentIndex, Rater.Client, Score.FromTenths(tenths));
            }

            return builder.Build();
        }

        public override string ToString() => string.Join(", ", Scores.Select(s => $"{s.Member}:{s.Instrument}={Score.FromTenths(s.Tenths)}"));
    }

    public static class Histories
    {
        public static Arbitrary<MemberHistory> MemberHistories()
        {
            // Each series walks from a random start in steps, mostly small and sometimes large, so that
            // ruptures, repairs, recoveries, plateaus and deteriorations all occur.
            var step = Gen.Frequency((6, Gen.Choose(-30, 30)), (3, Gen.Choose(-80, 80)), (1, Gen.Choose(-150, 150)));
            var history = from birth in Gen.Elements<int?>(null, 1980, 2010, 2011, 2012, 2013)
                          from days in Gen.Elements(7, 30, 90, 200)
                          from sessions in Gen.Choose(1, 14)
                          from present in Gen.ArrayOf(Gen.SubListOf(Enumerable.Range(0, Instruments.Length).ToArray()), sessions)
                          from starts in Gen.ArrayOf(Gen.Choose(0, 400), Instruments.Length)
                          from steps in Gen.ArrayOf(step, sessions * Instruments.Length)
                          from whole in Gen.Elements(true, false)
                          select Build(birth, days, present, starts, steps, whole);
            return history.ToArbitrary();
        }

        public static Arbitrary<SessionRatings> SessionRatings()
        {
            var rating = from member in Gen.Elements("M1", "M2", "M3", "M10")
                         from child in Gen.Elements(false, true)
                         from tenths in Gen.Choose(250, 400)
                         select (member, child ? "child-alliance-check" : "alliance-check", tenths);
            return Gen.ListOf(rating)
                .Select(list => new SessionRatings(list
                    .GroupBy(r => (r.member, r.Item2))
                    .Select(g => g.First())
                    .ToList()))
                .ToArbitrary();
        }

        private static MemberHistory Build(int? birth, int days, IList<int>[] present, int[] starts, int[] steps, bool whole)
        {
            var scores = new List<(int, int, int)>();
            var levels = starts.Select((start, i) => Math.Min(start, HighTenths[i])).ToArray();
            for (var s = 0; s < present.Length; s++)
            {
                foreach (var instrument in present[s])
                {
                    // Child versions only for children and adult versions only for adults, as agencies use them;
                    // the two versions share one level because they are one series.
                    var year = new DateOnly(2023, 1, 2).AddDays(days * s).Year;
                    var child = birth is { } b && year - b <= 12;
                    var series = instrument is 0 or 1 ? 0 : instrument is 2 or 3 ? 2 : instrument;
                    var chosen = series is 0 or 2 && child ? series + 1 : series;
                    if (scores.Any(x => x.Item1 == s + 1 && x.Item2 == chosen))
                    {
                        continue;
                    }

                    levels[series] = Math.Clamp(levels[series] + steps[(s * Instruments.Length) + instrument], 0, HighTenths[series]);
                    var tenths = whole ? levels[series] / 10 * 10 : levels[series];
                    scores.Add((s + 1, chosen, tenths));
                }
            }

            return new MemberHistory(birth, days, scores);
        }
    }
}
