using System.Buffers.Binary;
using System.Security.Cryptography;
using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Scores;

/// <summary>A family's scores in the current episode, per member: charts and the same numbers as tables.</summary>
public sealed record CaseScores(Guid CaseId, string TimeZoneId, IReadOnlyList<MemberScores> Members)
{
    /// <summary>True when any member has a score to show.</summary>
    public bool Any => Members.Any(m => m.Groups.Count > 0);
}

/// <summary>One member's charts, grouped as a clinician reads them: alliance, outcome, self-efficacy.</summary>
public sealed record MemberScores(Guid MemberId, string Name, bool IsChild, IReadOnlyList<ScoreGroup> Groups);

/// <summary>The charts of one construct ("Alliance", "Outcome", "Self-efficacy").</summary>
public sealed record ScoreGroup(string Title, IReadOnlyList<SeriesScores> Series);

/// <summary>One series of a member (for example the alliance check, adult and child versions together).</summary>
public sealed record SeriesScores(
    string Title,
    string HigherOrLower,
    LineChart Chart,
    IReadOnlyList<SessionColumn> Sessions,
    IReadOnlyList<ScoreRow> Rows,
    IReadOnlyList<string> Raters,
    string CutoffSummary);

/// <summary>A session on a chart's x axis.</summary>
public sealed record SessionColumn(Guid SessionId, int Number, DateTime StartsAt);

/// <summary>A row of a series' table: one session and each rater's score at it.</summary>
public sealed record ScoreRow(SessionColumn Session, string Instrument, IReadOnlyList<ScoreCell?> Scores, decimal? Cutoff, bool ChildNorm);

/// <summary>One score in a table, with whether it lies on the clinical side of the cutoff.</summary>
public sealed record ScoreCell(decimal Score, bool Clinical);

