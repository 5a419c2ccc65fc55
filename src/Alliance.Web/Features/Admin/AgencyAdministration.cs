using Alliance.Application;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Admin;

/// <summary>A staff member as the admin sees them.</summary>
public sealed record StaffView(Guid Id, string DisplayName, string Email, IReadOnlyList<string> Roles, bool IsActive, bool HasPassword, bool LockedOut);

/// <summary>A supervision line as the admin sees it.</summary>
public sealed record SupervisionView(Guid Id, Guid SupervisorId, string Supervisor, Guid SuperviseeId, string Supervisee, DateTime StartedAt);

/// <summary>The agency's settings.</summary>
/// <remarks>Crisis contacts: shown to a family member after an answer that raises a risk flag; null leaves them as they are, empty clears them.</remarks>
public sealed record AgencySettings(string Name, string TimeZoneId, IReadOnlyList<DayOfWeek> WorkingDays, TimeOnly WorkdayStart, TimeOnly WorkdayEnd, string? CrisisContacts = null);

/// <summary>Creates a staff account; the answer carries the one-time link to set a password.</summary>
public sealed record CreateStaffCommand(string Email, string DisplayName, IReadOnlyList<string>? Roles);

/// <summary>The created account and its one-time link.</summary>
public sealed record CreatedStaff(Guid Id, Uri SetPasswordLink);

/// <summary>Changes a staff member's roles or switches the account on or off.</summary>
public sealed record UpdateStaffCommand(IReadOnlyList<string>? Roles, bool? IsActive);

/// <summary>Starts a supervision line.</summary>
public sealed record AddSupervisionCommand(Guid SupervisorId, Guid SuperviseeId);

