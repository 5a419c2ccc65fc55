using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Agencies;

/// <summary>A real agency with its first admin, who sets a password through the returned link.</summary>
public sealed record CreateAgencyCommand(string Name, string AdminEmail, string AdminName, string TimeZoneId, Uri BaseAddress);

/// <summary>The new agency and the first admin's one-time link.</summary>
public sealed record CreatedAgency(Guid AgencyId, Guid AdminId, Uri SetPasswordLink);

/// <summary>Creates an agency without any demo data.</summary>
public sealed class CreateAgency(AllianceDbContext db, StaffAccounts staff, TimeProvider clock)
{
    public async Task<CreatedAgency> HandleAsync(CreateAgencyCommand command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var agency = new Agency(command.Name, command.TimeZoneId, clock.GetUtcNow().UtcDateTime);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            db.Agencies.Add(agency);
            db.OrientationTexts.Add(OrientationText.Default(agency.Id, agency.CreatedAt));
            db.Audit(new PendingAudit(agency.Id, db.Actor, AuditActions.Create, "agency", agency.Id.ToString(), null, agency.CreatedAt));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            var admin = await staff.CreateAsync(agency.Id, new NewStaff(command.AdminEmail, command.AdminName, [StaffRoles.Admin])).ConfigureAwait(false);
            var link = await staff.IssueSetPasswordLinkAsync(admin, command.BaseAddress, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new CreatedAgency(agency.Id, admin.Id, link);
        }).ConfigureAwait(false);
    }
}
