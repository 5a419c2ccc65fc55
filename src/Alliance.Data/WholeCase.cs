using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data;

/// <summary>Loading a case whole, as its rules read it.</summary>
public static class WholeCase
{
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
}
