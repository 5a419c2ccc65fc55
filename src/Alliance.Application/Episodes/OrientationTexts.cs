using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Episodes;

/// <summary>The agency's orientation text: the current version, and publishing a changed one.</summary>
public sealed class OrientationTexts(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The current version; an agency that never published its own starts with Alliance's text as version 1.</summary>
    public async Task<OrientationText> CurrentAsync(Guid agencyId, CancellationToken ct)
    {
        var current = await LatestAsync(agencyId, ct).ConfigureAwait(false);
        if (current is not null) return current;
        var first = OrientationText.Default(agencyId, clock.GetUtcNow().UtcDateTime);
        db.OrientationTexts.Add(first);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return first;
        }
        catch (DbUpdateException)
        {
            // Another request made version 1 at the same moment: theirs stands.
            db.Entry(first).State = EntityState.Detached;
            return await LatestAsync(agencyId, ct).ConfigureAwait(false) ?? throw new InvalidOperationException("The orientation text could not be read.");
        }
    }

    /// <summary>Every version, newest first.</summary>
    public async Task<IReadOnlyList<OrientationText>> HistoryAsync(Guid agencyId, CancellationToken ct)
    {
        await CurrentAsync(agencyId, ct).ConfigureAwait(false);
        return await db.OrientationTexts.AsNoTracking().Where(t => t.AgencyId == agencyId).OrderByDescending(t => t.Version).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Publishes a changed text as the next version; members who agreed to an earlier one are asked to agree again.</summary>
    public async Task<OrientationText> PublishAsync(Guid agencyId, OrientationParts parts, Guid by, CancellationToken ct)
    {
        var current = await CurrentAsync(agencyId, ct).ConfigureAwait(false);
        var next = current.Revise(parts, by, clock.GetUtcNow().UtcDateTime);
        db.OrientationTexts.Add(next);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return next;
    }

    private Task<OrientationText?> LatestAsync(Guid agencyId, CancellationToken ct) => Latest.For(db)(db, agencyId, ct);

    /// <summary>An agency's latest version (read for every case page; compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, CancellationToken, Task<OrientationText?>>> Latest =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid agencyId, CancellationToken ct) =>
            db.OrientationTexts.Where(t => t.AgencyId == agencyId).OrderByDescending(t => t.Version).FirstOrDefault()));
}
