using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Web.Errors;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Admin;

/// <summary>A case an admin may open by breaking the glass: its name and therapist only.</summary>
public sealed record BreakGlassCandidate(Guid CaseId, string Name, string Therapist);

/// <summary>Opens one case to an admin, for an hour, for a stated reason.</summary>
public sealed record BreakGlassCommand(Guid CaseId, string Reason);

/// <summary>The grant: which case, until when.</summary>
public sealed record BreakGlassResult(Guid CaseId, DateTime ExpiresAt);

/// <summary>
/// "Break the glass": an admin's documented emergency access to one case's record (notes included). The reason is
/// required, the grant is audited in the same transaction, lasts an hour, never allows changes, and the supervisor
/// of the case's therapist is told at once.
/// </summary>
public sealed class BreakGlass(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>Finds cases by family name, for an admin who knows which family the emergency concerns.</summary>
    public async Task<IReadOnlyList<BreakGlassCandidate>> FindAsync(Actor actor, string? name, CancellationToken ct)
    {
        RequireAdmin(actor);
        var term = name?.Trim() ?? "";
        if (term.Length < 3)
            throw new DomainRuleException("name", "Type at least three letters of the family's name.");
        var names = await db.StaffNamesAsync(actor.AgencyId, ct);
        var pattern = $"%{term.Replace("%", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal)}%";
        var rows = await db.Cases.Where(c => c.AgencyId == actor.AgencyId && EF.Functions.Like(c.Name, pattern))
            .OrderBy(c => c.Name).Take(20).Select(c => new { c.Id, c.Name, c.PrimaryTherapistId }).ToListAsync(ct);
        return rows.Select(r => new BreakGlassCandidate(r.Id, r.Name, names.GetValueOrDefault(r.PrimaryTherapistId, "?"))).ToList();
    }

    public async Task<BreakGlassResult> GrantAsync(Actor actor, BreakGlassCommand command, CancellationToken ct)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(command);
        var now = clock.GetUtcNow().UtcDateTime;
        var c = await db.Cases.SingleOrDefaultAsync(x => x.Id == command.CaseId && x.AgencyId == actor.AgencyId, ct) ?? throw new NotFoundException();
        var grant = new BreakGlassGrant(actor.AgencyId, actor.StaffId, c.Id, command.Reason, now);
        db.BreakGlassGrants.Add(grant);
        db.Audit(new PendingAudit(actor.AgencyId, db.Actor, AuditActions.BreakGlass, "case", c.Id.ToString(), c.Id, now, grant.Reason));

        // The supervisor(s) of the case's therapist; an agency without supervision lines tells every supervisor.
        var therapists = new[] { c.PrimaryTherapistId, c.CoTherapistId ?? c.PrimaryTherapistId };
        var supervisors = await db.SupervisionLines
            .Where(l => l.AgencyId == actor.AgencyId && l.EndedAt == null && therapists.Contains(l.SuperviseeId))
            .Select(l => l.SupervisorId).Distinct().ToListAsync(ct);
        if (supervisors.Count == 0)
        {
            var role = await db.Roles.Where(r => r.Name == StaffRoles.Supervisor).Select(r => r.Id).SingleOrDefaultAsync(ct);
            supervisors = await db.UserRoles.Where(ur => ur.RoleId == role).Select(ur => ur.UserId)
                .Where(id => db.Users.Any(u => u.Id == id && u.AgencyId == actor.AgencyId && u.IsActive)).ToListAsync(ct);
        }
        var names = await db.StaffNamesAsync(actor.AgencyId, ct);
        var text = $"{names.GetValueOrDefault(actor.StaffId, "An admin")} broke the glass to read the {c.Name} record for an hour. Reason given: {grant.Reason}";
        foreach (var supervisor in supervisors)
            db.Notifications.Add(new Notification(actor.AgencyId, supervisor, "break-glass", text, c.Id, now));
        await db.SaveChangesAsync(ct);
        return new BreakGlassResult(c.Id, grant.ExpiresAt);
    }

    /// <summary>The actor's current grant for a case, if any.</summary>
    public async Task<DateTime?> CurrentGrantAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.BreakGlassGrants.Where(g => g.StaffId == actor.StaffId && g.CaseId == caseId && g.ExpiresAt > now)
            .OrderByDescending(g => g.ExpiresAt).Select(g => (DateTime?)g.ExpiresAt).FirstOrDefaultAsync(ct);
    }

    private static void RequireAdmin(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin) throw new NotFoundException();
    }
}
