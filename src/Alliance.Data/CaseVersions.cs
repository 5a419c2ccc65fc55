using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Alliance.Data;

/// <summary>
/// Keeps a case's <see cref="Case.Version"/> true to its records: every save that adds, changes or removes any record
/// the whole-case read includes (<see cref="WholeCase.Parts"/>) gives the case a new version, whether or not the code
/// that made the change asked for it. A case read can then be reused for as long as its version stands
/// (<c>CaseReadCache</c> in the web app), on one node or on several sharing one database.
/// </summary>
internal static class CaseVersions
{
    /// <summary>
    /// Gives every tracked case whose records changed a new version (unless the change already gave it one), and
    /// returns the cases whose records changed but which are not tracked: their version is changed in the database,
    /// in the save's transaction (<see cref="TouchStoredAsync"/>). Changes must have been detected just before.
    /// </summary>
    public static async Task<IReadOnlyCollection<Guid>> MarkChangedAsync(AllianceDbContext db, CancellationToken ct)
    {
        HashSet<Guid>? changed = null;
        Dictionary<(Type, Guid), Guid>? parents = null;
        List<(Type Parent, Guid Id)>? unresolved = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            var type = entry.Metadata.ClrType;
            if (!WholeCase.Parts.Contains(type)) continue;
            if (entry.Entity is Case)
            {
                // A case's own change counts too, unless it is new or already has a new version.
                if (entry.State == EntityState.Modified && !entry.Property(nameof(Case.Version)).IsModified) (changed ??= []).Add(((Case)entry.Entity).Id);
                continue;
            }
            if (entry.Metadata.FindProperty("CaseId") is { } caseId)
            {
                foreach (var id in Values(entry, caseId.Name)) (changed ??= []).Add(id);
                continue;
            }
            // Records held by an episode, session, goal or review: their case is their holder's.
            var holder = entry.Metadata.GetForeignKeys().First(k => WholeCase.Parts.Contains(k.PrincipalEntityType.ClrType) && k.PrincipalEntityType.FindProperty("CaseId") is not null);
            parents ??= TrackedHolders(db);
            foreach (var holderId in Values(entry, holder.Properties[0].Name))
                if (parents.TryGetValue((holder.PrincipalEntityType.ClrType, holderId), out var holderCase)) (changed ??= []).Add(holderCase);
                else (unresolved ??= []).Add((holder.PrincipalEntityType.ClrType, holderId));
        }
        foreach (var (parent, id) in unresolved ?? [])
            (changed ??= []).Add(await StoredCaseOfAsync(db, parent, id, ct).ConfigureAwait(false));
        if (changed is null) return [];

        var untracked = new List<Guid>();
        foreach (var id in changed)
        {
            var entry = db.Cases.Local.FindEntry(id);
            if (entry is null) untracked.Add(id);
            else if (entry.State is EntityState.Unchanged or EntityState.Modified && !entry.Property(c => c.Version).IsModified)
                entry.Property(c => c.Version).CurrentValue = Guid.NewGuid();
        }
        return untracked;
    }

    /// <summary>Gives cases that are not tracked a new version in the database (inside the save's transaction).</summary>
    public static async Task TouchStoredAsync(AllianceDbContext db, IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        if (caseIds.Count == 0) return;
        var version = Guid.NewGuid();
        await db.Cases.IgnoreQueryFilters().Where(c => caseIds.Contains(c.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, version), ct).ConfigureAwait(false);
    }

    private static Guid Value(EntityEntry entry, string property)
    {
        var p = entry.Property(property);
        return (Guid)(entry.State == EntityState.Deleted ? p.OriginalValue : p.CurrentValue)!;
    }

    /// <summary>The key a record points to, and the one it pointed to before when a change moved it: both cases changed.</summary>
    private static IEnumerable<Guid> Values(EntityEntry entry, string property)
    {
        var current = Value(entry, property);
        yield return current;
        if (entry.State == EntityState.Modified && entry.Property(property).OriginalValue is Guid before && before != current) yield return before;
    }

    /// <summary>The case of every tracked record that holds others (episodes, sessions, goals, reviews).</summary>
    private static Dictionary<(Type, Guid), Guid> TrackedHolders(AllianceDbContext db)
    {
        var holders = new Dictionary<(Type, Guid), Guid>();
        foreach (var entry in db.ChangeTracker.Entries())
            if (WholeCase.Parts.Contains(entry.Metadata.ClrType) && entry.Metadata.FindProperty("CaseId") is not null && entry.Metadata.FindPrimaryKey() is { Properties: [var key] })
                holders[(entry.Metadata.ClrType, Value(entry, key.Name))] = Value(entry, "CaseId");
        return holders;
    }

    private static async Task<Guid> StoredCaseOfAsync(AllianceDbContext db, Type holder, Guid id, CancellationToken ct)
    {
        IQueryable<Guid> query = holder == typeof(Episode) ? db.Episodes.IgnoreQueryFilters().Where(e => e.Id == id).Select(e => e.CaseId)
            : holder == typeof(Session) ? db.Sessions.IgnoreQueryFilters().Where(s => s.Id == id).Select(s => s.CaseId)
            : holder == typeof(Goal) ? db.Set<Goal>().IgnoreQueryFilters().Where(g => g.Id == id).Select(g => g.CaseId)
            : holder == typeof(Review) ? db.Set<Review>().IgnoreQueryFilters().Where(r => r.Id == id).Select(r => r.CaseId)
            : holder == typeof(Member) ? db.Members.IgnoreQueryFilters().Where(m => m.Id == id).Select(m => m.CaseId)
            : throw new InvalidOperationException($"A record held by a {holder.Name} changed, and the case of a {holder.Name} is not known.");
        return await query.SingleAsync(ct).ConfigureAwait(false);
    }
}
