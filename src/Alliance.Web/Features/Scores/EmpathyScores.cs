using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Scores;

/// <summary>A therapist's empathy observations over time: the observers' ratings and their own, session by session.</summary>
public sealed record EmpathyView(Guid TherapistId, string Therapist, string TimeZoneId, LineChart? Chart, IReadOnlyList<EmpathyRow> Rows);

/// <summary>One observed session: who observed, what they gave, and the therapist's own rating of the same session.</summary>
public sealed record EmpathyRow(DateTime StartsAt, decimal? Observer, string? ObserverName, decimal? Self);

/// <summary>
/// The therapist-empathy-observation scores of one therapist: their own page, and their supervisor's view of it.
/// Anyone else is told the page does not exist. The family is not named: the ratings are about the therapist.
/// </summary>
public sealed class EmpathyScores(AllianceDbContext db, AuditReads reads)
{
    /// <summary>The instrument these pages show.</summary>
    public const string InstrumentId = "therapist-empathy-observation";

    private sealed record Rating(Guid Id, Guid CaseId, Guid SessionId, DateTime StartsAt, RaterRole Rater, Guid? RaterStaffId, decimal Score);

    public async Task<EmpathyView> HandleAsync(Actor actor, Guid therapistId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var allowed = therapistId == actor.StaffId
            || (actor.IsSupervisor && await db.SupervisionLines.AnyAsync(l => l.SupervisorId == actor.StaffId && l.SuperviseeId == therapistId && l.EndedAt == null, ct).ConfigureAwait(false));
        var therapist = allowed
            ? await db.Users.Where(u => u.Id == therapistId && u.AgencyId == actor.AgencyId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct).ConfigureAwait(false)
            : null;
        if (therapist is null) throw new NotFoundException();

        var ratings = await (
                from r in db.Responses
                join s in db.Sessions on r.SessionId equals s.Id
                where r.InstrumentId == InstrumentId && r.WithdrawnAt == null && r.Score != null && s.TherapistId == therapistId
                      && (r.Rater == RaterRole.Observer || (r.Rater == RaterRole.Therapist && r.RaterStaffId == therapistId))
                select new Rating(r.Id, r.CaseId, r.SessionId, s.ActualStart ?? s.ScheduledStart, r.Rater, r.RaterStaffId, r.Score!.Value))
            .ToListAsync(ct).ConfigureAwait(false);
        foreach (var r in ratings) reads.Record(db, actor.AgencyId, "response", r.Id, r.CaseId);
        var zone = await db.Agencies.Where(a => a.Id == actor.AgencyId).Select(a => a.TimeZoneId).SingleAsync(ct).ConfigureAwait(false);
        var observerIds = ratings.Where(r => r.RaterStaffId is not null).Select(r => r.RaterStaffId!.Value).Distinct().ToList();
        var names = await db.StaffNamesAsync(actor.AgencyId, observerIds, ct).ConfigureAwait(false);

        var rows = ratings.GroupBy(r => r.SessionId)
            .Select(g => g.ToList())
            .OrderBy(g => g[0].StartsAt)
            .Select(g =>
            {
                var observed = g.Where(r => r.Rater == RaterRole.Observer).ToList();
                var observer = observed.FirstOrDefault();
                return new EmpathyRow(g[0].StartsAt,
                    observed.Count == 0 ? null : Math.Round(observed.Average(r => r.Score), 1),
                    observer?.RaterStaffId is { } id ? names.GetValueOrDefault(id, "former staff member") : observer is null ? null : "observer",
                    g.FirstOrDefault(r => r.Rater == RaterRole.Therapist)?.Score);
            }).ToList();
        if (rows.Count == 0) return new EmpathyView(therapistId, therapist, zone, null, rows);

        var time = new Shared.LocalTime(zone);
        var lines = new List<ChartLine>
        {
            new("Observer", "observer", rows.Select((r, i) => (r, i)).Where(x => x.r.Observer is not null).Select(x => new ChartValue(x.i, x.r.Observer!.Value, false)).ToList()),
            new("Self-rating", "self", rows.Select((r, i) => (r, i)).Where(x => x.r.Self is not null).Select(x => new ChartValue(x.i, x.r.Self!.Value, false)).ToList()),
        };
        var chart = new LineChart($"empathy-{therapistId:N}", 9, 45, rows.Select(r => time.Of(r.StartsAt).ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture)).ToList(), lines, []);
        return new EmpathyView(therapistId, therapist, zone, chart, rows);
    }
}
