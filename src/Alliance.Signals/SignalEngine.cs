using Alliance.Signals.Engine;

namespace Alliance.Signals;

/// <summary>One client rating of a member, as the app holds it, for incremental evaluation.</summary>
/// <param name="SessionNumber">The session's number.</param>
/// <param name="SessionDate">The session's date (whether the member was a child depends on it).</param>
/// <param name="Instrument">The instrument id.</param>
/// <param name="Score">The score.</param>
public readonly record struct MemberRating(int SessionNumber, DateOnly SessionDate, string Instrument, Score Score);

/// <summary>One member's client alliance rating at a session, for incremental split-alliance evaluation.</summary>
/// <param name="MemberId">The member id.</param>
/// <param name="Instrument">The instrument id (adult or child alliance check).</param>
/// <param name="Score">The score.</param>
public readonly record struct SessionAllianceRating(string MemberId, string Instrument, Score Score);

/// <summary>
/// Evaluates the feedback rules: in batch over a whole <see cref="Caseload"/> (an agency, or a
/// spreadsheet folder), or incrementally for one new rating against a member's history. Both run the
/// same rule code: incremental evaluation replays the member's series through the same loop and keeps
/// only the alerts of the new rating, so the two always agree.
/// </summary>
/// <remarks>An engine holds no state between calls; one instance may serve many threads.</remarks>
public sealed class SignalEngine
{
    private readonly CompiledRules _compiled;
    private readonly IExpectedTrajectory? _trajectory;
    private CompiledRules? _lastBatch;

    /// <summary>Creates an engine.</summary>
    /// <param name="rules">The agency's numbers; <see cref="SignalRules.Default"/> when null.</param>
    /// <param name="expectedTrajectory">
    /// An agency-fitted model for not on track, or null for the early-change rule (the default, and what
    /// <c>alliance signals</c> always uses).
    /// </param>
    /// <exception cref="ArgumentException">A number of the rules makes no sense; the message names it.</exception>
    public SignalEngine(SignalRules? rules = null, IExpectedTrajectory? expectedTrajectory = null)
    {
        Rules = rules ?? SignalRules.Default;
        _trajectory = expectedTrajectory;
        _compiled = new CompiledRules(Rules, Rules.Instruments, expectedTrajectory);
    }

    /// <summary>The rules in force.</summary>
    public SignalRules Rules { get; }

    /// <summary>Evaluates every rule over a caseload (a whole agency or folder), on the calling thread.</summary>
    /// <param name="caseload">The caseload.</param>
    /// <returns>The alerts, in the format's output order.</returns>
    public AlertBatch Evaluate(Caseload caseload)
    {
        ArgumentNullException.ThrowIfNull(caseload);
        var compiled = CompileFor(caseload.Instruments);
        var source = new CaseloadSource(caseload);

        // Room for an alert per three scores (a busy agency's rate) so that the arrays rarely regrow: an
        // array that is never filled costs only address space, while regrowing copies everything so far.
        var sink = new AlertSink(Math.Max(1024, caseload.Scores.Length / 3));
        var evaluator = new CaseEvaluator(compiled, source);
        for (var c = 0; c < caseload.Cases.Length; c++)
        {
            evaluator.Evaluate(caseload, c, sink);
        }

        return new AlertBatch(caseload, compiled, sink, source);
    }

    /// <summary>
    /// The alerts that one new client rating triggers in its member's series: low alliance, rupture,
    /// repair and unrepaired rupture for an alliance check; reliable improvement, deterioration,
    /// recovery, not on track and termination due for an outcome instrument.
    /// </summary>
    /// <remarks>
    /// Family-level signals are evaluated elsewhere: split alliance with
    /// <see cref="EvaluateNewAllianceRating"/>, and sessions and contacts (overrun, feedback gap,
    /// contacts, treatment prolonged) by evaluating a one-family <see cref="Caseload"/>. When the new
    /// rating is not the latest of its series (a late entry), the alerts of later ratings may change:
    /// re-evaluate the member with <see cref="EvaluateMember"/>.
    /// </remarks>
    /// <param name="caseId">The case id, for the alerts.</param>
    /// <param name="memberId">The member id, for the alerts.</param>
    /// <param name="birthYear">The member's birth year, or null (an adult).</param>
    /// <param name="history">The member's earlier client ratings, any instruments, in any order.</param>
    /// <param name="newRating">The new rating.</param>
    /// <exception cref="ArgumentException">An instrument is unknown, or the history already holds a rating of that instrument at that session.</exception>
    public IReadOnlyList<Alert> EvaluateNewRating(
        string caseId, string memberId, int? birthYear, ReadOnlySpan<MemberRating> history, MemberRating newRating)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ArgumentNullException.ThrowIfNull(memberId);
        var instrument = IndexOf(newRating.Instrument);
        var series = _compiled.Instruments[instrument].Series;
        var role = _compiled.Instruments[series].Role;
        if (role == InstrumentRole.Other)
        {
            return [];
        }

