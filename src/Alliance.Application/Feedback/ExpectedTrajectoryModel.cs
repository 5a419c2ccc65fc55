using System.Collections.Concurrent;
using System.Globalization;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Signals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using SessionStatus = Alliance.Domain.SessionStatus;

namespace Alliance.Application.Feedback;

/// <summary>When an agency's expected trajectories are fitted, and with which numbers.</summary>
/// <param name="Fit">The numbers of the fit (100 closed episodes, 10 trajectories a cell, quartiles of intake...).</param>
/// <param name="RefitAfterClosedEpisodes">Refit once this many more episodes have closed since the last fit. Default 20.</param>
/// <param name="RefitAfter">Refit at the latest this long after the last fit (late paper entries, corrections). Default a day.</param>
/// <param name="RecountAfter">
/// How long a count of the agency's closed episodes stands before it is taken again (every evaluation and case page asks
/// for the model). Zero counts every time. Default a minute: an episode closed counts toward a refit within a minute.
/// </param>
public sealed record TrajectorySettings(TrajectoryFitOptions Fit, int RefitAfterClosedEpisodes, TimeSpan RefitAfter, TimeSpan RecountAfter = default)
{
    /// <summary>The defaults.</summary>
    public static TrajectorySettings Default { get; } = new(TrajectoryFitOptions.Default, 20, TimeSpan.FromDays(1), TimeSpan.FromMinutes(1));

    /// <summary>
    /// Reads <c>Feedback:Trajectory:</c> <c>MinimumEpisodes</c>, <c>MinimumPerCell</c>, <c>IntakeBands</c>,
    /// <c>SmoothingRadius</c>, <c>Monotone</c>, <c>LowerBandFraction</c>, <c>RefitAfterClosedEpisodes</c> and
    /// <c>RefitAfterHours</c> and <c>RecountAfterSeconds</c>; what is not set keeps its default.
    /// </summary>
    /// <exception cref="ArgumentException">A value is not a number or out of its range; the message names it.</exception>
    public static TrajectorySettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Feedback:Trajectory");
        var d = TrajectoryFitOptions.Default;
        var fit = new TrajectoryFitOptions
        {
            MinimumEpisodes = Whole(section, "MinimumEpisodes", d.MinimumEpisodes),
            MinimumPerCell = Whole(section, "MinimumPerCell", d.MinimumPerCell),
            IntakeBands = Whole(section, "IntakeBands", d.IntakeBands),
            SmoothingRadius = Whole(section, "SmoothingRadius", d.SmoothingRadius),
            Monotone = section["Monotone"] is { } m ? bool.TryParse(m, out var b) ? b : throw Bad("Monotone") : d.Monotone,
            LowerBandFraction = section["LowerBandFraction"] is { } f
                ? decimal.TryParse(f, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var x) ? x : throw Bad("LowerBandFraction")
                : d.LowerBandFraction,
        };
        fit.Validate();
        var refitEpisodes = Whole(section, "RefitAfterClosedEpisodes", Default.RefitAfterClosedEpisodes);
        var refitHours = Whole(section, "RefitAfterHours", (int)Default.RefitAfter.TotalHours);
        if (refitEpisodes < 1 || refitHours < 1)
            throw Bad(refitEpisodes < 1 ? "RefitAfterClosedEpisodes" : "RefitAfterHours");
        var recountSeconds = Whole(section, "RecountAfterSeconds", (int)Default.RecountAfter.TotalSeconds);
        return new TrajectorySettings(fit, refitEpisodes, TimeSpan.FromHours(refitHours), TimeSpan.FromSeconds(recountSeconds));
    }

    private static int Whole(IConfigurationSection section, string key, int fallback) =>
        section[key] is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw Bad(key);

    private static ArgumentException Bad(string key) => new($"Feedback:Trajectory:{key}: the value is not valid.");
}

