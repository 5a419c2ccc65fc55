using Alliance.Application;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Cases;

/// <summary>A case as a therapist reads it.</summary>
public sealed record CaseDetails(
    Guid Id,
    string Name,
    Guid PrimaryTherapistId,
    string PrimaryTherapist,
    Guid? CoTherapistId,
    string? CoTherapist,
    IReadOnlyList<MemberView> Members,
    EpisodeView Episode,
    IReadOnlyList<EpisodeView> EarlierEpisodes,
    IReadOnlyList<AssignmentView> Assignments,
    string TimeZoneId,
    [property: System.Text.Json.Serialization.JsonIgnore] Process.CaseProcess Process);

public sealed record MemberView(Guid Id, string DisplayName, FamilyRole Role, int? BirthYear, int? Age, bool IsChild);

public sealed record EpisodeView(Guid Id, int Number, EpisodePhase Phase, string PhaseName, DateTime OpenedAt, DateTime? ClosedAt,
    IReadOnlyList<PhaseChangeView> PhaseChanges, IReadOnlyList<SessionView> Sessions);

public sealed record PhaseChangeView(EpisodePhase? From, EpisodePhase To, DateTime At, string By, string Reason);

public sealed record AssignmentView(string From, string To, DateTime At, string By, string Reason);

public sealed record SessionView(Guid Id, int Number, SessionStatus Status, DateTime ScheduledStart, int ScheduledMinutes,
    DateTime? ActualStart, DateTime? ActualEnd, int? ActualMinutes, Modality? Modality, string Therapist,
    IReadOnlyList<Guid> AttendeeIds, string? Notes, string? StatusReason);

/// <summary>
/// A case read once for its page: the view, the loaded family, its agency and its alerts (newest first), so the page's
/// sections build on one read instead of each reading the case again.
/// </summary>
public sealed record CaseRead(CaseDetails Details, Case Family, Agency Agency, IReadOnlyList<Alert> Alerts);

/// <summary>Reads one case the actor may see.</summary>
public sealed class GetCase(AllianceDbContext db, TimeProvider clock, Alliance.Application.Auditing.AuditReads reads, Process.GetProcess process, CaseReadCache cases)
{
    /// <summary>The most alerts a case page lists.</summary>
    public const int AlertsShown = 500;

    /// <summary>A case's latest alerts, newest first (compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, IAsyncEnumerable<Alert>>> Latest =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId) =>
            db.Alerts.AsNoTracking().Where(a => a.CaseId == caseId).OrderByDescending(a => a.CreatedAt).Take(AlertsShown)));

    public async Task<CaseDetails> HandleAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct, CasePurpose.Read, cases).ConfigureAwait(false);
        var due = await Process.GetProcess.TerminationIsDueAsync(db, c.Id, ct).ConfigureAwait(false);
        return (await ReadAsync(actor, c, due, [], ct).ConfigureAwait(false)).Details;
    }

    /// <summary>The case with its alerts, for the case page.</summary>
    public async Task<CaseRead> ReadWithAlertsAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct, CasePurpose.Read, cases).ConfigureAwait(false);
        var alerts = await Latest.For(db)(db, c.Id).ToListAsync(ct).ConfigureAwait(false);
        return await ReadAsync(actor, c, Process.GetProcess.TerminationIsDue(alerts), alerts, ct).ConfigureAwait(false);
    }

    private async Task<CaseRead> ReadAsync(Actor actor, Case c, bool terminationDue, IReadOnlyList<Alert> alerts, CancellationToken ct)
    {
        reads.Record(db, c.AgencyId, "case", c.Id, c.Id);
        var agency = await db.LoadAgencyAsync(actor, ct).ConfigureAwait(false);
        // Only the names the page shows: the therapists, who changed the phases, who held the sessions, who moved the
        // case, and those the process names.
        var staff = new List<Guid> { c.PrimaryTherapistId };
        if (c.CoTherapistId is { } coTherapist) staff.Add(coTherapist);
        staff.AddRange(c.Episodes.SelectMany(e => e.PhaseChanges).Select(p => p.ByStaffId));
        staff.AddRange(c.Episodes.SelectMany(e => e.Sessions).Select(s => s.TherapistId));
        staff.AddRange(c.Assignments.SelectMany(a => new[] { a.FromTherapistId, a.ToTherapistId, a.ByStaffId }));
        staff.AddRange(Process.GetProcess.StaffShown(c));
        var names = await db.StaffNamesAsync(actor.AgencyId, staff, ct).ConfigureAwait(false);
        string Name(Guid id) => names.GetValueOrDefault(id, "former staff member");
        var year = agency.ToLocal(clock.GetUtcNow().UtcDateTime).Year;
        var position = c.Members.ToDictionary(m => m.Id, m => m.Position);

        EpisodeView View(Episode e) => new(e.Id, e.Number, e.Phase, Episode.Describe(e.Phase), e.OpenedAt, e.ClosedAt,
            e.PhaseChanges.OrderBy(p => p.At).Select(p => new PhaseChangeView(p.From, p.To, p.At, Name(p.ByStaffId), p.Reason)).ToList(),
            e.Sessions.OrderBy(s => s.Number).Select(s => new SessionView(s.Id, s.Number, s.Status, s.ScheduledStart, s.ScheduledMinutes,
                s.ActualStart, s.ActualEnd, s.ActualMinutes, s.Modality, Name(s.TherapistId),
                s.Attendees.Select(a => a.MemberId).OrderBy(id => position.GetValueOrDefault(id)).ToList(), s.Notes, s.StatusReason)).ToList());

        var details = new CaseDetails(
            c.Id, c.Name, c.PrimaryTherapistId, Name(c.PrimaryTherapistId),
            c.CoTherapistId, c.CoTherapistId is { } co ? Name(co) : null,
            c.Members.OrderBy(m => m.Position).Select(m => new MemberView(m.Id, m.DisplayName, m.Role, m.BirthYear, m.AgeIn(year), m.IsChildIn(year))).ToList(),
            View(c.CurrentEpisode),
            c.Episodes.Where(e => e.Number != c.CurrentEpisode.Number).OrderByDescending(e => e.Number).Select(View).ToList(),
            c.Assignments.OrderBy(a => a.At).Select(a => new AssignmentView(Name(a.FromTherapistId), Name(a.ToTherapistId), a.At, Name(a.ByStaffId), a.Reason)).ToList(),
            agency.TimeZoneId,
            await process.ForAsync(c, agency, terminationDue, names, ct).ConfigureAwait(false));
        return new CaseRead(details, c, agency, alerts);
    }
}
