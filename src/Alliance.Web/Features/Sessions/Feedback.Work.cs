using System.Globalization;
using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Signals;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using SessionStatus = Alliance.Domain.SessionStatus;

namespace Alliance.Web.Features.Sessions;

/// <summary>Records whether the scores were discussed with the family at a held session.</summary>
public sealed record RecordFeedbackCommand(Guid SessionId, bool Discussed);

/// <summary>A session's feedback as the family sees it on a shared screen.</summary>
/// <param name="Held">False while the session is planned (or did not take place): nothing to show yet.</param>
/// <param name="Discussed">What the therapist recorded: discussed, not discussed, or null when not recorded.</param>
/// <param name="NotShown">Members who came but whose answers stay out of the shared view, and why.</param>
public sealed record SessionFeedbackView(Guid CaseId, string CaseName, Guid SessionId, int SessionNumber, DateTime StartsAt, string TimeZoneId,
    bool Held, bool? Discussed, IReadOnlyList<MemberFeedback> Members, IReadOnlyList<string> NotShown);

/// <summary>One member who came to the session, with what their own answers say.</summary>
public sealed record MemberFeedback(Guid MemberId, string Name, IReadOnlyList<FeedbackTopic> Topics);

/// <summary>
/// One thing a member's answers say (how the sessions feel to them, how things are going, mood, worry) in plain words.
/// </summary>
/// <param name="Title">The topic, as the family would say it.</param>
/// <param name="Sentences">What the answers say, in plain words.</param>
/// <param name="Tone"><c>good</c>, <c>same</c> or <c>hard</c>: the look of the topic (the words say it too).</param>
/// <param name="Chart">The member's answers over the sessions, better at the top.</param>
public sealed record FeedbackTopic(string Title, IReadOnlyList<string> Sentences, string Tone, FeedbackChart Chart);

/// <summary>A dot of the chart: a session's answer, placed on the drawing.</summary>
public sealed record FeedbackDot(int SessionNumber, double X, double Y);

/// <summary>
/// A simple chart drawn on the server as SVG (presentation attributes only: the Content-Security-Policy forbids inline
/// style and script): one dot per session, joined by a line, better always at the top, no numbers on the score axis.
/// </summary>
public sealed record FeedbackChart(IReadOnlyList<FeedbackDot> Dots, string Label)
{
    public const int Width = 300, Height = 110;
    public const double Left = 56, Right = 14, Top = 12, Bottom = 24;

    public string ViewBox => string.Create(CultureInfo.InvariantCulture, $"0 0 {Width} {Height}");

    /// <summary>The line through the dots, as the points of an SVG polyline.</summary>
    public string Points => string.Join(' ', Dots.Select(d => N(d.X) + "," + N(d.Y)));

    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}

/// <summary>
/// The session's feedback view: each member who came, their own alliance and progress in plain words and a simple chart,
/// to discuss with the family; and the therapist's record that it was discussed (which re-evaluates the case's alerts,
/// for a feedback gap, in the same save). Only the scores of the members' own answers are read, never written answers.
/// </summary>
/// <remarks>
/// The view shows the members who came to the session and agreed, at orientation, to have their scores looked at with
/// the family; a young person's scores only when the family agreed that parents may see them. Each left out is named,
/// with the reason, for the therapist (the family sees only that some answers are discussed elsewhere).
/// </remarks>
public sealed class SessionFeedback(AllianceDbContext db, AgencyRules agencyRules, AuditReads reads, CaseFeedback feedback)
{
    /// <summary>The series the view speaks about, in the order it shows them.</summary>
    private static readonly string[] Topics = ["alliance-check", "wellbeing-check", "phq-9", "gad-7"];

