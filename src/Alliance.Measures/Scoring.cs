namespace Alliance.Measures;

/// <summary>The score of one subscale (for example one family-alliance dimension).</summary>
/// <param name="Code">The subscale's code.</param>
/// <param name="Title">The subscale's title.</param>
/// <param name="Score">The score, or null when it cannot be scored.</param>
/// <param name="UnscorableReason">Why it cannot be scored, when <paramref name="Score"/> is null.</param>
/// <param name="Prorated">Whether missing items were filled in by the prorating rule.</param>
public sealed record SubscaleScore(string Code, string Title, decimal? Score, string? UnscorableReason, bool Prorated = false);

/// <summary>A risk flag raised by an answer (PHQ-9 item 9 above 0): shown to the therapist at once, high priority.</summary>
/// <param name="LinkId">The item that raised it.</param>
/// <param name="Value">The answer's value (before reverse scoring).</param>
/// <param name="Message">The sentence shown to the therapist.</param>
public sealed record RiskFlag(string LinkId, decimal Value, string Message)
{
    /// <summary>For items rated per member: the member the rating is about.</summary>
    public string? MemberId { get; init; }
}

/// <summary>The scores of one response, or the reason it cannot be scored.</summary>
public sealed record ScoreResult
{
    /// <summary>The instrument id.</summary>
    public required string InstrumentId { get; init; }

    /// <summary>The total, rounded to the instrument's precision; null when unscorable.</summary>
    public decimal? Total { get; init; }

    /// <summary>Why the total cannot be computed, when <see cref="Total"/> is null.</summary>
    public string? UnscorableReason { get; init; }

    /// <summary>Whether the total was prorated because of missing items.</summary>
    public bool Prorated { get; init; }

    /// <summary>How many scored items were left unanswered.</summary>
    public int MissingItems { get; init; }

    /// <summary>Each subscale's score, in the instrument's order.</summary>
    public ValueList<SubscaleScore> Subscales { get; init; } = ValueList.Empty<SubscaleScore>();

    /// <summary>The severity band of the total, when the instrument has bands and the response is scorable.</summary>
    public SeverityBand? Band { get; init; }

    /// <summary>Risk flags raised by the answers (raised even when the total cannot be computed).</summary>
    public ValueList<RiskFlag> RiskFlags { get; init; } = ValueList.Empty<RiskFlag>();

    /// <summary>Whether a total was computed.</summary>
    public bool IsScorable => Total is not null;

    /// <summary>A subscale's score by code.</summary>
    /// <param name="code">The subscale code.</param>
    /// <returns>The subscale score, or null when the instrument has no such subscale.</returns>
    public SubscaleScore? Subscale(string code) => Subscales.FirstOrDefault(s => s.Code == code);
}

/// <summary>Scores answers by an instrument's rules: reverse scoring, subscales, total, missing items, bands and risk flags.</summary>
public static class InstrumentScorer
{
    /// <summary>
    /// Scores a set of answers. Answers are first checked as transcribed answers (<see cref="AnswerEntry.Transcribed"/>);
    /// answers with errors are not scored and the reason lists the errors.
    /// </summary>
    /// <param name="instrument">The instrument.</param>
    /// <param name="answers">The answers.</param>
    /// <returns>The score or the reason it cannot be scored.</returns>
    public static ScoreResult Score(Instrument instrument, IEnumerable<ItemAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(answers);
        var list = answers.ToList();
        var errors = AnswerValidator.Validate(instrument, list, AnswerEntry.Transcribed);
        if (errors.Count > 0)
        {
            return new ScoreResult
            {
                InstrumentId = instrument.Id,
                UnscorableReason = "the answers have errors: " + string.Join("; ", errors),
            };
        }

        var values = new Dictionary<(string LinkId, string? MemberId), decimal>();
        var flags = new List<RiskFlag>();
        foreach (var answer in list)
        {
            var item = instrument.FindItem(answer.LinkId)!;
            if (RawValue(item, answer.Value) is not { } raw)
            {
                continue;
            }
            if (item.Risk is { } risk && raw >= risk.AtOrAbove)
            {
                flags.Add(new RiskFlag(item.LinkId, raw, risk.Message) { MemberId = answer.MemberId });
            }
            if (item.Scored)
            {
                values[(item.LinkId, answer.MemberId)] = item.ScoredValue(raw);
            }
        }

        var members = list.Where(a => a.MemberId is not null).Select(a => a.MemberId!).Distinct().ToList();
        var context = new Context(instrument, values, members);
        // Subscale scores stay unrounded until the total is formed from them.
        var subscales = instrument.Subscales.Select(context.ScoreSubscale).ToList();
        var missing = context.MissingFields(instrument.ScoredItems).Count;

        var result = instrument.TotalMethod == TotalMethod.Sum
            ? context.ScoreSum(instrument.ScoredItems.ToList(), instrument.Title)
            : context.MeanOfSubscales(subscales);

        return new ScoreResult
        {
            InstrumentId = instrument.Id,
            Total = result.Score,
            UnscorableReason = result.Reason,
            Prorated = result.Prorated,
            MissingItems = missing,
            Subscales = subscales.Select(s => s with { Score = s.Score is { } v ? context.Round(v) : null }).ToValueList(),
            Band = result.Score is { } total ? instrument.Bands.FirstOrDefault(b => b.Contains(total)) : null,
            RiskFlags = flags.ToValueList(),
        };
    }

