using Alliance.Domain;
using Alliance.Measures;
using Alliance.Signals;
using MeasuresInstrument = Alliance.Measures.Instrument;
using SignalAlert = Alliance.Signals.Alert;

namespace Alliance.Application.Feedback;

/// <summary>A stored response as the rules over answers read it.</summary>
/// <param name="Id">The response.</param>
/// <param name="MemberId">The member it is about.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="InstrumentId">Its instrument.</param>
/// <param name="Rater">Who rated.</param>
/// <param name="Score">Its total, when scored.</param>
/// <param name="RiskFlag">Whether its answers raised a risk flag.</param>
/// <param name="AnswersJson">Its answers (the QuestionnaireResponse), when kept.</param>
/// <param name="RecordedAt">When it was recorded.</param>
internal sealed record AnswerRow(Guid Id, Guid MemberId, Guid SessionId, string InstrumentId, RaterRole Rater, decimal? Score, bool RiskFlag,
    string? AnswersJson, DateTime RecordedAt);

/// <summary>A session of the episode as the rules over answers need it.</summary>
/// <param name="Number">Its number in the episode.</param>
/// <param name="Held">Whether it was held.</param>
internal readonly record struct AnswerSession(int Number, bool Held);

/// <summary>
/// The rules that read a response's answers rather than its total (<see cref="AnswerRules"/>), over one family's current
/// episode: the PHQ-9 item 9 risk answer, and a split alliance on a dimension of <c>family-alliance</c> (members' own
/// ratings, 1-5 per dimension) or <c>observer-family-alliance</c> (the observer's -3 to +3 rating of each member on the
/// dimensions rated per member; the family's shared purpose is rated once and cannot split). The
/// stored answers are scored again by the instruments' own rules (Alliance.Measures), so a dimension is exactly what the
/// member's score page shows. Only the built-in definitions are read: these instruments are Alliance's own.
/// </summary>
internal static class AnswerSignals
{
    /// <summary>The instrument whose risk item raises <see cref="AlertKind.Phq9Item9Risk"/>.</summary>
    public const string RiskInstrument = "phq-9";

    /// <summary>The members' own family alliance questionnaire.</summary>
    public const string FamilyAlliance = "family-alliance";

    /// <summary>The observer's family alliance ratings, one per member and dimension.</summary>
    public const string ObserverFamilyAlliance = "observer-family-alliance";

    /// <summary>The instruments whose answers these rules read.</summary>
    public static readonly string[] Instruments = [RiskInstrument, FamilyAlliance, ObserverFamilyAlliance];

    /// <summary>The code of the risk alert.</summary>
    public static string RiskKind { get; } = AlertKinds.Code(AlertKind.Phq9Item9Risk);

    private static readonly Lazy<InstrumentCatalog> Catalog = new(() => InstrumentCatalog.CreateWithBuiltIns());

    /// <summary>
    /// Evaluates the answer rules over a family's current responses. Risk answers count at any session of the episode
    /// (a member may answer through a link before the session is recorded as held); splits only at held sessions, like
    /// every rule over scores.
    /// </summary>
    /// <param name="caseId">The case id the alerts carry.</param>
    /// <param name="rows">The family's current (not withdrawn) responses to <see cref="Instruments"/>.</param>
    /// <param name="sessions">The episode's sessions by id.</param>
    /// <param name="labels">Each member's label in alerts, by member id.</param>
    /// <param name="rules">The agency's numbers.</param>
    /// <param name="standing">Receives the dimension scores the split alerts rest on (member, session, tenths), so that an alert raised under earlier numbers is kept while they stand.</param>
    public static List<SignalAlert> Evaluate(string caseId, IReadOnlyList<AnswerRow> rows, IReadOnlyDictionary<Guid, AnswerSession> sessions,
        IReadOnlyDictionary<Guid, string> labels, SignalRules rules, ISet<(Guid Member, int Session, int Tenths)> standing)
    {
        var alerts = new List<SignalAlert>();
        foreach (var row in rows.Where(r => r.InstrumentId == RiskInstrument && r.RiskFlag).OrderBy(r => r.RecordedAt))
        {
            if (sessions.TryGetValue(row.SessionId, out var session) && labels.TryGetValue(row.MemberId, out var label))
                alerts.Add(RiskAlert(caseId, row, session.Number, label));
        }

        var held = rows.Where(r => sessions.TryGetValue(r.SessionId, out var s) && s.Held).ToList();
        foreach (var group in held.Where(r => r.InstrumentId == FamilyAlliance && r.Rater == RaterRole.Client).GroupBy(r => r.SessionId))
        {
            // Each member's own latest response at the session.
            var scores = group.GroupBy(r => r.MemberId).Select(g => g.MaxBy(r => r.RecordedAt)!)
                .Where(r => labels.ContainsKey(r.MemberId))
                .SelectMany(r => MemberDimensions(r, labels[r.MemberId]))
                .ToList();
            AddSplit(alerts, caseId, sessions[group.Key].Number, FamilyAlliance, scores, rules.FamilyAllianceSplit, labels, standing);
        }

        foreach (var group in held.Where(r => r.InstrumentId == ObserverFamilyAlliance).GroupBy(r => r.SessionId))
        {
            // Each rater's ratings are compared among themselves; the widest split of the session is the one shown.
            var number = sessions[group.Key].Number;
            var threshold = rules.ObserverFamilyAllianceSplit;
            var widest = group.OrderBy(r => r.RecordedAt)
                .Select(r => ObservedDimensions(r, labels))
                .Select(scores => (Scores: scores, Splits: AnswerRules.DimensionSplits(scores, threshold.ToDecimal())))
                .Where(x => x.Splits.Count > 0)
                .OrderByDescending(x => x.Splits[0].Difference)
                .FirstOrDefault();
            if (widest.Scores is not null)
                AddSplit(alerts, caseId, number, ObserverFamilyAlliance, widest.Scores, threshold, labels, standing);
        }
        return alerts;
    }

