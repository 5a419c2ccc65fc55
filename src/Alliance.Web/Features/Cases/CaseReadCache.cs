using Alliance.Domain;
using Microsoft.Extensions.Caching.Memory;

namespace Alliance.Web.Features.Cases;

/// <summary>
/// Whole cases read to be shown, kept for as long as their <see cref="Case.Version"/> stands: a case page or API read
/// whose case has not changed since the last read takes the case from here instead of reading its records again (the
/// thirteen statements of the whole-case read). It is asked only after the actor's access to the case has been
/// checked, and that check reads the case's current version, so a change saved by this node or by another one
/// sharing the database is seen at once (every save that changes a part of a case gives it a new version).
/// The cases kept are few and leave after a few minutes unused: they hold session notes in the clear, as every read
/// does while it builds a page.
/// </summary>
public sealed class CaseReadCache : IDisposable
{
    /// <summary>How many cases are kept at most.</summary>
    public const int Capacity = 256;

    private static readonly TimeSpan Unused = TimeSpan.FromMinutes(5);
    private readonly MemoryCache _cases = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>The case as read at <paramref name="version"/>, if it is kept.</summary>
    public Case? Find(Guid caseId, Guid version)
    {
        if (!_cases.TryGetValue(caseId, out Kept? kept) || kept is null) return null;
        // A kept case is never changed; should one be, it is not handed out again.
        if (kept.Version == version && kept.Case.Version == version) return kept.Case;
        if (kept.Case.Version != kept.Version) _cases.Remove(caseId);
        return null;
    }

    /// <summary>Keeps a case read without tracking; it must not be changed or attached afterwards.</summary>
    public void Keep(Case c)
    {
        ArgumentNullException.ThrowIfNull(c);
        _cases.Set(c.Id, new Kept(c.Version, c), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Unused });
    }

    public void Dispose() => _cases.Dispose();

    private sealed record Kept(Guid Version, Case Case);
}
