using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Cases;

/// <summary>A new family and its first members. The creating therapist becomes the primary therapist.</summary>
public sealed record CreateCaseCommand(string Name, Guid? CoTherapistId, IReadOnlyList<NewMember>? Members);

/// <summary>A member to add.</summary>
public sealed record NewMember(string DisplayName, FamilyRole Role, int? BirthYear);

/// <summary>Opens a case at referral, with its members.</summary>
public sealed class CreateCase(AllianceDbContext db, TimeProvider clock)
{
    public async Task<Guid> HandleAsync(Actor actor, CreateCaseCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        if (!actor.IsTherapist)
            throw new DomainRuleException("primaryTherapistId", "Only a therapist can open a case on their caseload.");
        if (command.CoTherapistId is { } co)
            await StaffChecks.RequireTherapistAsync(db, actor.AgencyId, co, "coTherapistId", ct).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var c = Case.Open(actor.AgencyId, command.Name, actor.StaffId, command.CoTherapistId, actor.StaffId, now);
        var i = 0;
        foreach (var m in command.Members ?? [])
        {
            try { c.AddMember(m.DisplayName, m.Role, m.BirthYear, now); }
            catch (DomainRuleException e) { throw new DomainRuleException($"members[{i}].{e.Field}", e.Message); }
            i++;
        }
        db.Cases.Add(c);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return c.Id;
    }
}

/// <summary>Checks on the staff a command names.</summary>
internal static class StaffChecks
{
    /// <summary>Fails unless the person is an active therapist of the agency.</summary>
    public static async Task RequireTherapistAsync(AllianceDbContext db, Guid agencyId, Guid staffId, string field, CancellationToken ct)
    {
        var isTherapist = await db.Users
            .Where(u => u.Id == staffId && u.AgencyId == agencyId && u.IsActive)
            .AnyAsync(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == StaffRoles.Therapist)), ct)
            .ConfigureAwait(false);
        if (!isTherapist)
            throw new DomainRuleException(field, "Choose an active therapist of this agency.");
    }
}
