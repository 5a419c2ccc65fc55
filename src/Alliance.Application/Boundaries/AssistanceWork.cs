using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>Asking one's supervisor: about a family (when given) or about oneself.</summary>
public sealed record AskForAssistanceCommand(Guid? CaseId, string Text);

/// <summary>A supervisor's answer.</summary>
public sealed record AnswerAssistanceCommand(string Answer);

/// <summary>A request for assistance as the therapist or their supervisor reads it.</summary>
public sealed record AssistanceView(Guid Id, Guid TherapistId, string Therapist, Guid? CaseId, string? CaseName, string Text, DateTime AskedAt,
    string? Answer, string? AnsweredBy, DateTime? AnsweredAt);

/// <summary>
/// Seeking assistance in one step: the request reaches the therapist's current supervisors (their Supervision page and
/// inbox); the answer is recorded and reaches the therapist's inbox. Only the therapist and their supervisors read it.
/// </summary>
public sealed class AssistanceWork(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The notification kind.</summary>
    public const string NotificationKind = "assistance";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Asks; the supervisors are told at once.</summary>
    public async Task<Guid> AskAsync(Actor actor, AskForAssistanceCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        string? caseName = null;
        if (command.CaseId is { } caseId)
            caseName = await db.VisibleCases(actor).Where(c => c.Id == caseId && (c.PrimaryTherapistId == actor.StaffId || c.CoTherapistId == actor.StaffId))
                .Select(c => c.Name).SingleOrDefaultAsync(ct).ConfigureAwait(false) ?? throw new RecordNotFoundException();
        var supervisors = await SupervisorsOfAsync(actor.AgencyId, actor.StaffId, ct).ConfigureAwait(false);
        if (supervisors.Count == 0)
            throw new DomainRuleException("text", "You have no supervisor in Alliance yet. Ask your agency's admin to set up your supervision, and talk to a colleague you trust meanwhile.");
        var request = new AssistanceRequest(actor.AgencyId, actor.StaffId, command.CaseId, command.Text, Now);
        db.AssistanceRequests.Add(request);
        var name = await db.Users.Where(u => u.Id == actor.StaffId).Select(u => u.DisplayName).SingleAsync(ct).ConfigureAwait(false);
        foreach (var supervisor in supervisors)
            db.Notifications.Add(new Notification(actor.AgencyId, supervisor, NotificationKind,
                caseName is null ? $"{name} asks to talk with you about their own practice." : $"{name} asks to talk with you about the {caseName} case.",
                command.CaseId, Now));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return request.Id;
    }

    /// <summary>The therapist's own requests, newest first.</summary>
    public async Task<IReadOnlyList<AssistanceView>> MineAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await ViewsAsync(actor, db.AssistanceRequests.Where(r => r.TherapistId == actor.StaffId), ct).ConfigureAwait(false);
    }

    /// <summary>The requests of the supervisor's current supervisees, unanswered first.</summary>
    public async Task<IReadOnlyList<AssistanceView>> ForSupervisorAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var mine = Supervisees(actor);
        return await ViewsAsync(actor, db.AssistanceRequests.Where(r => mine.Contains(r.TherapistId)), ct).ConfigureAwait(false);
    }

    /// <summary>A supervisor answers; the therapist is told.</summary>
    public async Task AnswerAsync(Actor actor, Guid requestId, AnswerAssistanceCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var mine = Supervisees(actor);
        var request = await db.AssistanceRequests.Where(r => r.Id == requestId && mine.Contains(r.TherapistId)).SingleOrDefaultAsync(ct).ConfigureAwait(false)
            ?? throw new RecordNotFoundException();
        request.Respond(actor.StaffId, command.Answer, Now);
        db.Notifications.Add(new Notification(actor.AgencyId, request.TherapistId, NotificationKind,
            "Your supervisor answered your request for assistance. Read it under Boundaries, Ask my supervisor.", request.CaseId, Now));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The current supervisors of a staff member.</summary>
    public async Task<List<Guid>> SupervisorsOfAsync(Guid agencyId, Guid staffId, CancellationToken ct) =>
        await db.SupervisionLines.Where(l => l.AgencyId == agencyId && l.SuperviseeId == staffId && l.EndedAt == null)
            .Select(l => l.SupervisorId).Distinct().ToListAsync(ct).ConfigureAwait(false);

    private IQueryable<Guid> Supervisees(Actor actor) => actor.IsSupervisor
        ? db.SupervisionLines.Where(l => l.SupervisorId == actor.StaffId && l.EndedAt == null && l.AgencyId == actor.AgencyId).Select(l => l.SuperviseeId)
        : db.SupervisionLines.Where(_ => false).Select(l => l.SuperviseeId);

    private async Task<IReadOnlyList<AssistanceView>> ViewsAsync(Actor actor, IQueryable<AssistanceRequest> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking().OrderBy(r => r.AnsweredAt != null).ThenByDescending(r => r.AskedAt).Take(200).ToListAsync(ct).ConfigureAwait(false);
        var caseIds = rows.Where(r => r.CaseId != null).Select(r => r.CaseId!.Value).Distinct().ToList();
        var names = caseIds.Count == 0 ? [] : await db.Cases.Where(c => caseIds.Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct).ConfigureAwait(false);
        var staff = await db.StaffNamesAsync(actor.AgencyId, rows.SelectMany(r => new[] { r.TherapistId, r.AnsweredBy ?? r.TherapistId }), ct).ConfigureAwait(false);
        return rows.Select(r => new AssistanceView(r.Id, r.TherapistId, staff.GetValueOrDefault(r.TherapistId, "—"), r.CaseId,
            r.CaseId is { } c ? names.GetValueOrDefault(c) : null, r.Text ?? "", r.AskedAt, r.Answer,
            r.AnsweredBy is { } a ? staff.GetValueOrDefault(a, "—") : null, r.AnsweredAt)).ToList();
    }
}