    private static SignalAlert RiskAlert(string caseId, AnswerRow row, int sessionNumber, string label)
    {
        var instrument = Catalog.Value.Get(RiskInstrument);
        var numbered = instrument.Items.Where(i => i.Kind != ItemKind.Display).ToList();
        var flag = Read(row, instrument)?.Score.RiskFlags is { Count: > 0 } flags ? flags[0] : null;
        var item = flag is not null ? numbered.FindIndex(i => i.LinkId == flag.LinkId) + 1 : numbered.FindIndex(i => i.Risk is not null) + 1;
        return AnswerRules.RiskAnswerAlert(caseId, label, sessionNumber, RiskInstrument, item, Tenths(flag?.Value), Tenths(row.Score));
    }

    /// <summary>A member's dimension scores on <c>family-alliance</c>, each on the items' scale (a summed dimension divided by its items).</summary>
    private static IEnumerable<DimensionScore> MemberDimensions(AnswerRow row, string label)
    {
        var instrument = Catalog.Value.Get(FamilyAlliance);
        if (Read(row, instrument) is not { } scored) yield break;
        foreach (var subscale in scored.Score.Subscales)
        {
            if (subscale.Score is not { } value || instrument.Subscales.FirstOrDefault(s => s.Code == subscale.Code) is not { } definition) continue;
            var onItemScale = definition.Method == SubscaleMethod.Sum ? value / Math.Max(1, definition.ItemLinkIds.Count) : value;
            yield return new DimensionScore(label, subscale.Code, onItemScale);
        }
    }

    /// <summary>
    /// The observer's rating of each member on each dimension, scored by the instrument's rules for that member alone.
    /// A member is named in the answers by id (<c>{id}</c> or <c>Patient/{id}</c>); one who is not in the family is left out.
    /// </summary>
    private static List<DimensionScore> ObservedDimensions(AnswerRow row, IReadOnlyDictionary<Guid, string> labels)
    {
        var instrument = Catalog.Value.Get(ObserverFamilyAlliance);
        var scores = new List<DimensionScore>();
        if (Read(row, instrument) is not { } scored) return scores;
        foreach (var member in scored.Answers.Where(a => a.MemberId is not null).GroupBy(a => a.MemberId!, StringComparer.Ordinal))
        {
            var text = member.Key.StartsWith("Patient/", StringComparison.Ordinal) ? member.Key["Patient/".Length..] : member.Key;
            if (!Guid.TryParse(text, out var id) || !labels.TryGetValue(id, out var label)) continue;
            foreach (var subscale in InstrumentScorer.Score(instrument, member).Subscales)
                if (subscale.Score is { } value)
                    scores.Add(new DimensionScore(label, subscale.Code, value));
        }
        return scores;
    }

    private static void AddSplit(List<SignalAlert> alerts, string caseId, int sessionNumber, string instrumentId, List<DimensionScore> scores, Score threshold,
        IReadOnlyDictionary<Guid, string> labels, ISet<(Guid, int, int)> standing)
    {
        var splits = AnswerRules.DimensionSplits(scores, threshold.ToDecimal());
        if (splits.Count == 0) return;
        var instrument = Catalog.Value.Get(instrumentId);
        var alert = AnswerRules.SplitAlert(caseId, sessionNumber, instrumentId, splits,
            code => instrument.Subscales.FirstOrDefault(s => s.Code == code)?.Title ?? code, threshold);
        alerts.Add(alert);
        var byLabel = labels.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        foreach (var e in alert.Evidence)
            if (e.MemberId is { } label && byLabel.TryGetValue(label, out var member) && e.Score is { } score)
                standing.Add((member, sessionNumber, score.Tenths));
    }

    /// <summary>
    /// The stored answers scored again, or null when there are none or they cannot be read. Every evaluation of a family
    /// reads its answers to these instruments again, at tens of microseconds a response (System.Text.Json; see docs/performance.md).
    /// </summary>
    private static ScoredResponse? Read(AnswerRow row, MeasuresInstrument instrument)
    {
        if (string.IsNullOrWhiteSpace(row.AnswersJson)) return null;
        var response = QuestionnaireResponseMapper.FromStoredJson(row.AnswersJson, Catalog.Value).Response;
        return response is not null && response.InstrumentId == instrument.Id ? response : null;
    }

    private static Score? Tenths(decimal? value) =>
        value is { } v && v * 10m == decimal.Truncate(v * 10m) ? Score.FromDecimal(v) : null;
}
