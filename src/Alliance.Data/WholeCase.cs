using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data;

/// <summary>Loading a case whole, as its rules read it.</summary>
public static class WholeCase
{
    /// <summary>
    /// The kinds of record <see cref="IncludeWholeCase"/> reads: a change to any of them gives the case a new
    /// <see cref="Case.Version"/> when it is saved (<see cref="CaseVersions"/>). Keep the two lists together.
    /// </summary>
    public static IReadOnlySet<Type> Parts { get; } = new HashSet<Type>
    {
        typeof(Case), typeof(Member), typeof(CaseAssignment), typeof(Episode), typeof(PhaseChange), typeof(Session), typeof(SessionAttendee),
        typeof(MemberAgreement), typeof(ProcessOverride), typeof(Goal), typeof(GoalImportance), typeof(Review), typeof(GoalProgress), typeof(MemberOutcome),
    };

    /// <summary>
    /// The cases with their members, assignments, and every episode with its phase changes, sessions and attendees,
    /// agreements, overrides, goals with their importance, reviews with their progress, and the outcome at closing.
    /// </summary>
    public static IQueryable<Case> IncludeWholeCase(this IQueryable<Case> cases) =>
        cases
            .Include(c => c.Members)
            .Include(c => c.Assignments)
            .Include(c => c.Episodes).ThenInclude(e => e.PhaseChanges)
            .Include(c => c.Episodes).ThenInclude(e => e.Sessions).ThenInclude(s => s.Attendees)
            .Include(c => c.Episodes).ThenInclude(e => e.Agreements)
            .Include(c => c.Episodes).ThenInclude(e => e.Overrides)
            .Include(c => c.Episodes).ThenInclude(e => e.Goals).ThenInclude(g => g.Importance)
            .Include(c => c.Episodes).ThenInclude(e => e.Reviews).ThenInclude(r => r.Progress)
            .Include(c => c.Episodes).ThenInclude(e => e.MemberOutcomes)
            .AsSplitQuery();

    /// <summary>
    /// One case, by its key and agency, with everything <see cref="IncludeWholeCase"/> reads. Only for a case whose
    /// access has been checked: the agency filter is stated once on the case (its records are the agency's with it)
    /// rather than in every statement, and the case is matched without a row limit, so that each of the split
    /// query's statements is a plain join on the case's key. The filter and the limit made each statement a nest of
    /// subqueries that SQLite compiled afresh for every page (it keeps no compiled statements between commands).
    /// </summary>
    public static IQueryable<Case> WholeCaseById(this AllianceDbContext db, Guid agencyId, Guid caseId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Cases.IgnoreQueryFilters().Where(c => c.Id == caseId && c.AgencyId == agencyId).IncludeWholeCase();
    }
}
