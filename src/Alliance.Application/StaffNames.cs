using Alliance.Data;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application;

/// <summary>Staff names for display, read as id and name only (never whole accounts).</summary>
public static class StaffNames
{
    /// <summary>The names of some of an agency's staff (asked on most pages; compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, List<Guid>, IAsyncEnumerable<StaffName>>> Some =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid agencyId, List<Guid> ids) =>
            db.Users.Where(u => u.AgencyId == agencyId && ids.Contains(u.Id)).Select(u => new StaffName(u.Id, u.DisplayName))));

    private sealed record StaffName(Guid Id, string DisplayName);

    /// <summary>Names of the given staff of the agency, by id (an id of no staff member of the agency is left out).</summary>
    public static async Task<Dictionary<Guid, string>> StaffNamesAsync(this AllianceDbContext db, Guid agencyId, IEnumerable<Guid> staffIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = staffIds.Distinct().ToList();
        if (ids.Count == 0) return [];
        return await Some.For(db)(db, agencyId, ids).ToDictionaryAsync(s => s.Id, s => s.DisplayName, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>Names of all the agency's staff, by id: for pages that list the agency's staff.</summary>
    public static async Task<Dictionary<Guid, string>> StaffNamesAsync(this AllianceDbContext db, Guid agencyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Users.Where(u => u.AgencyId == agencyId)
            .Select(u => new { u.Id, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct).ConfigureAwait(false);
    }
}