/// <summary>An agency's fitted model and what it was fitted from.</summary>
/// <param name="Model">The benchmarks (covering nothing when the agency has too few closed episodes).</param>
/// <param name="ClosedEpisodes">How many episodes of the agency were closed at the fit.</param>
/// <param name="FittedAt">When (UTC).</param>
public sealed record FittedTrajectory(EmpiricalTrajectory Model, int ClosedEpisodes, DateTime FittedAt);

/// <summary>
/// The agencies' fitted expected trajectories, kept in memory between requests (a singleton). Each web node fits its own
/// copy from the same database, so the nodes agree up to the refit interval.
/// </summary>
public sealed class ExpectedTrajectoryCache(TrajectorySettings settings) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, FittedTrajectory> _byAgency = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _gates = new();

    /// <summary>The numbers of the fit and the refit policy.</summary>
    public TrajectorySettings Settings { get; } = settings ?? TrajectorySettings.Default;

    private readonly ConcurrentDictionary<Guid, DateTime> _countedAt = new();

    internal FittedTrajectory? Find(Guid agencyId) => _byAgency.GetValueOrDefault(agencyId);

    /// <summary>The model, when the agency's closed episodes were counted less than <see cref="TrajectorySettings.RecountAfter"/> ago.</summary>
    internal FittedTrajectory? Recent(Guid agencyId, DateTime now) =>
        Settings.RecountAfter > TimeSpan.Zero && _byAgency.TryGetValue(agencyId, out var fitted)
        && _countedAt.TryGetValue(agencyId, out var at) && now - at < Settings.RecountAfter && now >= at
        && now - fitted.FittedAt < Settings.RefitAfter
            ? fitted
            : null;

    internal void Counted(Guid agencyId, DateTime at) => _countedAt[agencyId] = at;

    internal void Keep(Guid agencyId, FittedTrajectory fitted) => _byAgency[agencyId] = fitted;

    internal SemaphoreSlim Gate(Guid agencyId) => _gates.GetOrAdd(agencyId, _ => new SemaphoreSlim(1, 1));

    /// <summary>Forgets an agency's model; the next evaluation fits it again.</summary>
    /// <param name="agencyId">The agency.</param>
    public void Invalidate(Guid agencyId)
    {
        _byAgency.TryRemove(agencyId, out _);
        _countedAt.TryRemove(agencyId, out _);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var gate in _gates.Values)
            gate.Dispose();
        _gates.Clear();
    }
}

