using System.Collections.Concurrent;
using System.Globalization;
using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Sessions;

/// <summary>Who has answered a session's questionnaires, and their scores, as the therapist's session page shows it.</summary>
public sealed record SessionMeasuresView(Guid SessionId, int MembersAsked, int MembersDone, string Summary, IReadOnlyList<MemberMeasuresView> Members);

/// <summary>One member's questionnaires at the session.</summary>
/// <param name="State">none, waiting, answering, done or expired: where the member's link stands.</param>
/// <param name="Status">The same in words.</param>
public sealed record MemberMeasuresView(Guid MemberId, string Name, string State, string Status, IReadOnlyList<ScoreView> Scores);

/// <summary>One response's score, with its words ready to show.</summary>
public sealed record ScoreView(Guid ResponseId, string InstrumentId, string Title, decimal? Score, bool Clinical, bool Risk, ResponseSource Source, string Text);

/// <summary>Reads a session's questionnaire links and responses for a therapist who may see the case.</summary>
public sealed class GetSessionMeasures(AllianceDbContext db, AgencyInstruments instruments, QuestionnaireLinks links, TimeProvider clock, SessionReadLog reads)
{
    public async Task<SessionMeasuresView> HandleAsync(Actor actor, Guid sessionId, CancellationToken ct)
    {
        var (c, session) = await db.LoadVisibleSessionAsync(actor, sessionId, ct, CasePurpose.Read).ConfigureAwait(false);
        return await ForAsync(actor, c, session, ct).ConfigureAwait(false);
    }

    public async Task<SessionMeasuresView> ForAsync(Actor actor, Case c, Session session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(session);
        reads.Record(db, actor, session);
        var now = clock.GetUtcNow().UtcDateTime;
        var catalog = await instruments.ForAgencyAsync(session.AgencyId, ct).ConfigureAwait(false);
        var sessionLinks = await db.QuestionnaireLinks.Where(l => l.SessionId == session.Id).ToListAsync(ct).ConfigureAwait(false);
        var responses = await db.Responses.Where(r => r.SessionId == session.Id && r.WithdrawnAt == null)
            .OrderBy(r => r.RecordedAt)
            .Select(r => new { r.Id, r.MemberId, r.InstrumentId, r.Score, r.UnscorableReason, r.RiskFlag, r.Source })
            .ToListAsync(ct).ConfigureAwait(false);

        var year = session.StartsAt.Year;
        var shown = MembersTakingPart(c, session).Select(m => m.Id)
            .Concat(sessionLinks.Select(l => l.MemberId)).Concat(responses.Select(r => r.MemberId)).ToHashSet();
        var members = new List<MemberMeasuresView>();
        foreach (var member in c.Members.Where(m => shown.Contains(m.Id)).OrderBy(m => m.Position))
        {
            var (state, status) = await LinkStateAsync(sessionLinks.Where(l => l.MemberId == member.Id).MaxBy(l => l.CreatedAt), now, ct).ConfigureAwait(false);
            var scores = responses.Where(r => r.MemberId == member.Id).Select(r =>
            {
                var instrument = catalog.Find(r.InstrumentId);
                var clinical = r.Score is { } s && instrument?.IsClinical(s, member.IsChildIn(year) ? Norm.Child : Norm.Adult) == true;
                return new ScoreView(r.Id, r.InstrumentId, instrument?.Title ?? r.InstrumentId, r.Score, clinical, r.RiskFlag, r.Source,
                    ScoreText(instrument, r.InstrumentId, r.Score, r.UnscorableReason, clinical, r.RiskFlag, r.Source));
            }).ToList();
            members.Add(new MemberMeasuresView(member.Id, member.DisplayName, state, status, scores));
        }
        var asked = members.Count(m => m.State != "none");
        var done = members.Count(m => m.State == "done");
        var summary = asked == 0 ? "No questionnaire links yet."
            : $"{done.ToString(CultureInfo.InvariantCulture)} of {asked.ToString(CultureInfo.InvariantCulture)} {(asked == 1 ? "member has" : "members have")} answered everything.";
        return new SessionMeasuresView(session.Id, asked, done, summary, members);
    }

    /// <summary>The members a session's questionnaires are for: those who attended, or the whole family while it is planned.</summary>
    public static IReadOnlyList<Member> MembersTakingPart(Case c, Session session)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(session);
        var attending = session.Attendees.Select(a => a.MemberId).ToHashSet();
        return c.Members.Where(m => session.Status != SessionStatus.Held || attending.Contains(m.Id)).OrderBy(m => m.Position).ToList();
    }

    private async Task<(string State, string Status)> LinkStateAsync(QuestionnaireLink? link, DateTime now, CancellationToken ct)
    {
        if (link is null) return ("none", "No link yet");
        var total = link.InstrumentIds.Count;
        if (link.CompletedAt is not null) return ("done", "All answered");
        var answered = total - (await links.RemainingAsync(link, ct).ConfigureAwait(false)).Count;
        var progress = $"{answered.ToString(CultureInfo.InvariantCulture)} of {total.ToString(CultureInfo.InvariantCulture)} answered";
        if (!link.IsUsable(now)) return ("expired", $"Link expired ({progress})");
        return answered == 0 ? ("waiting", "Link sent, not answered yet") : ("answering", $"Answering: {progress}");
    }

    private static string ScoreText(Instrument? instrument, string id, decimal? score, string? unscorable, bool clinical, bool risk, ResponseSource source)
    {
        var title = instrument?.Title ?? id;
        var text = score is { } s
            ? $"{title}: {Number(s)}" + (instrument is null ? "" : $" (range {Number(instrument.ScoreMin)}–{Number(instrument.ScoreMax)})")
            : $"{title}: not scored" + (unscorable is null ? "" : $" ({unscorable})");
        if (clinical) text += ", in the clinical range";
        if (source == ResponseSource.Paper) text += ", from paper";
        if (risk) text += ". Risk flag: review risk with them today";
        return text;
    }

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>
/// Audits a therapist's reading of a session's scores once per ten minutes per person and session, not on every
/// poll of the live view (every three seconds would bury the trail). Kept in memory per web node: on another node
/// the first read is audited again, which errs on the side of more entries.
/// </summary>
public sealed class SessionReadLog(AuditReads reads, TimeProvider clock)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<(Guid Staff, Guid Session), DateTime> _last = new();

    public void Record(AllianceDbContext db, Actor actor, Session session)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(session);
        var now = clock.GetUtcNow().UtcDateTime;
        var key = (actor.StaffId, session.Id);
        if (_last.TryGetValue(key, out var at) && now - at < Interval) return;
        if (_last.Count > 10_000)
            foreach (var (k, v) in _last)
                if (now - v >= Interval) _last.TryRemove(k, out _);
        _last[key] = now;
        reads.Record(db, session.AgencyId, "session-measures", session.Id, session.CaseId);
    }
}
