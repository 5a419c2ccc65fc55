namespace Alliance.Signals;

/// <summary>
/// One member's client ratings in one outcome series over one closed episode, in session order: what an
/// expected trajectory is fitted from.
/// </summary>
/// <param name="Episode">Identifies the episode (several members of one family share it).</param>
/// <param name="Series">The series' instrument id; a child version's id is read as its series (<c>wellbeing-check</c>).</param>
/// <param name="Ratings">The ratings, first (intake) rating first.</param>
public sealed record TrajectorySample(string Episode, string Series, IReadOnlyList<Score> Ratings);

/// <summary>
/// The numbers of the empirical-benchmark fit (see <see cref="EmpiricalTrajectory"/>); an agency may change them.
/// </summary>
public sealed record TrajectoryFitOptions
{
    /// <summary>The defaults.</summary>
    public static TrajectoryFitOptions Default { get; } = new();

    /// <summary>
    /// A series is modelled only when this many closed episodes have at least two ratings in it. Default 100:
    /// a few hundred trajectories give stable quartiles of intake (empirical benchmarking in routine outcome
    /// monitoring works from agency samples of this size and larger).
    /// </summary>
    public int MinimumEpisodes { get; init; } = 100;

    /// <summary>
    /// A cell (intake band, rating number) is used only when this many trajectories reach it. Default 10: below
    /// that a 25th percentile rests on two or three people.
    /// </summary>
    public int MinimumPerCell { get; init; } = 10;

    /// <summary>How many bands of intake severity, cut at the quantiles of the intake scores. Default 4 (quartiles).</summary>
    public int IntakeBands { get; init; } = 4;

    /// <summary>
    /// The running mean over neighbouring rating numbers takes this many on each side. Default 1 (three ratings);
    /// 0 turns smoothing off.
    /// </summary>
    public int SmoothingRadius { get; init; } = 1;

    /// <summary>
    /// Whether the smoothed benchmarks are made monotone in the better direction (isotonic regression weighted by
    /// the cell counts), the shape of the expected-response curves of Lambert et al. and of the log-linear model of
    /// Finch, Lambert and Schaalje (2001). Default true.
    /// </summary>
    public bool Monotone { get; init; } = true;

    /// <summary>
    /// The lower band's percentile on the worse side: the 25th percentile of the scores for an instrument where higher
    /// is better, the 75th where lower is better. Default 0.25.
    /// </summary>
    public decimal LowerBandFraction { get; init; } = 0.25m;

    /// <summary>Checks the numbers, naming the first that makes no sense.</summary>
    /// <exception cref="ArgumentException">A number is out of its range; the message names it.</exception>
    public void Validate()
    {
        Require(MinimumEpisodes >= 1, "minimum_episodes", "must be 1 or more");
        Require(MinimumPerCell >= 1, "minimum_per_cell", "must be 1 or more");
        Require(IntakeBands is >= 1 and <= 20, "intake_bands", "must be between 1 and 20");
        Require(SmoothingRadius is >= 0 and <= 10, "smoothing_radius", "must be between 0 and 10");
        Require(LowerBandFraction is > 0m and < 0.5m, "lower_band_fraction", "must be more than 0 and less than 0.5");
    }

    private static void Require(bool condition, string field, string sentence)
    {
        if (!condition)
        {
            throw new ArgumentException($"{field}: {sentence}.");
        }
    }
}

/// <summary>The expected score at one rating: the median of comparable members, and the lower band.</summary>
/// <param name="Median">The smoothed median score.</param>
/// <param name="LowerBand">The smoothed edge of the band on the worse side (25th percentile, or 75th where lower is better).</param>
/// <param name="Trajectories">How many trajectories of the intake band reached this rating.</param>
public readonly record struct ExpectedScore(Score Median, Score LowerBand, int Trajectories);

/// <summary>
/// An agency's expected trajectories by empirical benchmarking: for each outcome series with enough closed episodes,
/// the trajectories are grouped by intake severity (bands cut at the quantiles of the intake scores) and, in each band,
/// the scores at the 2nd, 3rd... rating give a median and a lower band (25th percentile, or 75th for an instrument where
/// lower is better). Cells with too few trajectories are left out; the rest are smoothed across neighbouring rating
/// numbers by a running mean and made monotone in the better direction. A rating the model does not cover falls back
/// to the early-change rule.
/// </summary>
/// <remarks>
/// Percentiles interpolate linearly between the closest ranks (for sorted x₀..xₙ₋₁ and a fraction p: h = (n - 1)p,
/// then x⌊h⌋ + (h - ⌊h⌋)(x⌊h⌋₊₁ - x⌊h⌋)). Band edges are nearest-rank quantiles of the intake scores: with n intakes in
/// b bands, the kth edge is the ⌈kn/b⌉th smallest, and an intake equal to an edge belongs to the band below it.
/// Children and adults are pooled: the child versions share the adult range. An instance is immutable and may serve
/// many threads.
/// </remarks>
public sealed class EmpiricalTrajectory : IExpectedTrajectory
{
    private readonly Dictionary<string, SeriesBenchmark> _bySeries;

