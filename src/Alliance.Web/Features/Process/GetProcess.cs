using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Application.Episodes;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Process;

/// <summary>A family's current episode with everything the process pages show.</summary>
public sealed class CaseProcess(Case c, Agency agency, OrientationText text, ProcessView view, IReadOnlyDictionary<Guid, string> staff, int year)
{
    /// <summary>The family.</summary>
    public Case Case { get; } = c;
    /// <summary>The current episode.</summary>
    public Episode Episode => Case.CurrentEpisode;
    /// <summary>The agency.</summary>
    public Agency Agency { get; } = agency;
    /// <summary>The agency's current orientation text.</summary>
    public OrientationText Text { get; } = text;
    /// <summary>Steps, next step and reminders.</summary>
    public ProcessView View { get; } = view;
    /// <summary>The agency's local year (children are told apart by it).</summary>
    public int Year { get; } = year;
    /// <summary>Times in the agency's zone.</summary>
    public LocalTime Time { get; } = new(agency.TimeZoneId);

    /// <summary>A staff member's name.</summary>
    public string Name(Guid staffId) => staff.GetValueOrDefault(staffId, "former staff member");

    /// <summary>A member's name.</summary>
    public string MemberName(Guid memberId) => Case.Members.FirstOrDefault(m => m.Id == memberId)?.DisplayName ?? "former member";

    /// <summary>The members in family order.</summary>
    public IEnumerable<Member> Members => Case.Members.OrderBy(m => m.Position);

    /// <summary>Adult parents and caregivers: those who may consent for a child.</summary>
    public IEnumerable<Member> Guardians => Members.Where(m => m.Role is FamilyRole.Parent or FamilyRole.Caregiver && !m.IsChildIn(Year));

    /// <summary>Where a member stands with the orientation.</summary>
    public MemberOrientation OrientationOf(Member m) => Episode.OrientationOf(m.Id, Text.Version);

    /// <summary>The held and planned sessions of the episode, newest first.</summary>
    public IEnumerable<Session> Sessions => Episode.Sessions.Where(s => s.Status is SessionStatus.Held or SessionStatus.Scheduled).OrderByDescending(s => s.StartsAt);
}

/// <summary>Reads a family's process for the case page and the process pages; the read is audited like the case page.</summary>
public sealed class GetProcess(AllianceDbContext db, OrientationTexts texts, AuditReads reads, TimeProvider clock)
{
    /// <summary>The termination-due alert's kind, which proposes planning the ending.</summary>
    public const string TerminationDue = "termination-due";

    public async Task<CaseProcess> HandleAsync(Actor actor, Guid caseId, CancellationToken ct, CasePurpose purpose = CasePurpose.Read)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var c = await db.LoadVisibleCaseAsync(actor, caseId, ct, purpose).ConfigureAwait(false);
        reads.Record(db, c.AgencyId, "case", c.Id, c.Id);
        var agency = await db.LoadAgencyAsync(actor, ct).ConfigureAwait(false);
        return await ForAsync(actor, c, agency, ct).ConfigureAwait(false);
    }

    /// <summary>The process of a case already loaded through the care relationship, in its agency.</summary>
    public async Task<CaseProcess> ForAsync(Actor actor, Case c, Agency agency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(c);
        var due = await TerminationIsDueAsync(db, c.Id, ct).ConfigureAwait(false);
        var staff = await db.StaffNamesAsync(actor.AgencyId, StaffShown(c), ct).ConfigureAwait(false);
        return await ForAsync(c, agency, due, staff, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The process of a case already loaded through the care relationship, when the caller has read whether termination
    /// is due and the names of <see cref="StaffShown"/> already.
    /// </summary>
    public async Task<CaseProcess> ForAsync(Case c, Agency agency, bool terminationDue, IReadOnlyDictionary<Guid, string> staff, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(agency);
        var text = await texts.CurrentAsync(agency.Id, ct).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        var view = ProcessGuide.For(c.CurrentEpisode, new ProcessSettings(text.Version, agency.ReviewEverySessions, agency.OffersFollowUp, terminationDue), now);
        return new CaseProcess(c, agency, text, view, staff, agency.ToLocal(now).Year);
    }

    /// <summary>Whether an active alert says termination is due.</summary>
    public static bool TerminationIsDue(IEnumerable<Alert> alerts) => alerts.Any(a => a.Kind == TerminationDue && a.IsActive);

    /// <summary>Whether an active alert of the case says termination is due, asked of the database.</summary>
    public static Task<bool> TerminationIsDueAsync(AllianceDbContext db, Guid caseId, CancellationToken ct) =>
        db.Alerts.AnyAsync(a => a.CaseId == caseId && a.Kind == TerminationDue && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged), ct);

    /// <summary>The staff the process pages name: the therapists and whoever recorded agreements, overrides, goals and reviews.</summary>
    public static IEnumerable<Guid> StaffShown(Case c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var episode = c.CurrentEpisode;
        var ids = new List<Guid> { c.PrimaryTherapistId };
        if (c.CoTherapistId is { } co) ids.Add(co);
        ids.AddRange(episode.Agreements.Select(a => a.RecordedBy));
        ids.AddRange(episode.Overrides.Select(o => o.By));
        ids.AddRange(episode.Goals.Select(g => g.CreatedBy));
        ids.AddRange(episode.Reviews.Select(r => r.By));
        return ids;
    }

    /// <summary>Where the next step is done, for the case page's button.</summary>
    public static (string Href, string Label)? Link(Guid caseId, NextAction action) => action switch
    {
        NextAction.ScheduleFirstVisit => ($"/cases/{caseId}/sessions/new", "Book the first visit"),
        NextAction.ScheduleSession => ($"/cases/{caseId}/sessions/new", "Book the next session"),
        NextAction.Orient or NextAction.HoldFirstVisit => ($"/cases/{caseId}/orientation", "Go through the orientation"),
        NextAction.RecordGoals or NextAction.RecordPlan => ($"/cases/{caseId}/goals", "Goals and plan"),
        NextAction.StartActiveWork => ($"/cases/{caseId}/orientation#begin", "Begin the active work"),
        NextAction.Review => ($"/cases/{caseId}/review", "Review the work"),
        NextAction.PlanEnding or NextAction.CompleteEndingChecklist or NextAction.Close => ($"/cases/{caseId}/ending", "Plan the ending"),
        _ => null,
    };
}