/// <summary>What an agency admin does: staff accounts, supervision lines, agency settings. No case records.</summary>
public sealed class AgencyAdministration(AllianceDbContext db, UserManager<StaffUser> users, StaffAccounts accounts, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<IReadOnlyList<StaffView>> ListStaffAsync(Actor actor, CancellationToken ct)
    {
        RequireAdmin(actor);
        var staff = await db.Users.Where(u => u.AgencyId == actor.AgencyId).OrderBy(u => u.DisplayName).ToListAsync(ct).ConfigureAwait(false);
        var roleNames = await (from ur in db.UserRoles
                               join r in db.Roles on ur.RoleId equals r.Id
                               join u in db.Users on ur.UserId equals u.Id
                               where u.AgencyId == actor.AgencyId
                               select new { ur.UserId, r.Name }).ToListAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        return staff.Select(u => new StaffView(u.Id, u.DisplayName, u.Email ?? "",
            roleNames.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal).ToList(),
            u.IsActive, u.PasswordHash is not null, u.LockoutEnd is { } end && end > now)).ToList();
    }

    public async Task<CreatedStaff> CreateStaffAsync(Actor actor, CreateStaffCommand command, Uri baseAddress, CancellationToken ct)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(command);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var user = await accounts.CreateAsync(actor.AgencyId, new NewStaff(command.Email, command.DisplayName, command.Roles ?? [])).ConfigureAwait(false);
            var link = await accounts.IssueSetPasswordLinkAsync(user, baseAddress, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new CreatedStaff(user.Id, link);
        }).ConfigureAwait(false);
    }

    public async Task<Uri> ReissueLinkAsync(Actor actor, Guid staffId, Uri baseAddress, CancellationToken ct)
    {
        var user = await FindStaffAsync(actor, staffId).ConfigureAwait(false);
        return await accounts.IssueSetPasswordLinkAsync(user, baseAddress, ct).ConfigureAwait(false);
    }

    public async Task UpdateStaffAsync(Actor actor, Guid staffId, UpdateStaffCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var user = await FindStaffAsync(actor, staffId).ConfigureAwait(false);
        if (command.Roles is { } roles)
        {
            if (roles.Count == 0 || roles.Any(r => !StaffRoles.All.Contains(r)))
                throw new DomainRuleException("roles", "Choose one or more of therapist, supervisor, admin.");
            if (user.Id == actor.StaffId && !roles.Contains(StaffRoles.Admin))
                throw new DomainRuleException("roles", "You cannot remove your own admin role; ask another admin.");
            var current = await users.GetRolesAsync(user).ConfigureAwait(false);
            await users.RemoveFromRolesAsync(user, current.Except(roles)).ConfigureAwait(false);
            await users.AddToRolesAsync(user, roles.Except(current).Distinct()).ConfigureAwait(false);
        }
        if (command.IsActive is { } active)
        {
            if (user.Id == actor.StaffId && !active)
                throw new DomainRuleException("isActive", "You cannot switch off your own account.");
            user.IsActive = active;
            await users.UpdateAsync(user).ConfigureAwait(false);
            // Signs the person out everywhere at the next cookie check.
            await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SupervisionView>> ListSupervisionAsync(Actor actor, CancellationToken ct)
    {
        RequireAdmin(actor);
        var names = await db.StaffNamesAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var lines = await db.SupervisionLines.Where(l => l.AgencyId == actor.AgencyId && l.EndedAt == null).ToListAsync(ct).ConfigureAwait(false);
        return lines.Select(l => new SupervisionView(l.Id, l.SupervisorId, names.GetValueOrDefault(l.SupervisorId, "?"), l.SuperviseeId,
                names.GetValueOrDefault(l.SuperviseeId, "?"), l.StartedAt))
            .OrderBy(v => v.Supervisor, StringComparer.CurrentCulture).ThenBy(v => v.Supervisee, StringComparer.CurrentCulture).ToList();
    }

    public async Task<Guid> AddSupervisionAsync(Actor actor, AddSupervisionCommand command, CancellationToken ct)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(command);
        var supervisor = await FindStaffAsync(actor, command.SupervisorId, "supervisorId").ConfigureAwait(false);
        if (!await users.IsInRoleAsync(supervisor, StaffRoles.Supervisor).ConfigureAwait(false))
            throw new DomainRuleException("supervisorId", "Choose someone with the supervisor role.");
        await FindStaffAsync(actor, command.SuperviseeId, "superviseeId").ConfigureAwait(false);
        if (await db.SupervisionLines.AnyAsync(l => l.SupervisorId == command.SupervisorId && l.SuperviseeId == command.SuperviseeId && l.EndedAt == null, ct).ConfigureAwait(false))
            throw new DomainRuleException("superviseeId", "This supervision is already in place.");
        var line = new SupervisionLine(actor.AgencyId, command.SupervisorId, command.SuperviseeId, Now);
        db.SupervisionLines.Add(line);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return line.Id;
    }

    public async Task EndSupervisionAsync(Actor actor, Guid lineId, CancellationToken ct)
    {
        RequireAdmin(actor);
        var line = await db.SupervisionLines.SingleOrDefaultAsync(l => l.Id == lineId && l.AgencyId == actor.AgencyId, ct).ConfigureAwait(false)
            ?? throw new NotFoundException();
        line.End(Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public async Task<AgencySettings> GetSettingsAsync(Actor actor, CancellationToken ct)
    {
        RequireAdmin(actor);
        var a = await db.Agencies.SingleAsync(x => x.Id == actor.AgencyId, ct).ConfigureAwait(false);
        return new AgencySettings(a.Name, a.TimeZoneId, Enum.GetValues<DayOfWeek>().Where(d => a.WorkingDays.Contains(d)).ToList(), a.WorkdayStart, a.WorkdayEnd, a.CrisisContacts);
    }

    public async Task UpdateSettingsAsync(Actor actor, AgencySettings settings, CancellationToken ct)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(settings);
        var a = await db.Agencies.SingleAsync(x => x.Id == actor.AgencyId, ct).ConfigureAwait(false);
        var days = (settings.WorkingDays ?? []).Aggregate(WorkingDaySet.None, (set, d) => set | WorkingDays.Of(d));
        a.UpdateSettings(settings.Name, settings.TimeZoneId, days, settings.WorkdayStart, settings.WorkdayEnd);
        if (settings.CrisisContacts is not null) a.SetCrisisContacts(settings.CrisisContacts);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    private async Task<StaffUser> FindStaffAsync(Actor actor, Guid staffId, string field = "id")
    {
        RequireAdmin(actor);
        var user = await users.FindByIdAsync(staffId.ToString()).ConfigureAwait(false);
        if (user is null || user.AgencyId != actor.AgencyId)
        {
            if (field == "id") throw new NotFoundException();
            throw new DomainRuleException(field, "Choose a staff member of this agency.");
        }
        return user;
    }

    // The endpoints require the admin policy already; this keeps the handler safe when called from elsewhere.
    private static void RequireAdmin(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin) throw new NotFoundException();
    }
}