    private EmpiricalTrajectory(IReadOnlyList<SeriesBenchmark> series, TrajectoryFitOptions options)
    {
        Series = series;
        Options = options;
        _bySeries = series.ToDictionary(s => s.Series, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A model that covers nothing (every rating uses the early-change rule).</summary>
    public static EmpiricalTrajectory Empty { get; } = new([], TrajectoryFitOptions.Default);

    /// <summary>The modelled series (only those with enough closed episodes).</summary>
    public IReadOnlyList<SeriesBenchmark> Series { get; }

    /// <summary>The numbers the model was fitted with.</summary>
    public TrajectoryFitOptions Options { get; }

    /// <summary>Fits the benchmarks from closed episodes' trajectories.</summary>
    /// <param name="samples">The trajectories; those of instruments that are not outcome series of the catalogue, and those with fewer than two ratings, are ignored.</param>
    /// <param name="catalogue">The instruments (for series and better direction).</param>
    /// <param name="options">The numbers of the fit; <see cref="TrajectoryFitOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentException">An option is out of its range.</exception>
    public static EmpiricalTrajectory Fit(IEnumerable<TrajectorySample> samples, InstrumentCatalogue catalogue, TrajectoryFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(catalogue);
        options ??= TrajectoryFitOptions.Default;
        options.Validate();

        var bySeries = new Dictionary<int, List<TrajectorySample>>();
        foreach (var sample in samples)
        {
            if (sample?.Ratings is not { Count: >= 2 } || sample.Series is null || !catalogue.TryGetIndex(sample.Series, out var index))
            {
                continue;
            }

            var head = catalogue.SeriesOf(index);
            if (catalogue[head].Role != InstrumentRole.Outcome)
            {
                continue;
            }

            if (!bySeries.TryGetValue(head, out var list))
            {
                bySeries[head] = list = [];
            }

            list.Add(sample);
        }

        var fitted = new List<SeriesBenchmark>();
        foreach (var (head, list) in bySeries.OrderBy(p => p.Key))
        {
            var episodes = list.Select(s => s.Episode).Distinct(StringComparer.Ordinal).Count();
            if (episodes >= options.MinimumEpisodes)
            {
                fitted.Add(SeriesBenchmark.Fit(catalogue[head], list, episodes, options));
            }
        }

        return new EmpiricalTrajectory(fitted, options);
    }

    /// <summary>The fitted benchmarks of a series, or null when it is not modelled.</summary>
    /// <param name="series">The series' instrument id (a child version's id is not resolved here: pass the series).</param>
    public SeriesBenchmark? Find(string series) =>
        series is not null && _bySeries.TryGetValue(series, out var benchmark) ? benchmark : null;

    /// <summary>The expected score at a rating of a member with a given intake score.</summary>
    /// <param name="series">The series' instrument id.</param>
    /// <param name="intake">The member's first rating in the series.</param>
    /// <param name="ratingNumber">The rating's position in the series (the first is 1, which is never covered).</param>
    /// <param name="expected">The expected score.</param>
    /// <returns>False when the model does not cover the rating.</returns>
    public bool TryGetExpected(string series, Score intake, int ratingNumber, out ExpectedScore expected)
    {
        expected = default;
        return Find(series) is { } benchmark && benchmark.TryGet(intake, ratingNumber, out expected);
    }

    /// <inheritdoc />
    public bool TryGetLowerBand(in TrajectoryQuery query, out Score lowerBand)
    {
        if (TryGetExpected(query.Series, query.IntakeScore, query.RatingNumber, out var expected))
        {
            lowerBand = expected.LowerBand;
            return true;
        }

        lowerBand = default;
        return false;
    }

    /// <summary>The percentile of sorted values by linear interpolation between the closest ranks.</summary>
    /// <param name="sorted">The values, in ascending order (at least one).</param>
    /// <param name="fraction">The fraction, 0 to 1.</param>
    public static double Percentile(ReadOnlySpan<int> sorted, double fraction)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A percentile needs at least one value.", nameof(sorted));
        }

        var h = (sorted.Length - 1) * fraction;
        var low = (int)Math.Floor(h);
        return low + 1 >= sorted.Length ? sorted[^1] : sorted[low] + ((h - low) * (sorted[low + 1] - sorted[low]));
    }

