using System.Collections.Frozen;
using System.Linq.Expressions;
using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Caseload;

/// <summary>A therapist's caseload: whose cases to show, and whether closed ones too.</summary>
public sealed record CaseloadQuery(Guid? TherapistId = null, bool IncludeClosed = false);

/// <summary>One family on a caseload.</summary>
public sealed record CaseloadRow(
    Guid CaseId,
    string Name,
    IReadOnlyList<string> Members,
    EpisodePhase Phase,
    string PhaseName,
    DateTime? LastSession,
    DateTime? NextSession,
    Guid PrimaryTherapistId,
    string PrimaryTherapist,
    bool IsCoTherapist,
    int HighAlerts = 0,
    int MediumAlerts = 0);

/// <summary>A caseload with the therapist it belongs to.</summary>
public sealed record CaseloadView(Guid TherapistId, string Therapist, IReadOnlyList<CaseloadRow> Cases);

/// <summary>Reads a caseload: the actor's own, or a supervisee's for a supervisor.</summary>
public sealed class GetCaseload(AllianceDbContext db, TimeProvider clock, Alliance.Application.Auditing.AuditReads reads)
{
    /// <summary>The families a therapist holds that the actor may see (compiled once per kind of access).</summary>
    private static readonly PerModel<FrozenDictionary<AccessKind, Func<AllianceDbContext, Guid, Guid, DateTime, Guid, bool, IAsyncEnumerable<HeldCase>>>> Held =
        new(() => CareAccess.CompilePerKind(HeldQuery, q => EF.CompileAsyncQuery(q)));

    // Primary or co-therapist, asked as two searches (one on each therapist index) and put together: a single OR across
    // the two columns is one SQLite cannot answer from an index, and it reads every case of the agency. Each family's
    // phase and sessions are looked up inside the two searches, once a family, before its members are joined (looked up
    // after the join, they were looked up again for every member); a union needs the same columns on both sides, so both
    // searches spell the lookups out. Closed families are left out in the database (a long-serving therapist holds far
    // more closed ones than open).
    private static Expression<Func<AllianceDbContext, Guid, Guid, DateTime, Guid, bool, IQueryable<HeldCase>>> HeldQuery =>
        (db, agency, me, now, therapistId, includeClosed) => db.Cases
            .Where(c => CareAccess.Sees(db, c, agency, me, now) && c.PrimaryTherapistId == therapistId)
            .Select(c => new
            {
                c.Id,
                c.Name,
                c.PrimaryTherapistId,
                c.CoTherapistId,
                Phase = c.Episodes.OrderByDescending(e => e.Number).Select(e => e.Phase).First(),
                Last = db.Sessions.Where(s => s.CaseId == c.Id && s.Status == SessionStatus.Held).Max(s => s.ActualStart),
                Next = db.Sessions.Where(s => s.CaseId == c.Id && s.Status == SessionStatus.Scheduled && s.ScheduledStart >= now).Min(s => (DateTime?)s.ScheduledStart),
            })
            .Union(db.Cases
                .Where(c => CareAccess.Sees(db, c, agency, me, now) && c.CoTherapistId == therapistId)
                .Select(c => new
                {
                    c.Id,
                    c.Name,
                    c.PrimaryTherapistId,
                    c.CoTherapistId,
                    Phase = c.Episodes.OrderByDescending(e => e.Number).Select(e => e.Phase).First(),
                    Last = db.Sessions.Where(s => s.CaseId == c.Id && s.Status == SessionStatus.Held).Max(s => s.ActualStart),
                    Next = db.Sessions.Where(s => s.CaseId == c.Id && s.Status == SessionStatus.Scheduled && s.ScheduledStart >= now).Min(s => (DateTime?)s.ScheduledStart),
                }))
            .Where(h => includeClosed || h.Phase != EpisodePhase.Closed)
            .Select(h => new HeldCase(
                h.Id,
                h.Name,
                h.PrimaryTherapistId,
                h.CoTherapistId,
                db.Members.Where(m => m.CaseId == h.Id).OrderBy(m => m.Position).Select(m => m.DisplayName).ToList(),
                h.Phase,
                h.Last,
                h.Next));

    /// <summary>The active alerts of the cases that ask for attention, high and medium (compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, List<Guid>, IAsyncEnumerable<ActiveAlert>>> Attention =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, List<Guid> ids) => db.Alerts
            .Where(a => ids.Contains(a.CaseId) && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged) && (a.Severity == "high" || a.Severity == "medium"))
            .Select(a => new ActiveAlert(a.CaseId, a.Severity))));

    private sealed record ActiveAlert(Guid CaseId, string Severity);

    private sealed record HeldCase(Guid Id, string Name, Guid PrimaryTherapistId, Guid? CoTherapistId, List<string> Members, EpisodePhase Phase, DateTime? Last, DateTime? Next);

    public async Task<CaseloadView> HandleAsync(Actor actor, CaseloadQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(query);
        var therapistId = query.TherapistId ?? actor.StaffId;
        // A caseload that is not yours or your supervisee's does not exist for you (your own is always yours).
        if (therapistId != actor.StaffId && !await db.VisibleTherapists(actor).ContainsAsync(therapistId, ct).ConfigureAwait(false))
            throw new NotFoundException();

        var now = clock.GetUtcNow().UtcDateTime;
        var raw = await Held.For(db)[CareAccess.KindOf(actor, CasePurpose.Read)](db, actor.AgencyId, actor.StaffId, now, therapistId, query.IncludeClosed)
            .ToListAsync(ct).ConfigureAwait(false);

        // Only the names shown: the primary therapist of each row, and the caseload's own therapist.
        var names = await db.StaffNamesAsync(actor.AgencyId, raw.Select(r => r.PrimaryTherapistId).Append(therapistId), ct).ConfigureAwait(false);
        var ids = raw.Select(r => r.Id).ToList();
        var badges = (await Attention.For(db)(db, ids).ToListAsync(ct).ConfigureAwait(false)).ToLookup(a => a.CaseId);
        var rows = raw
            .Where(r => query.IncludeClosed || r.Phase != EpisodePhase.Closed)
            .Select(r => new CaseloadRow(r.Id, r.Name, r.Members, r.Phase, Episode.Describe(r.Phase), r.Last, r.Next,
                r.PrimaryTherapistId, names.GetValueOrDefault(r.PrimaryTherapistId, "?"), r.CoTherapistId == therapistId,
                badges[r.Id].Count(a => a.Severity == "high"), badges[r.Id].Count(a => a.Severity == "medium")))
            .OrderBy(r => r.Phase == EpisodePhase.Closed)
            .ThenBy(r => r.NextSession ?? DateTime.MaxValue)
            .ThenBy(r => r.Name, StringComparer.CurrentCulture)
            .ToList();
        reads.Record(db, actor.AgencyId, "caseload", therapistId, null);
        return new CaseloadView(therapistId, names.GetValueOrDefault(therapistId, "?"), rows);
    }
}
