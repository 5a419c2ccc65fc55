using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Cases;

namespace Alliance.Web.Features.Sessions;

/// <summary>Plans a session in the case's current episode. Times are UTC instants.</summary>
public sealed record ScheduleSessionCommand(Guid CaseId, DateTime ScheduledStart, int ScheduledMinutes);

/// <summary>Records that a session was held.</summary>
public sealed record RecordSessionCommand(Guid SessionId, DateTime ActualStart, DateTime ActualEnd, IReadOnlyList<Guid>? AttendeeIds, Modality Modality, string? Notes);

/// <summary>Marks a planned session cancelled or missed.</summary>
public sealed record CloseSessionCommand(Guid SessionId, SessionStatus Status, string? Reason);

/// <summary>What a therapist does with sessions; each loads the case through the care relationship and saves once.</summary>
public sealed class SessionWork(AllianceDbContext db, TimeProvider clock, Alliance.Application.Feedback.CaseFeedback feedback)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<Guid> HandleAsync(Actor actor, ScheduleSessionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        var c = await db.LoadVisibleCaseAsync(actor, command.CaseId, ct).ConfigureAwait(false);
        var episode = c.CurrentEpisode;
        var session = episode.ScheduleSession(command.ScheduledStart, command.ScheduledMinutes, actor.StaffId, Now);
        // The first session booked for a referral is its first visit.
        if (episode.Phase == EpisodePhase.Referral)
            episode.MoveTo(EpisodePhase.FirstVisit, actor.StaffId, "First visit booked", Now);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return session.Id;
    }

    public async Task HandleAsync(Actor actor, RecordSessionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (_, session) = await db.LoadVisibleSessionAsync(actor, command.SessionId, ct).ConfigureAwait(false);
        session.RecordHeld(command.ActualStart, command.ActualEnd, command.AttendeeIds ?? [], command.Modality, command.Notes, Now);
        // Overruns and attendance feed the rules: re-evaluate with the change, and save both at once, holding the case
        // as a questionnaire answer's evaluation does, so that the two cannot add the same alert twice.
        await feedback.EvaluateAndSaveAsync(session.CaseId, ct).ConfigureAwait(false);
    }

    public async Task HandleAsync(Actor actor, CloseSessionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (_, session) = await db.LoadVisibleSessionAsync(actor, command.SessionId, ct).ConfigureAwait(false);
        switch (command.Status)
        {
            case SessionStatus.Cancelled: session.Cancel(command.Reason); break;
            case SessionStatus.NoShow: session.MarkNoShow(command.Reason); break;
            default: throw new DomainRuleException("status", "A session can be marked cancelled or no-show here.");
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }
}