    public async Task<SessionFeedbackView> GetAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (c, session) = await db.LoadVisibleSessionAsync(actor, sessionId, ct, CasePurpose.Read).ConfigureAwait(false);
        var agency = await db.LoadAgencyAsync(actor, ct).ConfigureAwait(false);
        reads.Record(db, c.AgencyId, "session-feedback", session.Id, c.Id);
        var held = session.Status == SessionStatus.Held;
        var members = new List<MemberFeedback>();
        var notShown = new List<string>();
        if (held)
        {
            var rules = (await agencyRules.ForAgencyAsync(db, agency, ct).ConfigureAwait(false)).Rules;
            var numbers = session.Episode.Sessions
                .Where(s => s.Status == SessionStatus.Held && s.Number <= session.Number)
                .ToDictionary(s => s.Id, s => (s.Number, s.StartsAt.Year));
            var sessionIds = numbers.Keys.ToList();
            var attending = session.Attendees.Select(a => a.MemberId).ToList();
            var rows = await db.Responses.AsNoTracking()
                .Where(r => r.CaseId == c.Id && sessionIds.Contains(r.SessionId) && attending.Contains(r.MemberId)
                    && r.WithdrawnAt == null && r.Score != null && r.Rater == RaterRole.Client)
                .Select(r => new { r.MemberId, r.SessionId, r.InstrumentId, Score = r.Score!.Value })
                .ToListAsync(ct).ConfigureAwait(false);
            foreach (var member in c.Members.Where(m => attending.Contains(m.Id)).OrderBy(m => m.Position))
            {
                if (WhyNotShown(session.Episode, member, session.StartsAt.Year) is { } why)
                {
                    notShown.Add(why);
                    continue;
                }
                var own = rows.Where(r => r.MemberId == member.Id)
                    .Select(r => (r.InstrumentId, numbers[r.SessionId].Number, numbers[r.SessionId].Year, r.Score))
                    .ToList();
                members.Add(new MemberFeedback(member.Id, member.DisplayName, TopicsOf(member, own, session.Number, rules)));
            }
        }
        return new SessionFeedbackView(c.Id, c.Name, session.Id, session.Number, session.StartsAt, agency.TimeZoneId, held, session.FeedbackDiscussed, members, notShown);
    }

    /// <summary>Age below which a member is a young person whose answers parents see only as the family agreed.</summary>
    public const int AdultAge = 18;

    /// <summary>Why a member's answers stay out of the family's shared view, or null when they are shown.</summary>
    public static string? WhyNotShown(Episode episode, Member member, int year)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(member);
        if (!episode.AllowsFeedbackConversation(member.Id))
            return $"{member.DisplayName}'s answers are not shown: they have not agreed to look at their scores with the family (orientation).";
        if (member.AgeIn(year) < AdultAge && episode.YoungPersonSharing == YoungPersonSharing.NothingShared)
            return $"{member.DisplayName}'s answers are not shown: the family agreed that parents do not see a young person's answers. Talk about them with {member.DisplayName} alone.";
        return null;
    }

    public async Task RecordAsync(Actor actor, RecordFeedbackCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (c, session) = await db.LoadVisibleSessionAsync(actor, command.SessionId, ct).ConfigureAwait(false);
        session.RecordFeedback(command.Discussed);
        // A session with scores whose feedback was not discussed is a feedback gap: re-evaluate and save both at once,
        // holding the case as a questionnaire answer's evaluation does.
        await feedback.EvaluateAndSaveAsync(c.Id, ct).ConfigureAwait(false);
    }

    private static List<FeedbackTopic> TopicsOf(Member member, List<(string Instrument, int Session, int Year, decimal Score)> own, int thisSession, SignalRules rules)
    {
        var catalogue = rules.Instruments;
        var topics = new List<FeedbackTopic>();
        foreach (var series in Topics)
        {
            var ratings = own
                .Where(r => catalogue.TryGetIndex(r.Instrument, out var i) && string.Equals(catalogue[catalogue.SeriesOf(i)].Id, series, StringComparison.OrdinalIgnoreCase)
                    && IsScore(r.Score))
                .Select(r =>
                {
                    catalogue.TryGetIndex(r.Instrument, out var i);
                    var child = member.BirthYear is { } y && r.Year - y <= rules.ChildMaxAge;
                    return (r.Session, Rank: catalogue.OrdinalRank(i), Instrument: catalogue[i], Score: Score.FromDecimal(r.Score), Child: child);
                })
                .OrderBy(r => r.Session).ThenBy(r => r.Rank)
                .DistinctBy(r => r.Session)
                .ToList();
            if (ratings.Count == 0) continue;
            var head = catalogue.Find(series) ?? ratings[0].Instrument;
            var (sentences, tone) = series == "alliance-check"
                ? FeedbackWords.Alliance(ratings.Select(r => (r.Session, r.Score, r.Child, r.Instrument)).ToList(), thisSession, rules)
                : FeedbackWords.Progress(ratings.Select(r => (r.Session, r.Score, r.Child, r.Instrument)).ToList(), thisSession);
            topics.Add(new FeedbackTopic(FeedbackWords.Title(series), sentences, tone,
                Chart(ratings.Select(r => (r.Session, r.Score)).ToList(), head, FeedbackWords.Title(series), sentences)));
        }
        return topics;
    }

    private static FeedbackChart Chart(List<(int Session, Score Score)> points, Instrument series, string title, IReadOnlyList<string> sentences)
    {
        var first = points[0].Session;
        var last = Math.Max(points[^1].Session, first + 1);
        var plotWidth = FeedbackChart.Width - FeedbackChart.Left - FeedbackChart.Right;
        var plotHeight = FeedbackChart.Height - FeedbackChart.Top - FeedbackChart.Bottom;
        var range = Math.Max(1, series.High.Tenths - series.Low.Tenths);
        var dots = points.Select(p =>
        {
            var share = (p.Score.Tenths - series.Low.Tenths) / (double)range;
            if (series.Better == BetterDirection.Lower) share = 1 - share;
            var x = points.Count == 1 ? FeedbackChart.Left + (plotWidth / 2) : FeedbackChart.Left + ((p.Session - first) * plotWidth / (last - first));
            var y = FeedbackChart.Top + ((1 - Math.Clamp(share, 0, 1)) * plotHeight);
            return new FeedbackDot(p.Session, x, y);
        }).ToList();
        var sessions = points.Count == 1
            ? string.Create(CultureInfo.InvariantCulture, $"session {points[0].Session}")
            : string.Create(CultureInfo.InvariantCulture, $"sessions {points[0].Session} to {points[^1].Session}");
        return new FeedbackChart(dots, $"{title}, {sessions}: {string.Join(' ', sentences)}");
    }

    private static bool IsScore(decimal value) => value * 10m == decimal.Truncate(value * 10m) && Math.Abs(value) <= Score.MaxMagnitude;
}