    /// <summary>The raw value of an answer (scale point, option score, 1 for yes and 0 for no), before reverse scoring.</summary>
    /// <param name="item">The item.</param>
    /// <param name="value">The answer.</param>
    /// <returns>The value, or null for unscored kinds of answer.</returns>
    public static decimal? RawValue(InstrumentItem item, AnswerValue value)
    {
        ArgumentNullException.ThrowIfNull(item);
        return value switch
        {
            IntegerAnswer i => i.Value,
            CodedAnswer c => item.Options.FirstOrDefault(o => o.Code == c.Code)?.Score,
            YesNoAnswer y => y.Yes ? 1 : 0,
            _ => null,
        };
    }

    private readonly record struct Part(decimal? Score, string? Reason, bool Prorated);

    private sealed class Context(Instrument instrument, Dictionary<(string LinkId, string? MemberId), decimal> values, List<string> members)
    {
        public decimal Round(decimal value) => Math.Round(value, instrument.Precision, MidpointRounding.AwayFromZero);

        /// <summary>Every (item, member) field of the given items that should hold a value.</summary>
        private IEnumerable<(string LinkId, string? MemberId)> Fields(IEnumerable<InstrumentItem> items) =>
            items.SelectMany(item => item.PerMember
                ? members.Select(m => (item.LinkId, (string?)m))
                : [(item.LinkId, null)]);

        public List<string> MissingFields(IEnumerable<InstrumentItem> items) =>
            [.. Fields(items).Where(f => !values.ContainsKey(f)).Select(f => FieldNames.For(f.LinkId, f.MemberId))];

        private List<decimal> Values(IEnumerable<InstrumentItem> items) =>
            [.. Fields(items).Where(values.ContainsKey).Select(f => values[f])];

        public Part ScoreSum(List<InstrumentItem> items, string name)
        {
            var missing = MissingFields(items);
            var answered = Values(items);
            var rule = instrument.MissingItems;
            if (missing.Count == 0)
            {
                return new Part(Round(answered.Sum()), null, false);
            }
            var unanswered = $"{missing.Count} of {items.Count} items unanswered ({string.Join(", ", missing)})";
            if (rule.Method == MissingItemMethod.Prorate && missing.Count <= rule.MaxMissing && answered.Count > 0)
            {
                // Each missing item takes the mean of the answered ones: sum x items / answered.
                return new Part(Round(answered.Sum() * items.Count / answered.Count), null, true);
            }
            return rule.Method == MissingItemMethod.Prorate
                ? new Part(null, $"{unanswered}; {name} can be prorated only when at most {rule.MaxMissing} {(rule.MaxMissing == 1 ? "is" : "are")} missing", false)
                : new Part(null, $"{unanswered}; {name} needs every item answered", false);
        }

        public SubscaleScore ScoreSubscale(Subscale subscale)
        {
            var items = subscale.ItemLinkIds.Select(l => instrument.FindItem(l)!).ToList();
            if (subscale.Method == SubscaleMethod.Sum)
            {
                var part = ScoreSum(items, $"the {subscale.Title} subscale");
                return new SubscaleScore(subscale.Code, subscale.Title, part.Score, part.Reason, part.Prorated);
            }

            var given = Values(items);
            var missing = MissingFields(items);
            if (items.Any(i => i.PerMember) && members.Count == 0)
            {
                return new SubscaleScore(subscale.Code, subscale.Title, null, $"no member was rated on {subscale.Title}");
            }
            var rule = instrument.MissingItems;
            var allowed = rule.Method switch
            {
                MissingItemMethod.MeanOfAnswered => given.Count > 0,
                MissingItemMethod.Prorate => missing.Count <= rule.MaxMissing && given.Count > 0,
                _ => missing.Count == 0,
            };
            if (!allowed)
            {
                var reason = given.Count == 0
                    ? $"{subscale.Title} has no rating"
                    : $"{subscale.Title} has unanswered items ({string.Join(", ", missing)})";
                return new SubscaleScore(subscale.Code, subscale.Title, null, reason);
            }
            // Mean of the values given: a missing item is thereby replaced by the mean of the others.
            return new SubscaleScore(subscale.Code, subscale.Title, given.Average(), null, missing.Count > 0);
        }

        public Part MeanOfSubscales(List<SubscaleScore> subscales)
        {
            var unscored = subscales.Where(s => s.Score is null).ToList();
            if (unscored.Count > 0)
            {
                return new Part(null, "the total needs every subscale: " + string.Join("; ", unscored.Select(s => s.UnscorableReason)), false);
            }
            // The total is the mean of the unrounded subscale means, each subscale weighing the same.
            return new Part(Round(subscales.Average(s => s.Score!.Value)), null, subscales.Any(s => s.Prorated));
        }
    }
}
