using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>One family's answers in a self-check.</summary>
public sealed record SelfCheckCaseAnswer(Guid CaseId, bool SharedOwnTroubles, bool Appearance, bool OutsideThoughts, bool ExtraTime, string? Note);

/// <summary>A family in the month's self-check, with the answers given so far this month.</summary>
public sealed record SelfCheckRow(Guid CaseId, string CaseName, SelfCheckCaseAnswer? Answer);

/// <summary>The month's self-check form and the patterns found.</summary>
public sealed record SelfCheckForm(DateOnly Month, bool Done, IReadOnlyList<SelfCheckRow> Rows, IReadOnlyList<PatternView> Patterns, int Times, int Window);

/// <summary>A recurring family, as the therapist and their supervisor see it: the family and the months, never the answers.</summary>
public sealed record PatternView(Guid TherapistId, Guid CaseId, string CaseName, IReadOnlyList<DateOnly> Months);

/// <summary>
/// The private monthly self-check. The answers are the therapist's alone: nobody else reads them, through any page or
/// the API. What reaches the supervisor is only a pattern: a family endorsed in enough of the recent months (the
/// agency's setting, 2 of the last 3 by default), named with its months.
/// </summary>
public sealed class SelfCheckWork(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The agency's boundary settings (the defaults until the admin changes them).</summary>
    public static async Task<BoundarySettings> SettingsAsync(AllianceDbContext db, Guid agencyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.BoundarySettings.SingleOrDefaultAsync(s => s.AgencyId == agencyId, ct).ConfigureAwait(false) ?? new BoundarySettings(agencyId);
    }

    /// <summary>This month in the agency's time zone.</summary>
    public async Task<DateOnly> ThisMonthAsync(Guid agencyId, CancellationToken ct)
    {
        var agency = await db.AgencyAsync(agencyId, ct).ConfigureAwait(false);
        var local = agency.ToLocal(clock.GetUtcNow().UtcDateTime);
        return new DateOnly(local.Year, local.Month, 1);
    }

    /// <summary>The form for this month: each family in active care with the therapist.</summary>
    public async Task<SelfCheckForm> FormAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var month = await ThisMonthAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var check = await db.SelfChecks.AsNoTracking().Include(s => s.Answers)
            .SingleOrDefaultAsync(s => s.TherapistId == actor.StaffId && s.Month == month, ct).ConfigureAwait(false);
        var cases = await ActiveCases(actor).Select(c => new { c.Id, c.Name }).OrderBy(c => c.Name).ToListAsync(ct).ConfigureAwait(false);
        var rows = cases.Select(c => new SelfCheckRow(c.Id, c.Name, check?.Answers.FirstOrDefault(a => a.CaseId == c.Id) is { } a
            ? new SelfCheckCaseAnswer(a.CaseId, a.SharedOwnTroubles, a.Appearance, a.OutsideThoughts, a.ExtraTime, a.Note) : null)).ToList();
        var settings = await SettingsAsync(db, actor.AgencyId, ct).ConfigureAwait(false);
        return new SelfCheckForm(month, check is not null, rows, await PatternsAsync([actor.StaffId], month, ct).ConfigureAwait(false),
            settings.SelfCheckTimes, settings.SelfCheckWindow);
    }

    /// <summary>Saves this month's answers (a second save in the month replaces the first).</summary>
    public async Task<IReadOnlyList<PatternView>> SaveAsync(Actor actor, IReadOnlyList<SelfCheckCaseAnswer> answers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(answers);
        var month = await ThisMonthAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var allowed = await ActiveCases(actor).Select(c => c.Id).ToListAsync(ct).ConfigureAwait(false);
        if (answers.Any(a => !allowed.Contains(a.CaseId)))
            throw new DomainRuleException("answers", "The self-check covers the families in your care.");
        var now = clock.GetUtcNow().UtcDateTime;
        var check = await db.SelfChecks.Include(s => s.Answers).SingleOrDefaultAsync(s => s.TherapistId == actor.StaffId && s.Month == month, ct).ConfigureAwait(false);
        if (check is null)
        {
            check = new SelfCheck(actor.AgencyId, actor.StaffId, month, now);
            db.SelfChecks.Add(check);
        }
        foreach (var a in answers)
            check.Answer(a.CaseId, a.SharedOwnTroubles, a.Appearance, a.OutsideThoughts, a.ExtraTime, a.Note, now);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return await PatternsAsync([actor.StaffId], month, ct).ConfigureAwait(false);
    }

    /// <summary>The patterns of the given therapists up to the month: family and months only.</summary>
    public async Task<IReadOnlyList<PatternView>> PatternsAsync(IReadOnlyCollection<Guid> therapists, DateOnly month, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(therapists);
        if (therapists.Count == 0) return [];
        var agencyId = await db.SelfChecks.Where(s => therapists.Contains(s.TherapistId)).Select(s => (Guid?)s.AgencyId).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        if (agencyId is null) return [];
        var settings = await SettingsAsync(db, agencyId.Value, ct).ConfigureAwait(false);
        var from = month.AddMonths(-(settings.SelfCheckWindow - 1));
        var rows = await db.SelfCheckAnswers.AsNoTracking()
            .Join(db.SelfChecks.Where(s => therapists.Contains(s.TherapistId) && s.Month >= from && s.Month <= month), a => a.SelfCheckId, s => s.Id,
                (a, s) => new { s.TherapistId, s.Month, a.CaseId, Endorsed = a.SharedOwnTroubles || a.Appearance || a.OutsideThoughts || a.ExtraTime })
            .ToListAsync(ct).ConfigureAwait(false);
        var caseIds = rows.Select(r => r.CaseId).Distinct().ToList();
        var names = await db.Cases.Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct).ConfigureAwait(false);
        return rows.GroupBy(r => r.TherapistId)
            .SelectMany(g => SelfCheckPatterns.Find(g.Select(r => (r.Month, r.CaseId, r.Endorsed)), month, settings.SelfCheckTimes, settings.SelfCheckWindow)
                .Select(p => new PatternView(g.Key, p.CaseId, names.GetValueOrDefault(p.CaseId, "—"), p.Months)))
            .ToList();
    }

    private IQueryable<Case> ActiveCases(Actor actor) => db.Cases.Where(c => c.AgencyId == actor.AgencyId
        && (c.PrimaryTherapistId == actor.StaffId || c.CoTherapistId == actor.StaffId)
        && c.Episodes.OrderByDescending(e => e.Number).Select(e => e.Phase).FirstOrDefault() != EpisodePhase.Closed);
}
