using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>
/// A yellow light: a sign worth reflecting on that a professional boundary may be under strain. It names the family
/// (when it concerns one), when it was seen, the evidence, a plain explanation and what to consider. It is a prompt for
/// reflection and supervision, never a finding.
/// </summary>
public sealed record YellowLight(Guid TherapistId, string Kind, string Title, Guid? CaseId, string? CaseName, DateTime At,
    string Evidence, string Explanation, string Consider, bool SupervisorOnly = false);

/// <summary>
/// Detectors that need more than the stored alerts: the selection comparison over intake decisions, contact details
/// written in notes and contact summaries, sessions more frequent or longer than the treatment plan, a family's share of
/// the therapist's hours against clinical need, and contact outside the agency's own hours. They plug in here; with
/// none registered, the yellow lights come from the stored alerts and the self-check patterns.
/// </summary>
public interface IBoundaryDetectors
{
    /// <summary>What the detectors find for the therapists, up to now.</summary>
    Task<IReadOnlyList<YellowLight>> FindAsync(Guid agencyId, IReadOnlyCollection<Guid> therapists, CancellationToken ct);
}

/// <summary>One supervisee's yellow lights, counted by month (oldest first).</summary>
public sealed record SuperviseeLights(Guid TherapistId, string Therapist, IReadOnlyList<MonthCount> ByMonth, IReadOnlyList<YellowLight> Recent);

/// <summary>How many in one month.</summary>
public sealed record MonthCount(DateOnly Month, int Count);

/// <summary>
/// Gathers a therapist's yellow lights: from the feedback engine's stored alerts (session overruns, contact on personal
/// channels, contact out of hours, termination due, treatment prolonged), from the self-check patterns, and from the
/// detectors plugged in through <see cref="IBoundaryDetectors"/>.
/// </summary>
public sealed class YellowLights(AllianceDbContext db, SelfCheckWork selfChecks, TimeProvider clock, IEnumerable<IBoundaryDetectors> detectors)
{
    /// <summary>
    /// The alert kinds that are yellow lights, with their title, explanation and what to consider. Contact out of hours is
    /// not among them: the detectors judge it by the agency's own days and hours rather than the feedback rules' fixed ones.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Title, string Explanation)> AlertKinds = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["session-overrun"] = ("Sessions running over", "Sessions that run well past their time can be a first sign of time given beyond what the work needs."),
        ["personal-contact"] = ("Contact on a personal channel", "Contact through a personal phone, email, messages or social media, or meeting outside the setting, blurs the line between the therapeutic and the personal relationship."),
        ["termination-due"] = ("Ending may be due", "The family's scores suggest the work may have done what it set out to do; continuing past that point deserves a clear reason."),
        ["treatment-prolonged"] = ("Longer than expected", "Care has gone on well beyond what is usual for a family like this one."),
    };

    /// <summary>A therapist's own yellow lights, newest first.</summary>
    public async Task<IReadOnlyList<YellowLight>> ForTherapistAsync(Guid agencyId, Guid therapistId, bool forSupervisor, CancellationToken ct)
    {
        var lights = await GatherAsync(agencyId, [therapistId], ct).ConfigureAwait(false);
        return lights.Where(l => forSupervisor || !l.SupervisorOnly).OrderByDescending(l => l.At).ToList();
    }

    /// <summary>Yellow lights of each supervisee, counted by month over the last <paramref name="months"/> months.</summary>
    public async Task<IReadOnlyList<SuperviseeLights>> BySuperviseeAsync(Actor actor, int months, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var supervisees = await db.SupervisionLines.Where(l => l.SupervisorId == actor.StaffId && l.EndedAt == null && l.AgencyId == actor.AgencyId)
            .Select(l => l.SuperviseeId).Distinct().ToListAsync(ct).ConfigureAwait(false);
        var names = await db.StaffNamesAsync(actor.AgencyId, supervisees, ct).ConfigureAwait(false);
        var lights = await GatherAsync(actor.AgencyId, supervisees, ct).ConfigureAwait(false);
        var agency = await db.AgencyAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var local = agency.ToLocal(clock.GetUtcNow().UtcDateTime);
        var last = new DateOnly(local.Year, local.Month, 1);
        var window = Enumerable.Range(0, months).Select(i => last.AddMonths(i - months + 1)).ToList();
        return supervisees.Select(id =>
        {
            var mine = lights.Where(l => l.TherapistId == id).ToList();
            var counts = window.Select(m => new MonthCount(m, mine.Count(l => MonthOf(agency, l.At) == m))).ToList();
            return new SuperviseeLights(id, names.GetValueOrDefault(id, "—"), counts, mine.OrderByDescending(l => l.At).Take(20).ToList());
        }).OrderBy(s => s.Therapist, StringComparer.CurrentCulture).ToList();
    }

    private static DateOnly MonthOf(Agency agency, DateTime utc)
    {
        var l = agency.ToLocal(utc);
        return new DateOnly(l.Year, l.Month, 1);
    }

    private async Task<List<YellowLight>> GatherAsync(Guid agencyId, IReadOnlyCollection<Guid> therapists, CancellationToken ct)
    {
        var kinds = AlertKinds.Keys.ToList();
        var alerts = await db.Alerts.AsNoTracking()
            .Where(a => a.AgencyId == agencyId && kinds.Contains(a.Kind) && a.Status != AlertStatus.Withdrawn)
            .Join(db.Cases.Where(c => therapists.Contains(c.PrimaryTherapistId)), a => a.CaseId, c => c.Id,
                (a, c) => new { c.PrimaryTherapistId, CaseName = c.Name, a.CaseId, a.Kind, a.CreatedAt, a.Message, a.ConsiderNext })
            .OrderByDescending(a => a.CreatedAt).Take(2000)
            .ToListAsync(ct).ConfigureAwait(false);
        var lights = alerts.Select(a => new YellowLight(a.PrimaryTherapistId, a.Kind, AlertKinds[a.Kind].Title, a.CaseId, a.CaseName, a.CreatedAt,
            a.Message, AlertKinds[a.Kind].Explanation, a.ConsiderNext)).ToList();

        var month = await selfChecks.ThisMonthAsync(agencyId, ct).ConfigureAwait(false);
        foreach (var p in await selfChecks.PatternsAsync(therapists, month, ct).ConfigureAwait(false))
        {
            var at = p.Months[^1].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            lights.Add(new YellowLight(p.TherapistId, "self-check-pattern", "A family that keeps coming up", p.CaseId, p.CaseName, at,
                $"Your self-checks named this family in {string.Join(", ", p.Months.Select(m => m.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)))}.",
                "When the same family keeps coming to mind in your own reflections, it is worth talking through before it shapes the work.",
                "Raise it in your next supervision, or ask your supervisor now."));
        }
        foreach (var d in detectors)
            lights.AddRange(await d.FindAsync(agencyId, therapists, ct).ConfigureAwait(false));
        return lights;
    }
}