    /// <summary>
    /// Pool-adjacent-violators: the weighted least-squares fit to <paramref name="values"/> that never moves in the
    /// worse direction from one value to the next (never decreases where higher is better, never increases where lower is).
    /// </summary>
    /// <param name="values">The values, in order.</param>
    /// <param name="weights">Their weights (cell counts), all positive.</param>
    /// <param name="better">Which direction is better.</param>
    public static double[] MonotoneFit(IReadOnlyList<double> values, IReadOnlyList<double> weights, BetterDirection better)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(weights);
        var sign = better == BetterDirection.Higher ? 1 : -1;
        var means = new List<double>();
        var masses = new List<double>();
        var sizes = new List<int>();
        for (var i = 0; i < values.Count; i++)
        {
            means.Add(sign * values[i]);
            masses.Add(weights[i]);
            sizes.Add(1);
            while (means.Count > 1 && means[^2] > means[^1])
            {
                var mass = masses[^2] + masses[^1];
                var mean = ((means[^2] * masses[^2]) + (means[^1] * masses[^1])) / mass;
                var size = sizes[^2] + sizes[^1];
                means.RemoveAt(means.Count - 1);
                masses.RemoveAt(masses.Count - 1);
                sizes.RemoveAt(sizes.Count - 1);
                means[^1] = mean;
                masses[^1] = mass;
                sizes[^1] = size;
            }
        }

        var result = new double[values.Count];
        var at = 0;
        for (var block = 0; block < means.Count; block++)
        {
            for (var j = 0; j < sizes[block]; j++)
            {
                result[at++] = sign * means[block];
            }
        }

        return result;
    }
}

/// <summary>One outcome series' benchmarks: its intake bands and, in each, the expected score by rating number.</summary>
public sealed class SeriesBenchmark
{
    private readonly int[] _edges;

    private SeriesBenchmark(string series, BetterDirection better, int episodes, int trajectories, int[] edges, IReadOnlyList<IntakeBand> bands)
    {
        Series = series;
        Better = better;
        Episodes = episodes;
        Trajectories = trajectories;
        _edges = edges;
        Bands = bands;
    }

    /// <summary>The series' instrument id.</summary>
    public string Series { get; }

    /// <summary>The series' better direction.</summary>
    public BetterDirection Better { get; }

    /// <summary>How many closed episodes the fit used.</summary>
    public int Episodes { get; }

    /// <summary>How many trajectories (a member's series in one episode) the fit used.</summary>
    public int Trajectories { get; }

    /// <summary>The band edges (one fewer than the bands): an intake at or below the kth edge and above the one before is in band k.</summary>
    public IReadOnlyList<Score> Edges => [.. _edges.Select(Score.FromTenths)];

    /// <summary>The intake bands, lowest intake scores first.</summary>
    public IReadOnlyList<IntakeBand> Bands { get; }

    /// <summary>The band of an intake score (0 for the lowest).</summary>
    /// <param name="intake">The first rating.</param>
    public int BandOf(Score intake)
    {
        var band = 0;
        while (band < _edges.Length && intake.Tenths > _edges[band])
        {
            band++;
        }

        return band;
    }

    /// <summary>The expected score at a rating for a member with this intake.</summary>
    /// <param name="intake">The member's first rating.</param>
    /// <param name="ratingNumber">The rating's position in the series.</param>
    /// <param name="expected">The expected score.</param>
    /// <returns>False when the cell has too few trajectories (or the rating is the intake itself).</returns>
    public bool TryGet(Score intake, int ratingNumber, out ExpectedScore expected) => Bands[BandOf(intake)].TryGet(ratingNumber, out expected);

    internal static SeriesBenchmark Fit(Instrument series, List<TrajectorySample> samples, int episodes, TrajectoryFitOptions options)
    {
        var intakes = samples.Select(s => s.Ratings[0].Tenths).Order().ToArray();
        var edges = new int[options.IntakeBands - 1];
        for (var k = 1; k < options.IntakeBands; k++)
        {
            var rank = (int)Math.Ceiling(k * intakes.Length / (double)options.IntakeBands);
            edges[k - 1] = intakes[Math.Max(rank, 1) - 1];
        }

        var benchmark = new SeriesBenchmark(series.Id, series.Better, episodes, samples.Count, edges, []);
        var sign = series.Better == BetterDirection.Higher ? 1 : -1;
        var lowerFraction = (double)(sign > 0 ? options.LowerBandFraction : 1m - options.LowerBandFraction);
        var bands = new List<IntakeBand>(options.IntakeBands);
        for (var band = 0; band < options.IntakeBands; band++)
        {
            var members = samples.Where(s => benchmark.BandOf(s.Ratings[0]) == band).ToList();
            bands.Add(IntakeBand.Fit(band, band == 0 ? null : edges[band - 1], band < edges.Length ? edges[band] : null, members, sign, lowerFraction, options));
        }

        return new SeriesBenchmark(series.Id, series.Better, episodes, samples.Count, edges, bands);
    }
}