/// <summary>
/// An agency's expected trajectories for not on track (decision 0003): once it has enough closed episodes with an outcome
/// series (100 by default), the <see cref="EmpiricalTrajectory"/> benchmarks are fitted from them, and fitted again when
/// 20 more episodes have closed or a day has passed. The model implements <see cref="IExpectedTrajectory"/>: the engine
/// uses it wherever it covers a rating and the early-change rule elsewhere.
/// </summary>
public sealed class ExpectedTrajectoryModel(AllianceDbContext db, ExpectedTrajectoryCache cache, TimeProvider clock)
{
    /// <summary>The agency's model, fitted now if there is none yet or the data have grown enough since.</summary>
    /// <param name="agencyId">The agency.</param>
    /// <param name="ct">Cancels the work.</param>
    public async Task<FittedTrajectory> ForAgencyAsync(Guid agencyId, CancellationToken ct = default)
    {
        var settings = cache.Settings;
        var now = clock.GetUtcNow().UtcDateTime;
        if (cache.Recent(agencyId, now) is { } recent)
            return recent;
        var closed = await db.Episodes.AsNoTracking()
            .CountAsync(e => e.AgencyId == agencyId && e.Phase == EpisodePhase.Closed, ct).ConfigureAwait(false);
        if (Fresh(cache.Find(agencyId), closed, now, settings) is { } fresh)
        {
            cache.Counted(agencyId, now);
            return fresh;
        }

        var gate = cache.Gate(agencyId);
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Another request may have fitted it while this one waited.
            if (Fresh(cache.Find(agencyId), closed, now, settings) is { } fitted)
                return fitted;
            var model = closed < settings.Fit.MinimumEpisodes
                ? EmpiricalTrajectory.Empty
                : EmpiricalTrajectory.Fit(await LoadSamplesAsync(db, agencyId, InstrumentCatalogue.Default, ct).ConfigureAwait(false),
                    InstrumentCatalogue.Default, settings.Fit);
            var result = new FittedTrajectory(model, closed, now);
            cache.Keep(agencyId, result);
            cache.Counted(agencyId, now);
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private static FittedTrajectory? Fresh(FittedTrajectory? cached, int closed, DateTime now, TrajectorySettings settings) =>
        cached is not null
        && closed >= cached.ClosedEpisodes
        // A model that covered nothing for want of episodes is fitted as soon as there are enough.
        && (cached.ClosedEpisodes >= settings.Fit.MinimumEpisodes || closed < settings.Fit.MinimumEpisodes)
        && closed < cached.ClosedEpisodes + settings.RefitAfterClosedEpisodes
        && now - cached.FittedAt < settings.RefitAfter
            ? cached
            : null;

    /// <summary>
    /// Every trajectory of the agency's closed episodes: per episode, member and outcome series, the member's own (client)
    /// current scores at held sessions in session order (two instruments of one series at one session in the order of
    /// their ids, as the engine reads them).
    /// </summary>
    /// <param name="db">The context.</param>
    /// <param name="agencyId">The agency.</param>
    /// <param name="catalogue">The instruments (outcome series and their child versions).</param>
    /// <param name="ct">Cancels the read.</param>
    public static async Task<IReadOnlyList<TrajectorySample>> LoadSamplesAsync(AllianceDbContext db, Guid agencyId, InstrumentCatalogue catalogue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(catalogue);
        var outcomeIds = catalogue.Where(i => i.Role == InstrumentRole.Outcome).Select(i => i.Id).ToList();
        var rows = await (
                from r in db.Responses.AsNoTracking()
                join s in db.Sessions.AsNoTracking() on r.SessionId equals s.Id
                join e in db.Episodes.AsNoTracking() on s.EpisodeId equals e.Id
                where r.AgencyId == agencyId && e.AgencyId == agencyId && e.Phase == EpisodePhase.Closed && s.Status == SessionStatus.Held
                    && r.WithdrawnAt == null && r.Score != null && r.Rater == RaterRole.Client && outcomeIds.Contains(r.InstrumentId)
                select new { Episode = e.Id, r.MemberId, r.InstrumentId, s.Number, Score = r.Score!.Value })
            .ToListAsync(ct).ConfigureAwait(false);

        var samples = new List<TrajectorySample>();
        foreach (var group in rows
            .Where(r => catalogue.TryGetIndex(r.InstrumentId, out _) && IsScore(r.Score))
            .Select(r =>
            {
                catalogue.TryGetIndex(r.InstrumentId, out var index);
                return (r.Episode, r.MemberId, Series: catalogue.SeriesOf(index), Rank: catalogue.OrdinalRank(index), r.Number, r.Score);
            })
            .GroupBy(r => (r.Episode, r.MemberId, r.Series)))
        {
            // One rating per instrument and session (a duplicate entry counts once).
            var ratings = group
                .DistinctBy(r => (r.Number, r.Rank))
                .OrderBy(r => r.Number).ThenBy(r => r.Rank)
                .Select(r => Score.FromDecimal(r.Score))
                .ToArray();
            samples.Add(new TrajectorySample(group.Key.Episode.ToString("N"), catalogue[group.Key.Series].Id, ratings));
        }
        return samples;
    }

    private static bool IsScore(decimal value) =>
        value * 10m == decimal.Truncate(value * 10m) && Math.Abs(value) <= Score.MaxMagnitude;
}
