using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Cases;

/// <summary>Loads a whole case the actor may see; any other case is simply not found.</summary>
internal static class CaseLoading
{
    public static async Task<Case> LoadVisibleCaseAsync(this AllianceDbContext db, Actor actor, Guid caseId, CancellationToken ct, CasePurpose purpose = CasePurpose.Write)
    {
        // Whether the actor may see the case is asked once; the case is then read by its key alone (WholeCaseById).
        var agencyId = await db.VisibleCases(actor, purpose).Where(c => c.Id == caseId).Select(c => (Guid?)c.AgencyId)
            .SingleOrDefaultAsync(ct).ConfigureAwait(false) ?? throw new NotFoundException();
        var cases = db.WholeCaseById(agencyId, caseId);
        // A case read to be shown is not tracked: nothing of it is saved, and tracking a long history costs more than reading it.
        if (purpose == CasePurpose.Read) cases = cases.AsNoTracking();
        var found = await cases.ToListAsync(ct).ConfigureAwait(false);
        return found.Count == 1 ? found[0] : throw new NotFoundException();
    }

    /// <summary>
    /// Reads a whole case the actor may see, to be shown: from <paramref name="cache"/> when the case has not changed
    /// since it was kept there. The access check runs every time, and reads the case's current version with it. The
    /// case returned may be shared with other requests: it must not be changed.
    /// </summary>
    public static async Task<Case> ReadVisibleCaseAsync(this AllianceDbContext db, CaseReadCache cache, Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var visible = await db.VisibleCases(actor, CasePurpose.Read).Where(c => c.Id == caseId).Select(c => new { c.AgencyId, c.Version })
            .SingleOrDefaultAsync(ct).ConfigureAwait(false) ?? throw new NotFoundException();
        if (cache.Find(caseId, visible.Version) is { } kept && kept.AgencyId == visible.AgencyId) return kept;
        var found = await db.WholeCaseById(visible.AgencyId, caseId).AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
        if (found.Count != 1) throw new NotFoundException();
        cache.Keep(found[0]);
        return found[0];
    }

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
    public static async Task<Agency> LoadAgencyAsync(this AllianceDbContext db, Actor actor, CancellationToken ct) =>
        await db.Agencies.SingleAsync(a => a.Id == actor.AgencyId, ct).ConfigureAwait(false);
}