        var count = 1;
        foreach (ref readonly var rating in history)
        {
            var index = IndexOf(rating.Instrument);
            if (_compiled.Instruments[index].Series == series)
            {
                if (index == instrument && rating.SessionNumber == newRating.SessionNumber)
                {
                    throw new ArgumentException("The history already holds a rating of this instrument at this session.", nameof(history));
                }

                count++;
            }
        }

        var points = new SeriesPoint[count];
        var n = 0;
        foreach (ref readonly var rating in history)
        {
            var index = IndexOf(rating.Instrument);
            if (_compiled.Instruments[index].Series == series)
            {
                points[n++] = Point(rating, index, birthYear);
            }
        }

        var position = SortAndInsert(points, n, Point(newRating, instrument, birthYear));
        for (var i = 0; i < points.Length; i++)
        {
            points[i].Source = i;
        }

        var sink = new AlertSink(8);
        EvaluateSeries(points, role, position, position + 1, sink);
        return Materialize(sink, new SeriesSource(caseId, [memberId], points, 0));
    }

    /// <summary>
    /// Every alert of a member's own series (as <see cref="EvaluateNewRating"/> would have produced them
    /// one rating at a time), for re-evaluating a member after a score is corrected or deleted.
    /// </summary>
    /// <param name="caseId">The case id, for the alerts.</param>
    /// <param name="memberId">The member id, for the alerts.</param>
    /// <param name="birthYear">The member's birth year, or null (an adult).</param>
    /// <param name="ratings">The member's client ratings, any instruments, in any order.</param>
    /// <returns>The alerts in the format's output order.</returns>
    public IReadOnlyList<Alert> EvaluateMember(string caseId, string memberId, int? birthYear, ReadOnlySpan<MemberRating> ratings)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        ArgumentNullException.ThrowIfNull(memberId);
        var sink = new AlertSink(16);

        // Each series gets its own slice of one array, so that evidence of every series stays resolvable.
        var points = new SeriesPoint[ratings.Length];
        var used = 0;
        var done = new HashSet<int>();
        foreach (ref readonly var first in ratings)
        {
            var series = _compiled.Instruments[IndexOf(first.Instrument)].Series;
            var role = _compiled.Instruments[series].Role;
            if (role == InstrumentRole.Other || !done.Add(series))
            {
                continue;
            }

            var start = used;
            foreach (ref readonly var rating in ratings)
            {
                var index = IndexOf(rating.Instrument);
                if (_compiled.Instruments[index].Series == series)
                {
                    points[used++] = Point(rating, index, birthYear);
                }
            }

            var span = points.AsSpan(start, used - start);
            SortAndInsert(span, span.Length - 1, span[^1]);
            for (var i = start; i < used; i++)
            {
                points[i].Source = i;
            }

            EvaluateSeries(span, role, 0, span.Length, sink);
        }

        var source = new SeriesSource(caseId, [memberId], points, 0);
        AlertOrder.Sort(sink, 0, source, _compiled);
        return Materialize(sink, source);
    }

    /// <summary>
    /// The split-alliance alert that one new client alliance rating creates at a session, or null: it
    /// fires when the session's alliance ratings (the earlier ones and this one) are the split difference
    /// or more apart and the earlier ones were not already.
    /// </summary>
    /// <param name="caseId">The case id, for the alert.</param>
    /// <param name="sessionNumber">The session.</param>
    /// <param name="earlier">The other members' client alliance ratings at the session.</param>
    /// <param name="newRating">The new rating.</param>
    /// <exception cref="ArgumentException">An instrument is unknown.</exception>
    public Alert? EvaluateNewAllianceRating(string caseId, int sessionNumber, ReadOnlySpan<SessionAllianceRating> earlier, SessionAllianceRating newRating)
    {
        ArgumentNullException.ThrowIfNull(caseId);
        var series = _compiled.Instruments[IndexOf(newRating.Instrument)].Series;
        if (_compiled.Instruments[series].Role != InstrumentRole.Alliance)
        {
            return null;
        }

        var ratings = new List<SessionAllianceRating>(earlier.Length + 1);
        int low = int.MaxValue, high = int.MinValue;
        foreach (ref readonly var rating in earlier)
        {
            if (_compiled.Instruments[IndexOf(rating.Instrument)].Series == series)
            {
                ratings.Add(rating);
                low = Math.Min(low, rating.Score.Tenths);
                high = Math.Max(high, rating.Score.Tenths);
            }
        }

        if (ratings.Count >= 2 && SplitAllianceRule.Fires(low, high, _compiled.SplitDifference))
        {
            return null;
        }

        ratings.Add(newRating);
        low = Math.Min(low, newRating.Score.Tenths);
        high = Math.Max(high, newRating.Score.Tenths);
        if (ratings.Count < 2 || !SplitAllianceRule.Fires(low, high, _compiled.SplitDifference))
        {
            return null;
        }

        // Evidence by member id (ordinal), as in the batch; a member's ratings keep their instrument order.
        var ordered = ratings
            .Select((r, i) => (Rating: r, Order: i))
            .OrderBy(r => r.Rating.MemberId, StringComparer.Ordinal)
            .ThenBy(r => _compiled.Instruments[IndexOf(r.Rating.Instrument)].OrdinalRank)
            .ThenBy(r => r.Order)
            .Select(r => r.Rating)
            .ToList();
        var memberIds = ordered.Select(r => r.MemberId).Distinct(StringComparer.Ordinal).ToList();
        var points = new SeriesPoint[ordered.Count];
        var sink = new AlertSink(1);
        for (var i = 0; i < ordered.Count; i++)
        {
            points[i] = new SeriesPoint { Source = memberIds.IndexOf(ordered[i].MemberId), SessionNumber = sessionNumber, Score = ordered[i].Score.Tenths };
            sink.Add(i);
        }

        sink.Emit(AlertKind.SplitAlliance, -1, sessionNumber, -1, _compiled.SplitDifference, 0, detail: high - low);
        return Materialize(sink, new SeriesSource(caseId, memberIds, points, -1))[0];
    }

    private CompiledRules CompileFor(InstrumentCatalogue catalogue)
    {
        if (ReferenceEquals(catalogue, Rules.Instruments))
        {
            return _compiled;
        }

        var last = _lastBatch;
        if (last is not null && ReferenceEquals(last.Catalogue, catalogue))
        {
            return last;
        }

        last = new CompiledRules(Rules, catalogue, _trajectory);
        _lastBatch = last;
        return last;
    }

    private int IndexOf(string instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return Rules.Instruments.TryGetIndex(instrument, out var index)
            ? index
            : throw new ArgumentException("The instrument is not in the rules' catalogue.", nameof(instrument));
    }

    private SeriesPoint Point(in MemberRating rating, int instrument, int? birthYear) => new()
    {
        SessionNumber = rating.SessionNumber,
        Score = rating.Score.Tenths,
        Instrument = instrument,
        Child = birthYear is { } year && rating.SessionDate.Year - year <= Rules.ChildMaxAge,
    };

    /// <summary>
    /// Sorts the first <paramref name="count"/> points by session and instrument (the batch order) and
    /// inserts <paramref name="added"/> after every point that sorts before or with it.
    /// </summary>
    /// <returns>The position of the inserted point.</returns>
    private int SortAndInsert(Span<SeriesPoint> points, int count, SeriesPoint added)
    {
        for (var i = 1; i < count; i++)
        {
            var item = points[i];
            var j = i - 1;
            while (j >= 0 && Compare(points[j], item) > 0)
            {
                points[j + 1] = points[j];
                j--;
            }

            points[j + 1] = item;
        }

        var position = count;
        while (position > 0 && Compare(points[position - 1], added) > 0)
        {
            points[position] = points[position - 1];
            position--;
        }

        points[position] = added;
        return position;
    }

    private int Compare(in SeriesPoint a, in SeriesPoint b)
    {
        var c = a.SessionNumber.CompareTo(b.SessionNumber);
        return c != 0 ? c : _compiled.Instruments[a.Instrument].OrdinalRank.CompareTo(_compiled.Instruments[b.Instrument].OrdinalRank);
    }

    private void EvaluateSeries(ReadOnlySpan<SeriesPoint> points, InstrumentRole role, int emitFrom, int emitTo, AlertSink sink)
    {
        if (role == InstrumentRole.Alliance)
        {
            AllianceSeries.Evaluate(points, emitFrom, emitTo, _compiled, sink, 0);
        }
        else
        {
            OutcomeSeries.Evaluate(points, emitFrom, emitTo, _compiled, sink, 0);
        }
    }

    private List<Alert> Materialize(AlertSink sink, SeriesSource source)
    {
        var alerts = new List<Alert>(sink.AlertCount);
        for (var i = 0; i < sink.AlertCount; i++)
        {
            alerts.Add(AlertFactory.Create(sink.Alerts[i], sink.Evidence, source, _compiled));
        }

        return alerts;
    }

    /// <summary>
    /// Resolves the references of incremental evaluation: ratings are positions in a points array; the
    /// member of a rating is <paramref name="member"/>, or, when that is -1, the point's own
    /// <see cref="SeriesPoint.Source"/> (a split alliance, whose points are members' ratings).
    /// </summary>
    private sealed class SeriesSource(string caseId, List<string> memberIds, SeriesPoint[] points, int member) : IAlertSource
    {
        public string CaseId(int caseIndex) => caseId;

        public string MemberId(int memberIndex) => memberIds[memberIndex];

        public EvidenceRating Rating(int reference) =>
            new(points[reference].SessionNumber, points[reference].Score, member >= 0 ? member : points[reference].Source);

        public SessionRecord Session(int reference) => throw new InvalidOperationException("Incremental evaluation has no sessions.");

        public ContactRecord Contact(int reference) => throw new InvalidOperationException("Incremental evaluation has no contacts.");
    }
}