/// <summary>
/// The feedback view's plain words. The same numbers as the alerts decide them (the agency's cutoffs, reliable-change
/// values and rupture drop), but no number or technical term is named: a family hears "about the same as when we
/// started", not a reliable-change index.
/// </summary>
public static class FeedbackWords
{
    public static string Title(string series) => series switch
    {
        "alliance-check" => "How our sessions feel",
        "wellbeing-check" => "How things are going",
        "phq-9" => "Mood",
        "gad-7" => "Worry",
        _ => series,
    };

    /// <summary>The alliance: does the work fit, and how did this session compare with the one before.</summary>
    public static (IReadOnlyList<string> Sentences, string Tone) Alliance(IReadOnlyList<(int Session, Score Score, bool Child, Instrument Instrument)> ratings, int thisSession, SignalRules rules)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(rules);
        var now = ratings[^1];
        var sentences = new List<string>();
        if (now.Session != thisSession)
            sentences.Add(string.Create(CultureInfo.InvariantCulture, $"No answer at this session; the last one was at session {now.Session}."));
        var fits = !now.Instrument.IsClinical(now.Score, now.Child);
        sentences.Add(fits
            ? "Our sessions seem to be working for you."
            : "Some things in our sessions may not be working well for you. We would like to hear what we could do differently.");
        var tone = fits ? "good" : "hard";
        if (ratings.Count > 1)
        {
            var change = now.Instrument.Improvement(ratings[^2].Score, now.Score);
            if (-change.Tenths >= rules.RuptureDrop.Tenths)
            {
                sentences.Add("This session felt harder than the one before. What did not fit?");
                tone = "hard";
            }
            else if (change.Tenths >= rules.RuptureDrop.Tenths)
            {
                sentences.Add("This session felt better than the one before.");
            }
            else
            {
                sentences.Add("About the same as the session before.");
            }
        }
        return (sentences, tone);
    }

    /// <summary>Progress: compared with where the member started, and with the session before.</summary>
    public static (IReadOnlyList<string> Sentences, string Tone) Progress(IReadOnlyList<(int Session, Score Score, bool Child, Instrument Instrument)> ratings, int thisSession)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var (first, now) = (ratings[0], ratings[^1]);
        var sentences = new List<string>();
        if (now.Session != thisSession)
            sentences.Add(string.Create(CultureInfo.InvariantCulture, $"No answer at this session; the last one was at session {now.Session}."));
        if (ratings.Count == 1)
        {
            sentences.Add("This is where we started.");
            return (sentences, "same");
        }
        var enough = now.Instrument.ReliableChange?.Tenths ?? int.MaxValue;
        var sinceStart = now.Instrument.Improvement(first.Score, now.Score).Tenths;
        string tone;
        if (sinceStart >= enough)
        {
            var wellNow = first.Instrument.IsClinical(first.Score, first.Child) && !now.Instrument.IsClinical(now.Score, now.Child);
            sentences.Add(wellNow ? "Much better than when we started." : "Better than when we started.");
            tone = "good";
        }
        else if (-sinceStart >= enough)
        {
            sentences.Add("Harder than when we started.");
            tone = "hard";
        }
        else
        {
            sentences.Add("About the same as when we started.");
            tone = "same";
        }
        var sinceLast = now.Instrument.Improvement(ratings[^2].Score, now.Score).Tenths;
        if (-sinceLast >= enough)
        {
            sentences.Add("It has been a hard week.");
            tone = "hard";
        }
        else if (sinceLast >= enough && tone != "good")
        {
            sentences.Add("A better week than the one before.");
        }
        return (sentences, tone);
    }
}