/// <summary>One band of intake severity and its expected scores by rating number.</summary>
public sealed class IntakeBand
{
    private readonly ExpectedScore[] _byRating;

    private IntakeBand(int index, Score? above, Score? upTo, int trajectories, ExpectedScore[] byRating)
    {
        Index = index;
        Above = above;
        UpTo = upTo;
        Trajectories = trajectories;
        _byRating = byRating;
    }

    /// <summary>The band's position, 0 for the lowest intake scores.</summary>
    public int Index { get; }

    /// <summary>Intakes in the band are above this (null for the lowest band).</summary>
    public Score? Above { get; }

    /// <summary>Intakes in the band are at or below this (null for the highest band).</summary>
    public Score? UpTo { get; }

    /// <summary>How many trajectories start in the band.</summary>
    public int Trajectories { get; }

    /// <summary>The last rating number the band covers (1 when it covers none).</summary>
    public int LastRating => _byRating.Length + 1;

    /// <summary>The expected score at a rating number (2 or more).</summary>
    /// <param name="ratingNumber">The rating's position in the series.</param>
    /// <param name="expected">The expected score.</param>
    /// <returns>False when the band does not cover the rating.</returns>
    public bool TryGet(int ratingNumber, out ExpectedScore expected)
    {
        var i = ratingNumber - 2;
        if (i >= 0 && i < _byRating.Length)
        {
            expected = _byRating[i];
            return true;
        }

        expected = default;
        return false;
    }

    internal static IntakeBand Fit(int index, int? above, int? upTo, List<TrajectorySample> members, int sign, double lowerFraction, TrajectoryFitOptions options)
    {
        // Raw cells from the 2nd rating on, while enough trajectories reach them: every trajectory that reaches
        // rating r also reached r - 1, so the covered cells are 2..R without gaps.
        var medians = new List<double>();
        var lowers = new List<double>();
        var counts = new List<double>();
        for (var rating = 2; ; rating++)
        {
            var scores = members.Where(m => m.Ratings.Count >= rating).Select(m => m.Ratings[rating - 1].Tenths).Order().ToArray();
            if (scores.Length < options.MinimumPerCell || scores.Length == 0)
            {
                break;
            }

            medians.Add(EmpiricalTrajectory.Percentile(scores, 0.5));
            lowers.Add(EmpiricalTrajectory.Percentile(scores, lowerFraction));
            counts.Add(scores.Length);
        }

        var smoothMedians = Smooth(medians, options.SmoothingRadius);
        var smoothLowers = Smooth(lowers, options.SmoothingRadius);
        if (options.Monotone)
        {
            var better = sign > 0 ? BetterDirection.Higher : BetterDirection.Lower;
            smoothMedians = EmpiricalTrajectory.MonotoneFit(smoothMedians, counts, better);
            smoothLowers = EmpiricalTrajectory.MonotoneFit(smoothLowers, counts, better);
        }

        var byRating = new ExpectedScore[medians.Count];
        for (var i = 0; i < byRating.Length; i++)
        {
            byRating[i] = new ExpectedScore(Round(smoothMedians[i]), Round(smoothLowers[i]), (int)counts[i]);
        }

        return new IntakeBand(index, above is { } a ? Score.FromTenths(a) : null, upTo is { } u ? Score.FromTenths(u) : null, members.Count, byRating);
    }

    /// <summary>The running mean over the cells within <paramref name="radius"/> of each (only cells that exist).</summary>
    private static double[] Smooth(List<double> values, int radius)
    {
        var result = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var from = Math.Max(0, i - radius);
            var to = Math.Min(values.Count - 1, i + radius);
            var sum = 0.0;
            for (var j = from; j <= to; j++)
            {
                sum += values[j];
            }

            result[i] = sum / (to - from + 1);
        }

        return result;
    }

    private static Score Round(double tenths) => Score.FromTenths((int)Math.Round(tenths, MidpointRounding.AwayFromZero));
}
