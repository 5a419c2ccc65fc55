using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application;

/// <summary>An agency by its id: read for nearly every page and every answer, so compiled once.</summary>
public static class AgencyReads
{
    private static readonly PerModel<Func<AllianceDbContext, Guid, CancellationToken, Task<Agency>>> ById =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid id, CancellationToken ct) => db.Agencies.Single(a => a.Id == id)));

    /// <summary>The agency (tracked, as a query of the context would give it).</summary>
    public static Task<Agency> AgencyAsync(this AllianceDbContext db, Guid agencyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ById.For(db)(db, agencyId, ct);
    }
}
