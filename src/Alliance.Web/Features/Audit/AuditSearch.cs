using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Data;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Audit;

/// <summary>One line of a case's audit trail.</summary>
public sealed record AuditLine(long Sequence, DateTime At, string Who, string Kind, string Action, string Record, string? Origin, string? Reason);

/// <summary>A case someone may search the audit trail for.</summary>
public sealed record AuditableCase(Guid Id, string Name);

/// <summary>
/// "Who looked at this family's record?": the audit trail of one case, for supervisors (cases they supervise)
/// and admins (any case of the agency). Searching is itself audited.
/// </summary>
public sealed class AuditSearch(AllianceDbContext db, AuditReads reads)
{
    public async Task<IReadOnlyList<AuditableCase>> CasesAsync(Actor actor, CancellationToken ct) =>
        await Searchable(actor).OrderBy(c => c.Name).Select(c => new AuditableCase(c.Id, c.Name)).ToListAsync(ct);

    public async Task<IReadOnlyList<AuditLine>> ForCaseAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!await Searchable(actor).AnyAsync(c => c.Id == caseId, ct)) throw new NotFoundException();
        reads.Record(db, actor.AgencyId, "audit", caseId, caseId);
        // A report about the searcher leaves no trace here: its lines and its entries' lines are left out.
        var hidden = await Alliance.Application.Boundaries.IncidentWork.ConcerningIds(db, actor.StaffId).ToListAsync(ct);
        var hiddenRecords = hidden.Select(id => id.ToString())
            .Concat((await db.IncidentEntries.Where(e => hidden.Contains(e.IncidentId)).Select(e => e.Id).ToListAsync(ct)).Select(id => id.ToString()))
            .ToList();
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.AgencyId == actor.AgencyId && e.CaseId == caseId)
            .Where(e => !((e.RecordType == "incident" || e.RecordType == "incident-entry") && hiddenRecords.Contains(e.RecordId)))
            .OrderByDescending(e => e.Sequence).Take(1000)
            .Select(e => new AuditLine(e.Sequence, e.At, e.ActorName, e.ActorKind.ToString(), e.Action, e.RecordType, e.Origin, e.Reason))
            .ToListAsync(ct);
    }

    private IQueryable<Domain.Case> Searchable(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsAdmin) return db.Cases.Where(c => c.AgencyId == actor.AgencyId);
        if (actor.IsSupervisor) return db.VisibleCases(actor);
        return db.Cases.Where(_ => false);
    }
}
