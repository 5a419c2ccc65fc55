using System.Linq.Expressions;
using System.Reflection;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>A staff member's report. The case and the person it concerns are optional.</summary>
public sealed record ReportIncidentCommand(Guid? CaseId, Guid? ConcernsStaffId, IncidentCategory Category, string Narrative);

/// <summary>Text appended to an incident, or a supervisor's response or closing words.</summary>
public sealed record IncidentTextCommand(string Text);

/// <summary>An incident in a list.</summary>
public sealed record IncidentSummary(Guid Id, IncidentCategory Category, string CategoryName, Guid? CaseId, string? CaseName, string? Concerns,
    string Reporter, DateTime ReportedAt, IncidentStatus Status);

/// <summary>An entry of an incident.</summary>
public sealed record IncidentEntryView(IncidentEntryKind Kind, string Text, string By, DateTime At);

/// <summary>An incident with its narrative and everything appended, for those who may read it.</summary>
public sealed record IncidentDetails(IncidentSummary Summary, string Narrative, IReadOnlyList<IncidentEntryView> Entries, bool CanRespond);

/// <summary>
/// Red lights. Who may read an incident: the supervisors responsible for it (the current supervisors of the staff member
/// it concerns; when it concerns nobody, those of the case's therapists, or of the reporter when there is no case) and
/// the staff member who reported it. The staff member it concerns never sees it, whatever their roles. The agency's
/// admins are told that an incident was reported (category and case), never what it says. Anything else answers
/// "not found".
/// </summary>
public sealed class IncidentWork(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The notification kind of incidents.</summary>
    public const string NotificationKind = "incident";

    /// <summary>How a family member's report is named to staff.</summary>
    public const string FamilyReporter = "a family member, through their questionnaire link";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>A staff member reports an incident; supervisors and admins are told at once.</summary>
    public async Task<Guid> ReportAsync(Actor actor, ReportIncidentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        Case? family = null;
        if (command.CaseId is { } caseId)
            family = await db.VisibleCases(actor).SingleOrDefaultAsync(c => c.Id == caseId, ct).ConfigureAwait(false)
                ?? throw new DomainRuleException("caseId", "Choose a family you work with, or leave the family out.");
        if (command.ConcernsStaffId is { } concerned
            && !await db.Users.AnyAsync(u => u.Id == concerned && u.AgencyId == actor.AgencyId, ct).ConfigureAwait(false))
            throw new DomainRuleException("concernsStaffId", "Choose a member of staff of your agency, or nobody.");
        var incident = Incident.ReportByStaff(actor.AgencyId, family, command.ConcernsStaffId, command.Category, command.Narrative, actor.StaffId, Now);
        db.Incidents.Add(incident);
        await NotifyAsync(incident, family, ct).ConfigureAwait(false);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return incident.Id;
    }

    /// <summary>
    /// A family member reports through their questionnaire link (the caller has found the link and acts for its agency
    /// as that member). Unless they say otherwise, it concerns the family's therapist.
    /// </summary>
    public async Task<Guid> ReportByFamilyAsync(QuestionnaireLink link, IncidentCategory category, string narrative, bool aboutSomeoneElse, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(link);
        var family = await db.Cases.Include(c => c.Members).SingleAsync(c => c.Id == link.CaseId, ct).ConfigureAwait(false);
        var incident = Incident.ReportByFamily(family, link.MemberId, category, narrative, !aboutSomeoneElse, Now);
        db.Incidents.Add(incident);
        await NotifyAsync(incident, family, ct).ConfigureAwait(false);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return incident.Id;
    }

    /// <summary>The incidents the actor may read, open ones first.</summary>
    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var incidents = await Readable(actor).AsNoTracking().OrderBy(i => i.Status).ThenByDescending(i => i.ReportedAt).Take(500).ToListAsync(ct).ConfigureAwait(false);
        return await SummariesAsync(actor, incidents, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// For an admin: every incident of the agency with its category, case, status and date, and nothing of what it says
    /// or who it concerns.
    /// </summary>
    public async Task<IReadOnlyList<IncidentSummary>> AgencyOverviewAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin) throw new RecordNotFoundException();
        var rows = await db.Incidents.AsNoTracking().Where(i => i.AgencyId == actor.AgencyId)
            .OrderBy(i => i.Status).ThenByDescending(i => i.ReportedAt).Take(500)
            .Select(i => new { i.Id, i.Category, i.CaseId, i.ReportedAt, i.Status })
            .ToListAsync(ct).ConfigureAwait(false);
        var caseIds = rows.Where(r => r.CaseId != null).Select(r => r.CaseId!.Value).Distinct().ToList();
        var names = await db.Cases.Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct).ConfigureAwait(false);
        return rows.Select(r => new IncidentSummary(r.Id, r.Category, IncidentWords.Say(r.Category), r.CaseId,
            r.CaseId is { } c ? names.GetValueOrDefault(c) : null, null, "—", r.ReportedAt, r.Status)).ToList();
    }

    /// <summary>The incidents on one family that the actor may read.</summary>
    public async Task<IReadOnlyList<IncidentSummary>> ForCaseAsync(Actor actor, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var incidents = await ForCase.For(db)[ReadRule(actor)](db, actor.AgencyId, actor.StaffId, DateTime.UtcNow, caseId).ToListAsync(ct).ConfigureAwait(false);
        return await SummariesAsync(actor, incidents, ct).ConfigureAwait(false);
    }

    /// <summary>One incident with its narrative and entries.</summary>
    public async Task<IncidentDetails> GetAsync(Actor actor, Guid incidentId, CancellationToken ct)
    {
        var incident = await LoadReadableAsync(actor, incidentId, ct).ConfigureAwait(false);
        var summary = (await SummariesAsync(actor, [incident], ct).ConfigureAwait(false))[0];
        var staff = await db.StaffNamesAsync(actor.AgencyId, incident.Entries.Where(e => e.ByStaffId != null).Select(e => e.ByStaffId!.Value), ct).ConfigureAwait(false);
        var entries = incident.Entries.OrderBy(e => e.At)
            .Select(e => new IncidentEntryView(e.Kind, e.Text ?? "", e.ByStaffId is { } s ? staff.GetValueOrDefault(s, "—") : "family member", e.At)).ToList();
        return new IncidentDetails(summary, incident.Narrative ?? "", entries, await IsResponsibleAsync(actor, incident, ct).ConfigureAwait(false));
    }

    /// <summary>Appends a follow-up or a correction (the reporter or a responsible supervisor).</summary>
    public async Task AppendAsync(Actor actor, Guid incidentId, IncidentEntryKind kind, IncidentTextCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var incident = await LoadReadableAsync(actor, incidentId, ct).ConfigureAwait(false);
        db.IncidentEntries.Add(incident.Append(kind, command.Text, actor.StaffId, Now));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The responsible supervisor records their response.</summary>
    public async Task RespondAsync(Actor actor, Guid incidentId, IncidentTextCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var incident = await LoadResponsibleAsync(actor, incidentId, ct).ConfigureAwait(false);
        db.IncidentEntries.Add(incident.Respond(command.Text, actor.StaffId, Now));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The responsible supervisor closes the incident, after their response.</summary>
    public async Task CloseAsync(Actor actor, Guid incidentId, IncidentTextCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var incident = await LoadResponsibleAsync(actor, incidentId, ct).ConfigureAwait(false);
        db.IncidentEntries.Add(incident.Close(command.Text, actor.StaffId, Now));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The incidents that concern the staff member, so that other views (the audit search) can leave their traces out.</summary>
    public static IQueryable<Guid> ConcerningIds(AllianceDbContext db, Guid staffId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Incidents.Where(i => i.ConcernsStaffId == staffId).Select(i => i.Id);
    }

    /// <summary>The incidents the actor may read: responsible supervisors and the reporter, never the person concerned.</summary>
    public IQueryable<Incident> Readable(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return db.Incidents.Where(QueryRules.Bind(ReadRule(actor), db, actor.AgencyId, actor.StaffId, DateTime.UtcNow));
    }

    private static Expression<Func<AllianceDbContext, Incident, Guid, Guid, DateTime, bool>> ReadRule(Actor actor) =>
        actor.IsSupervisor ? SupervisorMayRead : ReporterMayRead;

    /// <summary>Stands for the rule in a query compiled for each rule (<see cref="ForCase"/>); never called.</summary>
    private static readonly Func<AllianceDbContext, Incident, Guid, Guid, DateTime, bool> MayRead =
        (_, _, _, _, _) => throw new InvalidOperationException("IncidentWork.MayRead stands for the reading rule in a compiled query; it is never called.");

    /// <summary>Anyone reads what they reported, unless it concerns them.</summary>
    private static readonly Expression<Func<AllianceDbContext, Incident, Guid, Guid, DateTime, bool>> ReporterMayRead = (db, i, agency, me, now) =>
        i.AgencyId == agency && (i.ConcernsStaffId == null || i.ConcernsStaffId != me) && i.ReportedByStaffId == me;

    /// <summary>
    /// A supervisor also reads, unless it concerns them, what concerns a current supervisee, what is about a case a
    /// supervisee holds, and what a supervisee reported about no one and no case.
    /// </summary>
    private static readonly Expression<Func<AllianceDbContext, Incident, Guid, Guid, DateTime, bool>> SupervisorMayRead = QueryRules.Rule<Incident>((db, i, agency, me, now) =>
        i.AgencyId == agency && (i.ConcernsStaffId == null || i.ConcernsStaffId != me)
        && (i.ReportedByStaffId == me
            || (i.ConcernsStaffId != null && QueryRules.Supervisees(db, agency, me).Contains(i.ConcernsStaffId.Value))
            || (i.ConcernsStaffId == null && i.CaseId != null && db.Cases.Any(c => c.Id == i.CaseId
                && (QueryRules.Supervisees(db, agency, me).Contains(c.PrimaryTherapistId)
                    || (c.CoTherapistId != null && QueryRules.Supervisees(db, agency, me).Contains(c.CoTherapistId.Value)))))
            || (i.ConcernsStaffId == null && i.CaseId == null && i.ReportedByStaffId != null
                && QueryRules.Supervisees(db, agency, me).Contains(i.ReportedByStaffId.Value))));

    /// <summary>A case's incidents the actor may read, newest first, compiled once for each rule (read for every case page).</summary>
    private static readonly PerModel<Dictionary<Expression<Func<AllianceDbContext, Incident, Guid, Guid, DateTime, bool>>, Func<AllianceDbContext, Guid, Guid, DateTime, Guid, IAsyncEnumerable<Incident>>>> ForCase = new(() =>
    {
        Expression<Func<AllianceDbContext, Guid, Guid, DateTime, Guid, IQueryable<Incident>>> query = (db, agency, me, now, caseId) =>
            db.Incidents.AsNoTracking().Where(i => MayRead(db, i, agency, me, now) && i.CaseId == caseId).OrderByDescending(i => i.ReportedAt);
        var standIn = typeof(IncidentWork).GetField(nameof(MayRead), BindingFlags.NonPublic | BindingFlags.Static)!;
        return new[] { ReporterMayRead, SupervisorMayRead }.ToDictionary(rule => rule, rule => EF.CompileAsyncQuery(QueryRules.Inline(query, standIn, rule)));
    });

    private async Task<Incident> LoadReadableAsync(Actor actor, Guid incidentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await Readable(actor).Include(i => i.Entries).SingleOrDefaultAsync(i => i.Id == incidentId, ct).ConfigureAwait(false)
            ?? throw new RecordNotFoundException();
    }

    private async Task<Incident> LoadResponsibleAsync(Actor actor, Guid incidentId, CancellationToken ct)
    {
        var incident = await LoadReadableAsync(actor, incidentId, ct).ConfigureAwait(false);
        if (!await IsResponsibleAsync(actor, incident, ct).ConfigureAwait(false))
            throw new DomainRuleException("incident", "Only the supervisor responsible for this report records the response and closes it.");
        return incident;
    }

    private async Task<bool> IsResponsibleAsync(Actor actor, Incident incident, CancellationToken ct) =>
        actor.IsSupervisor && (await SupervisorsForAsync(incident, ct).ConfigureAwait(false)).Contains(actor.StaffId);

    /// <summary>
    /// The supervisors responsible: those of the person it concerns; when it concerns nobody, those of the case's
    /// therapists, or of the reporter. The person concerned is never among them.
    /// </summary>
    private async Task<HashSet<Guid>> SupervisorsForAsync(Incident incident, CancellationToken ct)
    {
        var about = new List<Guid>();
        if (incident.ConcernsStaffId is { } concerned) about.Add(concerned);
        else if (incident.CaseId is { } caseId)
        {
            var c = await db.Cases.Where(x => x.Id == caseId).Select(x => new { x.PrimaryTherapistId, x.CoTherapistId }).SingleAsync(ct).ConfigureAwait(false);
            about.Add(c.PrimaryTherapistId);
            if (c.CoTherapistId is { } co) about.Add(co);
        }
        else if (incident.ReportedByStaffId is { } reporter) about.Add(reporter);
        var supervisors = await db.SupervisionLines
            .Where(l => l.AgencyId == incident.AgencyId && l.EndedAt == null && about.Contains(l.SuperviseeId))
            .Select(l => l.SupervisorId).Distinct().ToListAsync(ct).ConfigureAwait(false);
        supervisors.RemoveAll(s => s == incident.ConcernsStaffId);
        return supervisors.ToHashSet();
    }

    /// <summary>
    /// Tells the responsible supervisors at once (high priority, in their inbox) and the agency's admins that an incident
    /// was reported, with its category and family and without its words. The person it concerns is not told here.
    /// </summary>
    private async Task NotifyAsync(Incident incident, Case? family, CancellationToken ct)
    {
        var now = Now;
        var what = IncidentWords.Say(incident.Category);
        var where = family is null ? "" : $" concerning the {family.Name} case";
        var by = incident.ReportedByFamily ? " by a family member" : "";
        var supervisors = await SupervisorsForAsync(incident, ct).ConfigureAwait(false);
        foreach (var supervisor in supervisors)
            db.Notifications.Add(new Notification(incident.AgencyId, supervisor, NotificationKind,
                $"High priority: an incident ({what}) was reported{by}{where}. Read it and respond under Supervision, Incidents.", null, now));
        var adminRole = await db.Roles.Where(r => r.Name == StaffRoles.Admin).Select(r => r.Id).SingleOrDefaultAsync(ct).ConfigureAwait(false);
        var admins = await db.Users.Where(u => u.AgencyId == incident.AgencyId && u.IsActive && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRole))
            .Select(u => u.Id).ToListAsync(ct).ConfigureAwait(false);
        foreach (var admin in admins.Where(a => a != incident.ConcernsStaffId))
            db.Notifications.Add(new Notification(incident.AgencyId, admin, NotificationKind,
                supervisors.Count > 0
                    ? $"An incident was reported: {what}{(family is null ? "" : $", {family.Name} case")}. Its supervisor has been told; what it says is kept for them."
                    : $"An incident was reported: {what}{(family is null ? "" : $", {family.Name} case")}. No supervisor is set up for it: set up supervision now so that someone can read it and respond.",
                null, now));
    }

    private async Task<IReadOnlyList<IncidentSummary>> SummariesAsync(Actor actor, IReadOnlyList<Incident> incidents, CancellationToken ct)
    {
        var caseIds = incidents.Where(i => i.CaseId != null).Select(i => i.CaseId!.Value).Distinct().ToList();
        var names = caseIds.Count == 0 ? [] : await db.Cases.Where(c => caseIds.Contains(c.Id)).Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct).ConfigureAwait(false);
        var staffIds = incidents.SelectMany(i => new[] { i.ConcernsStaffId, i.ReportedByStaffId }).Where(s => s != null).Select(s => s!.Value);
        var staff = await db.StaffNamesAsync(actor.AgencyId, staffIds, ct).ConfigureAwait(false);
        return incidents.Select(i => new IncidentSummary(i.Id, i.Category, IncidentWords.Say(i.Category), i.CaseId,
            i.CaseId is { } c ? names.GetValueOrDefault(c) : null,
            i.ConcernsStaffId is { } s ? staff.GetValueOrDefault(s, "—") : null,
            i.ReportedByMemberId is not null ? FamilyReporter : i.ReportedByStaffId is { } r ? staff.GetValueOrDefault(r, "—") : "—",
            i.ReportedAt, i.Status)).ToList();
    }
}
