using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Cases;

/// <summary>Adds a member to a family.</summary>
public sealed record AddMemberCommand(Guid CaseId, string DisplayName, FamilyRole Role, int? BirthYear);

/// <summary>Moves the current episode forward.</summary>
public sealed record ChangePhaseCommand(Guid CaseId, EpisodePhase Phase, string Reason);

/// <summary>Starts a new episode of a closed case.</summary>
public sealed record ReopenCaseCommand(Guid CaseId, string Reason);

/// <summary>Moves a case to another primary therapist (a supervisor's decision).</summary>
public sealed record TransferCaseCommand(Guid CaseId, Guid TherapistId, string Reason);

/// <summary>The changes a clinician makes to a case; each loads the case through the care relationship and saves once.</summary>
public sealed class ChangeCase(AllianceDbContext db, TimeProvider clock)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Guid> HandleAsync(Actor actor, AddMemberCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        var member = c.AddMember(command.DisplayName, command.Role, command.BirthYear, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return member.Id;
    }

    public async Task HandleAsync(Actor actor, ChangePhaseCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        c.CurrentEpisode.MoveTo(command.Phase, actor.StaffId, command.Reason, Now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public async Task<Guid> HandleAsync(Actor actor, ReopenCaseCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        var episode = c.Reopen(actor.StaffId, command.Reason, Now);
        db.Episodes.Add(episode);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return episode.Id;
    }

    public async Task HandleAsync(Actor actor, TransferCaseCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        // Only the supervisor of the case's therapist moves a case; the therapist asks them.
        var supervises = await db.SupervisionLines.AnyAsync(l => l.SupervisorId == actor.StaffId
            && l.SuperviseeId == c.PrimaryTherapistId && l.EndedAt == null, ct).ConfigureAwait(false);
        if (!actor.IsSupervisor || !supervises)
            throw new DomainRuleException("therapistId", "Only the supervisor of the case's therapist can move the case.");
        await StaffChecks.RequireTherapistAsync(db, actor.AgencyId, command.TherapistId, "therapistId", ct).ConfigureAwait(false);
        var assignment = c.Transfer(command.TherapistId, actor.StaffId, command.Reason, Now);
        db.CaseAssignments.Add(assignment);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }
}
