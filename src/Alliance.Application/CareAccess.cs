using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Reflection;
using Alliance.Data;
using Alliance.Domain;

namespace Alliance.Application;

/// <summary>
/// Access follows the care relationship: a therapist sees the cases they hold as primary or co-therapist;
/// a supervisor also sees the cases of their current supervisees. Admins configure the agency and do not
/// read case records. Everything else is simply not there (callers answer 404, never 403).
/// </summary>
/// <remarks>
/// The rule is written once, as one expression per kind of access (<see cref="Rules"/>). A query built at each call
/// (<see cref="VisibleCases"/>) takes it bound to the actor; a query compiled once (<see cref="CompilePerKind"/>) takes it
/// in place of <see cref="Sees"/>, one compiled query per kind, with the actor's agency and id as its parameters
/// (<see cref="QueryRules"/>).
/// </remarks>
public static class CareAccess
{
    /// <summary>
    /// Stands for the rule in a query compiled per kind of access (<see cref="CompilePerKind"/>): whether the staff
    /// member <c>me</c> of <c>agency</c> may see case <c>c</c> at <c>now</c>. It is replaced before the query is compiled
    /// and is never called.
    /// </summary>
    public static readonly Func<AllianceDbContext, Case, Guid, Guid, DateTime, bool> Sees =
        (_, _, _, _, _) => throw new InvalidOperationException("CareAccess.Sees stands for the access rule in a query compiled per kind of access; it is never called.");

    private static readonly FieldInfo SeesField = typeof(CareAccess).GetField(nameof(Sees))!;

    /// <summary>The rule for each kind of access: (context, case, agency, staff member, now) → may see.</summary>
    private static readonly FrozenDictionary<AccessKind, Expression<Func<AllianceDbContext, Case, Guid, Guid, DateTime, bool>>> Rules =
        new Dictionary<AccessKind, Expression<Func<AllianceDbContext, Case, Guid, Guid, DateTime, bool>>>
        {
            [AccessKind.Holder] = (db, c, agency, me, now) => c.AgencyId == agency && (c.PrimaryTherapistId == me || c.CoTherapistId == me),
            [AccessKind.Supervisor] = QueryRules.Rule<Case>((db, c, agency, me, now) => c.AgencyId == agency
                && (c.PrimaryTherapistId == me || c.CoTherapistId == me
                    || QueryRules.Supervisees(db, agency, me).Contains(c.PrimaryTherapistId)
                    || (c.CoTherapistId != null && QueryRules.Supervisees(db, agency, me).Contains(c.CoTherapistId.Value)))),
            // Break the glass: an admin reads a case while a grant to them for it stands; a grant never allows a change.
            [AccessKind.Granted] = (db, c, agency, me, now) => c.AgencyId == agency && db.BreakGlassGrants.Any(g => g.CaseId == c.Id && g.StaffId == me && g.ExpiresAt > now),
            [AccessKind.None] = (db, c, agency, me, now) => false,
        }.ToFrozenDictionary();

    /// <summary>How the actor may reach cases for the purpose.</summary>
    public static AccessKind KindOf(Actor actor, CasePurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsSupervisor) return AccessKind.Supervisor;
        if (actor.IsTherapist) return AccessKind.Holder;
        if (actor.IsAdmin && purpose == CasePurpose.Read) return AccessKind.Granted;
        return AccessKind.None;
    }

    /// <summary>
    /// The cases the actor may open. For <see cref="CasePurpose.Read"/> this includes, for an admin, a case opened
    /// by a current break-the-glass grant; such a grant never allows a change.
    /// </summary>
    public static IQueryable<Case> VisibleCases(this AllianceDbContext db, Actor actor, CasePurpose purpose = CasePurpose.Read)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        return db.Cases.Where(QueryRules.Bind(Rules[KindOf(actor, purpose)], db, actor.AgencyId, actor.StaffId, DateTime.UtcNow));
    }

    /// <summary>
    /// Compiles a query that asks <see cref="Sees"/> once for each kind of access, with the rule of that kind in its
    /// place: <paramref name="compile"/> is <c>EF.CompileAsyncQuery</c> or <c>EF.CompileQuery</c>.
    /// </summary>
    public static FrozenDictionary<AccessKind, TCompiled> CompilePerKind<TQuery, TCompiled>(Expression<TQuery> query, Func<Expression<TQuery>, TCompiled> compile)
        where TQuery : Delegate
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(compile);
        return Rules.ToFrozenDictionary(r => r.Key, r => compile(QueryRules.Inline(query, SeesField, r.Value)));
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

/// <summary>How an actor reaches cases; each kind has its own rule in <see cref="CareAccess"/>.</summary>
public enum AccessKind
{
    /// <summary>No case at all (no clinical role, or an admin asking to change one).</summary>
    None,
    /// <summary>A therapist: the cases they hold as primary or co-therapist.</summary>
    Holder,
    /// <summary>A supervisor: their own cases and those of their current supervisees.</summary>
    Supervisor,
    /// <summary>An admin reading: the cases opened to them by a current break-the-glass grant.</summary>
    Granted,
}

/// <summary>Why a case is being opened.</summary>
public enum CasePurpose
{
    /// <summary>To read it.</summary>
    Read,
    /// <summary>To change it.</summary>
    Write,
}
