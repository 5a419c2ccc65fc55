using Alliance.Domain;
using Alliance.Web.Features.Sessions;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Cases;

/// <summary>One family: members, the episode and where it stands, sessions, and what can be done next.</summary>
public sealed class DetailsModel(GetCase getCase, ChangeCase change, SessionWork sessions, Alliance.Data.AllianceDbContext db, Admin.BreakGlass breakGlass, Alerts.AlertWork alerts, Scores.GetScores scores) : AlliancePage
{
    public sealed class MemberInput
    {
        public string DisplayName { get; set; } = "";
        public FamilyRole Role { get; set; } = FamilyRole.Child;
        public int? BirthYear { get; set; }
    }

    public sealed class TransferInput
    {
        public Guid TherapistId { get; set; }
        public string Reason { get; set; } = "";
    }

    [FromRoute] public Guid Id { get; set; }

    /// <summary>How many of the episode's held or closed sessions the page lists unless all are asked for.</summary>
    public const int LatestSessions = 12;

    /// <summary>"all" to list every session of the episode.</summary>
    [FromQuery(Name = "sessions")] public string? Sessions { get; set; }

    /// <summary>The sessions the page lists, in order: every booked one and the latest held or closed ones (all when asked).</summary>
    public IReadOnlyList<SessionView> SessionsShown(IReadOnlyList<SessionView> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        if (string.Equals(Sessions, "all", StringComparison.OrdinalIgnoreCase)) return sessions;
        var latest = sessions.Where(s => s.Status != SessionStatus.Scheduled).OrderByDescending(s => s.Number).Take(LatestSessions).Select(s => s.Id).ToHashSet();
        return sessions.Where(s => s.Status == SessionStatus.Scheduled || latest.Contains(s.Id)).ToList();
    }
    public CaseDetails Case { get; private set; } = null!;
    public LocalTime Time { get; private set; } = null!;
    public MemberInput Member { get; set; } = new();
    public TransferInput Transfer { get; set; } = new();
    public bool CanTransfer { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Therapists { get; private set; } = [];
    public string? Open { get; private set; }
    public DateTime? GlassUntil { get; private set; }
    public IReadOnlyList<Alerts.AlertView> Alerts { get; private set; } = [];
    /// <summary>The family's scores as read for this page; the section is laid out only when its key is not kept (see the page).</summary>
    public Scores.GetScores.ScoresSection Scores { get; private set; } = null!;
    /// <summary>The family as read for this page (for its sections).</summary>
    public Case Family { get; private set; } = null!;
    /// <summary>The agency as read for this page.</summary>
    public Agency Agency { get; private set; } = null!;
    public bool ReadOnly => GlassUntil is not null;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostMemberAsync([FromForm(Name = "Member")] MemberInput input, CancellationToken ct)
    {
        Member = input;
        if (await TryAsync(() => change.HandleAsync(Actor, new AddMemberCommand(Id, input.DisplayName, input.Role, input.BirthYear), ct), "Member"))
            return Done($"{input.DisplayName.Trim()} was added to the family.");
        Open = "member";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostReopenAsync(string reason, CancellationToken ct)
    {
        if (await TryAsync(() => change.HandleAsync(Actor, new ReopenCaseCommand(Id, reason), ct), "Reopen"))
            return Done("A new episode was opened at referral.");
        Open = "reopen";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTransferAsync([FromForm(Name = "Transfer")] TransferInput input, CancellationToken ct)
    {
        Transfer = input;
        if (await TryAsync(() => change.HandleAsync(Actor, new TransferCaseCommand(Id, input.TherapistId, input.Reason), ct), "Transfer"))
        {
            Flash("The case was moved.");
            // The supervisor keeps access while the new therapist is also their supervisee; otherwise back to the overview.
            return await db.Cases.AnyAsync(c => c.Id == Id, ct) ? RedirectToPage(new { Id }) : Redirect("/supervision");
        }
        Open = "transfer";
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCloseSessionAsync(Guid sessionId, SessionStatus status, CancellationToken ct)
    {
        if (await TryAsync(() => sessions.HandleAsync(Actor, new CloseSessionCommand(sessionId, status, null), ct), null))
            return Done(status == SessionStatus.NoShow ? "The session was marked as a no-show." : "The session was cancelled.");
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Acknowledges an alert, or a group of alerts of one kind about one member shown together.</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync([FromForm(Name = "alertId")] List<Guid> alertIds, CancellationToken ct)
    {
        if (await TryAsync(() => alerts.AcknowledgeAsync(Actor, alertIds, ct), null))
            return Done(alertIds.Count > 1 ? $"{alertIds.Count} alerts acknowledged." : "Alert acknowledged.");
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Resolves an alert, or a group of alerts of one kind about one member shown together, with one note.</summary>
    public async Task<IActionResult> OnPostResolveAsync([FromForm(Name = "alertId")] List<Guid> alertIds, string note, CancellationToken ct)
    {
        if (await TryAsync(() => alerts.ResolveAsync(Actor, alertIds, note, ct), null))
            return Done(alertIds.Count > 1 ? $"{alertIds.Count} alerts resolved." : "Alert resolved.");
        await LoadAsync(ct);
        return Page();
    }

    private RedirectToPageResult Done(string message)
    {
        Flash(message);
        return RedirectToPage(new { Id });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        // The case is read once; its sections build on that read.
        var read = await getCase.ReadWithAlertsAsync(Actor, Id, ct);
        Case = read.Details;
        Family = read.Family;
        Agency = read.Agency;
        Time = new LocalTime(Case.TimeZoneId);
        Scores = await scores.ReadAsync(read.Family, read.Agency.TimeZoneId, read.Alerts, ct);
        if (!Actor.IsTherapist && !Actor.IsSupervisor) GlassUntil = await breakGlass.CurrentGrantAsync(Actor, Id, ct);
        Alerts = Features.Alerts.AlertWork.ViewsOf(read.Family, read.Alerts);
        CanTransfer = Actor.IsSupervisor && await db.SupervisionLines.AnyAsync(l => l.SupervisorId == Actor.StaffId && l.SuperviseeId == Case.PrimaryTherapistId && l.EndedAt == null, ct);
        if (CanTransfer)
        {
            var therapistRole = await db.Roles.Where(r => r.Name == StaffRoles.Therapist).Select(r => r.Id).SingleAsync(ct);
            Therapists = (await db.Users
                .Where(u => u.AgencyId == Actor.AgencyId && u.IsActive && u.Id != Case.PrimaryTherapistId && db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == therapistRole))
                .OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
                .Select(u => (u.Id, u.DisplayName)).ToList();
        }
    }
}
