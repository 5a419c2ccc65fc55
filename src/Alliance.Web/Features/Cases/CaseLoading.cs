using System.Collections.Frozen;
using System.Linq.Expressions;
using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Cases;

/// <summary>Loads a whole case the actor may see; any other case is simply not found.</summary>
internal static class CaseLoading
{
    /// <summary>The agency and version of a case the actor may see (compiled once per kind of access).</summary>
    private static readonly PerModel<FrozenDictionary<AccessKind, Func<AllianceDbContext, Guid, Guid, DateTime, Guid, CancellationToken, Task<CaseStamp?>>>> Stamps =
        new(() => CareAccess.CompilePerKind(StampQuery, q => EF.CompileAsyncQuery(q)));

    private static Expression<Func<AllianceDbContext, Guid, Guid, DateTime, Guid, CancellationToken, CaseStamp?>> StampQuery =>
        (db, agency, me, now, caseId, ct) => db.Cases.Where(c => CareAccess.Sees(db, c, agency, me, now) && c.Id == caseId)
            .Select(c => new CaseStamp(c.AgencyId, c.Version)).SingleOrDefault();

    private sealed record CaseStamp(Guid AgencyId, Guid Version);

    /// <summary>
    /// Loads a whole case the actor may see. A case read to be shown (<see cref="CasePurpose.Read"/>) is not tracked,
    /// and is taken from <paramref name="cache"/> when given and the case has not changed since it was kept there; such
    /// a case may be shared with other requests and must not be changed. The access check runs every time, and reads
    /// the case's current version with it.
    /// </summary>
    public static async Task<Case> LoadVisibleCaseAsync(this AllianceDbContext db, Actor actor, Guid caseId, CancellationToken ct,
        CasePurpose purpose = CasePurpose.Write, CaseReadCache? cache = null)
    {
        // Whether the actor may see the case is asked once; the case is then read by its key alone (WholeCaseById).
        var visible = await StampAsync(db, actor, caseId, purpose, ct).ConfigureAwait(false) ?? throw new NotFoundException();
        var shown = purpose == CasePurpose.Read;
        if (shown && cache?.Find(caseId, visible.Version) is { } kept && kept.AgencyId == visible.AgencyId) return kept;
        var cases = db.WholeCaseById(visible.AgencyId, caseId);
        // A case read to be shown is not tracked: nothing of it is saved, and tracking a long history costs more than reading it.
        if (shown) cases = cases.AsNoTracking();
        var found = await cases.ToListAsync(ct).ConfigureAwait(false);
        if (found.Count != 1) throw new NotFoundException();
        if (shown) cache?.Keep(found[0]);
        return found[0];
    }

    /// <summary>Whether the actor may see the case (or change it, for <see cref="CasePurpose.Write"/>).</summary>
    public static async Task<bool> CanSeeAsync(this AllianceDbContext db, Actor actor, Guid caseId, CancellationToken ct, CasePurpose purpose = CasePurpose.Read) =>
        await StampAsync(db, actor, caseId, purpose, ct).ConfigureAwait(false) is not null;

    private static Task<CaseStamp?> StampAsync(AllianceDbContext db, Actor actor, Guid caseId, CasePurpose purpose, CancellationToken ct) =>
        Stamps.For(db)[CareAccess.KindOf(actor, purpose)](db, actor.AgencyId, actor.StaffId, DateTime.UtcNow, caseId, ct);

    /// <summary>Loads a session of a case the actor may see, with the whole case around it.</summary>
    public static async Task<(Case Case, Session Session)> LoadVisibleSessionAsync(this AllianceDbContext db, Actor actor, Guid sessionId, CancellationToken ct, CasePurpose purpose = CasePurpose.Write)
    {
        var caseId = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (Guid?)s.CaseId).SingleOrDefaultAsync(ct).ConfigureAwait(false)
            ?? throw new NotFoundException();
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct, purpose).ConfigureAwait(false);
        var session = c.Episodes.SelectMany(e => e.Sessions).Single(s => s.Id == sessionId);
        return (c, session);
    }

    /// <summary>The actor's agency.</summary>
    public static Task<Agency> LoadAgencyAsync(this AllianceDbContext db, Actor actor, CancellationToken ct) => db.AgencyAsync(actor.AgencyId, ct);
}
