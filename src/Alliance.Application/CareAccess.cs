using Alliance.Data;
using Alliance.Domain;

namespace Alliance.Application;

/// <summary>
/// Access follows the care relationship: a therapist sees the cases they hold as primary or co-therapist;
/// a supervisor also sees the cases of their current supervisees. Admins configure the agency and do not
/// read case records. Everything else is simply not there (callers answer 404, never 403).
/// </summary>
public static class CareAccess
{
    /// <summary>
    /// The cases the actor may open. For <see cref="CasePurpose.Read"/> this includes, for an admin, a case opened
    /// by a current break-the-glass grant; such a grant never allows a change.
    /// </summary>
    public static IQueryable<Case> VisibleCases(this AllianceDbContext db, Actor actor, CasePurpose purpose = CasePurpose.Read)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        var me = actor.StaffId;
        var cases = db.Cases.Where(c => c.AgencyId == actor.AgencyId);
        if (actor.IsAdmin && !actor.IsSupervisor && !actor.IsTherapist)
        {
            if (purpose == CasePurpose.Write) return cases.Where(_ => false);
            var now = DateTime.UtcNow;
            return cases.Where(c => db.BreakGlassGrants.Any(g => g.CaseId == c.Id && g.StaffId == me && g.ExpiresAt > now));
        }
        if (actor.IsSupervisor)
        {
            var supervisees = db.SupervisionLines
                .Where(l => l.SupervisorId == me && l.EndedAt == null && l.AgencyId == actor.AgencyId)
                .Select(l => l.SuperviseeId);
            return cases.Where(c => c.PrimaryTherapistId == me || c.CoTherapistId == me
                || supervisees.Contains(c.PrimaryTherapistId)
                || (c.CoTherapistId != null && supervisees.Contains(c.CoTherapistId.Value)));
        }
        if (actor.IsTherapist)
            return cases.Where(c => c.PrimaryTherapistId == me || c.CoTherapistId == me);
        return cases.Where(_ => false);
    }

    /// <summary>The staff whose caseloads the actor may see: themselves, and their current supervisees.</summary>
    public static IQueryable<Guid> VisibleTherapists(this AllianceDbContext db, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        var me = actor.StaffId;
        return db.Users.Where(u => u.AgencyId == actor.AgencyId && (u.Id == me
                || db.SupervisionLines.Any(l => l.SupervisorId == me && l.SuperviseeId == u.Id && l.EndedAt == null)))
            .Select(u => u.Id);
    }
}

/// <summary>Why a case is being opened.</summary>
public enum CasePurpose
{
    /// <summary>To read it.</summary>
    Read,
    /// <summary>To change it.</summary>
    Write,
}