/// <summary>
/// Reads a family's scores for the case page. Only the scores' numbers are read (never the answers, which may hold
/// text a member keeps private), and the read of each member's scores is audited.
/// </summary>
public sealed class GetScores(AllianceDbContext db, AgencyInstruments instruments, AuditReads reads, TimeProvider clock,
    Alliance.Application.Feedback.ExpectedTrajectoryModel trajectories)
{
    /// <summary>How long a laid-out scores section is kept unused before it is let go.</summary>
    public static readonly TimeSpan KeptUnused = TimeSpan.FromMinutes(5);

    internal sealed record Row(Guid Id, Guid SessionId, Guid MemberId, string InstrumentId, RaterRole Rater, decimal Score);

    /// <summary>The scores of a case's sessions, projected: the answers themselves are not read here (compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, List<Guid>, IAsyncEnumerable<Row>>> Scored =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId, List<Guid> sessionIds) => db.Responses
            .Where(r => r.CaseId == caseId && r.WithdrawnAt == null && r.Score != null && sessionIds.Contains(r.SessionId))
            .Select(r => new Row(r.Id, r.SessionId, r.MemberId, r.InstrumentId, r.Rater, r.Score!.Value))));

    /// <summary>
    /// The scores of a case already loaded through the care relationship, whole (members and the current episode's
    /// sessions), in the agency's time zone, laid out for a page. <paramref name="alerts"/> are the case's alerts when
    /// the caller has read them already; otherwise the open ones are read here.
    /// </summary>
    public async Task<CaseScores> ForCaseAsync(Case c, string timeZoneId, IReadOnlyList<Alert>? alerts, CancellationToken ct) =>
        (await ReadAsync(c, timeZoneId, alerts, ct).ConfigureAwait(false)).Build();

    /// <summary>
    /// Reads what <see cref="ForCaseAsync"/> lays out, without laying it out yet: a page that keeps the laid-out section
    /// under <see cref="ScoresSection.Key"/> lays it out again only when something it shows has changed. The read of
    /// each member's scores is audited here, whether or not the section is laid out again.
    /// </summary>
    public async Task<ScoresSection> ReadAsync(Case c, string timeZoneId, IReadOnlyList<Alert>? alerts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        var caseId = c.Id;
        var sessions = c.CurrentEpisode.Sessions.Where(s => s.Status == SessionStatus.Held)
            .OrderBy(s => s.Number)
            .Select(s => new SessionColumn(s.Id, s.Number, s.ActualStart ?? s.ScheduledStart)).ToList();
        var sessionIds = sessions.Select(s => s.SessionId).ToList();
        // Projected: the answers themselves are not read here. In a fixed order, so that the same scores lay out the same.
        var rows = sessionIds.Count == 0 ? [] : (await Scored.For(db)(db, caseId, sessionIds).ToListAsync(ct).ConfigureAwait(false)).OrderBy(r => r.Id).ToList();
        var catalog = await instruments.StampedAsync(c.AgencyId, ct).ConfigureAwait(false);
        var trajectory = await trajectories.ForAgencyAsync(c.AgencyId, ct).ConfigureAwait(false);
        // The sessions whose scores are the evidence of each member's open alerts, by instrument series.
        var openAlerts = alerts is null
            ? await db.Alerts.AsNoTracking()
                .Where(a => a.CaseId == caseId && a.MemberId != null && a.Instrument != null && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged))
                .Select(a => new { a.MemberId, a.Instrument, a.EvidenceJson }).ToListAsync(ct).ConfigureAwait(false)
            : alerts.Where(a => a.MemberId != null && a.Instrument != null && a.IsActive)
                .Select(a => new { a.MemberId, a.Instrument, a.EvidenceJson }).ToList();
        var evidence = openAlerts
            .SelectMany(a => EvidenceSessions(a.EvidenceJson).Select(n => new Evidence(a.MemberId!.Value, catalog.Catalog.Find(a.Instrument!)?.Series ?? a.Instrument!, n)))
            .Distinct().OrderBy(e => e.Member).ThenBy(e => e.Series, StringComparer.Ordinal).ThenBy(e => e.Number).ToList();

        foreach (var member in c.Members.OrderBy(m => m.Position))
            if (rows.Any(r => r.MemberId == member.Id)) reads.Record(db, c.AgencyId, "scores", member.Id, caseId);
        return new ScoresSection(c, timeZoneId, clock.GetUtcNow().Year, sessions, rows, catalog, trajectory, evidence);
    }

    /// <summary>A session of a member's series whose score is the evidence of an open alert.</summary>
    internal sealed record Evidence(Guid Member, string Series, int Number);

    /// <summary>
    /// A family's scores as read for a page, not laid out yet. <see cref="Key"/> stands for everything the laid-out
    /// section shows: the case and its version (its members and sessions), the time zone and the year (who is a child),
    /// the agency's instrument catalog, its expected trajectories, every score read, and the sessions ringed as an
    /// alert's evidence. Two reads with the same key lay out the same section.
    /// </summary>
    public sealed class ScoresSection
    {
        private readonly Case _case;
        private readonly string _timeZoneId;
        private readonly int _year;
        private readonly List<SessionColumn> _sessions;
        private readonly List<Row> _rows;
        private readonly InstrumentCatalog _catalog;
        private readonly Alliance.Application.Feedback.FittedTrajectory _trajectory;
        private readonly List<Evidence> _evidence;
        private readonly string _catalogStamp;
        private string? _key;

        internal ScoresSection(Case c, string timeZoneId, int year, List<SessionColumn> sessions, List<Row> rows, StampedCatalog catalog,
            Alliance.Application.Feedback.FittedTrajectory trajectory, List<Evidence> evidence) =>
            (_case, _timeZoneId, _year, _sessions, _rows, _catalog, _catalogStamp, _trajectory, _evidence) =
                (c, timeZoneId, year, sessions, rows, catalog.Catalog, catalog.Stamp, trajectory, evidence);

        /// <summary>A digest of everything the section shows (computed when first asked: a page that always lays the section out, as the review does, never asks).</summary>
        public string Key => _key ??= Digest();

        private string Digest()
        {
            // Every value goes into the hash as bytes, strings with their length first, so that no two different sections
            // give the same input (and no text is built for it: a page view would otherwise make a string of every score).
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var writer = new DigestWriter(hash);
            writer.Add(_case.Id).Add(_case.Version).Add(_timeZoneId).Add(_year).Add(_catalogStamp).Add(_trajectory.ClosedEpisodes).Add(_trajectory.FittedAt.Ticks);
            writer.Add(_rows.Count);
            foreach (var r in _rows) writer.Add(r.Id).Add(r.SessionId).Add(r.MemberId).Add(r.InstrumentId).Add((int)r.Rater).Add(r.Score);
            writer.Add(_evidence.Count);
            foreach (var e in _evidence) writer.Add(e.Member).Add(e.Series).Add(e.Number);
            writer.Flush();
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            hash.GetHashAndReset(digest);
            return Convert.ToHexString(digest);
        }

        /// <summary>Writes values into a hash through a small buffer.</summary>
        private sealed class DigestWriter(IncrementalHash hash)
        {
            private readonly byte[] _buffer = new byte[256];
            private int _used;

            public DigestWriter Add(Guid value) { value.TryWriteBytes(Room(16)); return this; }

            public DigestWriter Add(int value) { BinaryPrimitives.WriteInt32LittleEndian(Room(4), value); return this; }

            public DigestWriter Add(long value) { BinaryPrimitives.WriteInt64LittleEndian(Room(8), value); return this; }

            public DigestWriter Add(decimal value)
            {
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(value, bits);
                foreach (var b in bits) Add(b);
                return this;
            }

            public DigestWriter Add(string value)
            {
                Add(value.Length);
                Flush();
                hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.AsSpan()));
                return this;
            }

            public void Flush()
            {
                hash.AppendData(_buffer, 0, _used);
                _used = 0;
            }

            /// <summary>The next <paramref name="size"/> bytes of the buffer, taken as written.</summary>
            private Span<byte> Room(int size)
            {
                if (_used + size > _buffer.Length) Flush();
                _used += size;
                return _buffer.AsSpan(_used - size, size);
            }
        }

        /// <summary>The section laid out: each member's charts and tables.</summary>
        public CaseScores Build()
        {
            var caseId = _case.Id;
            var evidence = _evidence.ToLookup(e => (e.Member, e.Series), e => e.Number);
            var position = _sessions.Select((s, i) => (s.SessionId, i)).ToDictionary(p => p.SessionId, p => p.i);
            var view = new List<MemberScores>();
            foreach (var member in _case.Members.OrderBy(m => m.Position))
            {
                var own = _rows.Where(r => r.MemberId == member.Id).ToList();
                var groups = new List<ScoreGroup>();
                foreach (var (title, constructs) in Groups)
                {
                    var series = own
                        .Select(r => (Row: r, Instrument: _catalog.Find(r.InstrumentId)))
                        .Where(x => x.Instrument is { MemberGroup: null } i && constructs.Contains(i.Construct))
                        .GroupBy(x => x.Instrument!.Series, StringComparer.Ordinal)
                        .OrderBy(g => SeriesOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
                        .Select(g => Series(_catalog, g.Key, member, g.ToList(), _sessions, position, caseId, _trajectory.Model, evidence[(member.Id, g.Key)].ToHashSet()))
                        .ToList();
                    if (series.Count > 0) groups.Add(new ScoreGroup(title, series));
                }
                view.Add(new MemberScores(member.Id, member.DisplayName, member.IsChildIn(_year), groups));
            }
            return new CaseScores(caseId, _timeZoneId, view);
        }
    }

    private static readonly (string Title, Construct[] Constructs)[] Groups =
    [
        ("Alliance", [Construct.Alliance, Construct.FamilyAlliance]),
        ("Outcome", [Construct.Outcome]),
        ("Self-efficacy", [Construct.SelfEfficacy]),
    ];

    private static int SeriesOrder(string series) => series switch
    {
        "alliance-check" => 0,
        "family-alliance" => 1,
        "wellbeing-check" => 0,
        "phq-9" => 1,
        "gad-7" => 2,
        _ => 9,
    };

    private static IEnumerable<int> EvidenceSessions(string json)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        foreach (var e in doc.RootElement.EnumerateArray())
            if (e.TryGetProperty("sessionNumber", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.Number)
                yield return n.GetInt32();
    }

    /// <summary>The expected range at each of the member's own ratings after the first, where the agency's model covers it.</summary>
    private static List<ChartExpected> Expected(Alliance.Signals.EmpiricalTrajectory model, string seriesId, List<(Row Row, Instrument? Instrument)> scores, Dictionary<Guid, int> position)
    {
        var own = scores.Where(s => s.Row.Rater == RaterRole.Client).OrderBy(s => position[s.Row.SessionId]).ToList();
        var band = new List<ChartExpected>();
        if (own.Count == 0) return band;
        var intake = Alliance.Signals.Score.FromDecimal(own[0].Row.Score);
        for (var k = 0; k < own.Count; k++)
            if (model.TryGetExpected(seriesId, intake, k + 1, out var e))
                band.Add(new ChartExpected(position[own[k].Row.SessionId], e.Median.ToDecimal(), e.LowerBand.ToDecimal()));
        return band;
    }

    private static SeriesScores Series(InstrumentCatalog catalog, string seriesId, Member member, List<(Row Row, Instrument? Instrument)> scores,
        List<SessionColumn> sessions, Dictionary<Guid, int> position, Guid caseId, Alliance.Signals.EmpiricalTrajectory model, HashSet<int> evidenceSessions)
    {
        var head = catalog.Find(seriesId) ?? scores[0].Instrument!;
        var raters = scores.Select(s => s.Row.Rater).Distinct().OrderBy(r => r).ToList();
        bool Child(SessionColumn s) => member.IsChildIn(s.StartsAt.Year);
        decimal? CutoffAt(SessionColumn s, Instrument instrument) => instrument.CutoffFor(Child(s) ? Norm.Child : Norm.Adult);

        var lines = raters.Select(rater => new ChartLine(RaterWords(rater), rater == RaterRole.Client ? "own" : "other",
            scores.Where(s => s.Row.Rater == rater)
                .Select(s => new ChartValue(position[s.Row.SessionId], s.Row.Score,
                    s.Instrument!.IsClinical(s.Row.Score, Child(sessions[position[s.Row.SessionId]]) ? Norm.Child : Norm.Adult) == true))
                .ToList())).ToList();

        // The cutoff at each session of the episode, from the norm that applies at that session's date.
        var cutoffs = new List<ChartCutoff>();
        for (var i = 0; i < sessions.Count; i++)
        {
            var value = CutoffAt(sessions[i], head);
            if (value is null) continue;
            var label = $"cutoff {LineChart.Score(value.Value)}{(head.ChildClinicalCutoff is not null ? Child(sessions[i]) ? " (child)" : " (adult)" : "")}";
            if (cutoffs.Count > 0 && cutoffs[^1].Value == value && cutoffs[^1].ToX == i - 1 && cutoffs[^1].Label == label)
                cutoffs[^1] = cutoffs[^1] with { ToX = i };
            else
                cutoffs.Add(new ChartCutoff(i, i, value.Value, label));
        }

        var tableRows = scores.GroupBy(s => s.Row.SessionId)
            .OrderBy(g => position[g.Key])
            .Select(g =>
            {
                var session = sessions[position[g.Key]];
                var instrument = g.First().Instrument!;
                var cells = raters.Select(rater => g.FirstOrDefault(s => s.Row.Rater == rater) is { Row: { } r, Instrument: { } i }
                    ? new ScoreCell(r.Score, i.IsClinical(r.Score, Child(session) ? Norm.Child : Norm.Adult) == true)
                    : null).ToList();
                return new ScoreRow(session, instrument.Title, cells, CutoffAt(session, instrument), Child(session) && instrument.ChildClinicalCutoff is not null);
            }).ToList();

        var expected = head.Construct == Construct.Outcome ? Expected(model, seriesId, scores, position) : [];
        var evidenceX = sessions.Select((s, i) => (s.Number, i)).Where(p => evidenceSessions.Contains(p.Number)).Select(p => p.i).ToHashSet();
        var chart = new LineChart($"chart-{caseId:N}-{member.Id:N}-{seriesId}", head.ScoreMin, head.ScoreMax,
            sessions.Select(s => s.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(), lines, cutoffs, expected, evidenceX);
        var summary = cutoffs.Count == 0 ? "" : string.Join("; ", cutoffs.Select(c => c.Label).Distinct(StringComparer.Ordinal));
        return new SeriesScores(head.Title, head.BetterDirection == BetterDirection.Higher ? "higher is better" : "lower is better",
            chart, sessions, tableRows, raters.Select(RaterWords).ToList(), summary);
    }

    /// <summary>Who rated, as a table heading says it.</summary>
    public static string RaterWords(RaterRole rater) => rater switch
    {
        RaterRole.Client => "Own rating",
        RaterRole.Caregiver => "Caregiver",
        RaterRole.Observer => "Observer",
        RaterRole.Therapist => "Therapist",
        _ => rater.ToString(),
    };
}
