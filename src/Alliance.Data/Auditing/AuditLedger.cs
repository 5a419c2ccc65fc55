using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data.Auditing;

/// <summary>Appends to and verifies the per-agency hash chains.</summary>
public static class AuditLedger
{
    /// <summary>
    /// Adds the entries to their chains inside the context's current transaction, holding each agency's chain lock
    /// until that transaction ends (a PostgreSQL advisory lock; SQLite's write lock is taken by the transaction itself),
    /// and writes them (<see cref="AuditRows"/>). The chains' heads move in the context: the caller saves.
    /// </summary>
    internal static async Task AppendAsync(AllianceDbContext db, IReadOnlyList<PendingAudit> pending, CancellationToken ct)
    {
        var entries = new List<AuditEntry>(pending.Count);
        foreach (var group in pending.GroupBy(p => p.AgencyId).OrderBy(g => g.Key))
        {
            if (db.Database.ProviderName == AllianceDbContext.PostgresProvider)
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockKey(group.Key)], ct).ConfigureAwait(false);

            var tracked = db.ChangeTracker.Entries<AuditChainHead>().FirstOrDefault(e => e.Entity.AgencyId == group.Key);
            if (tracked is not null && tracked.State != EntityState.Added)
                await tracked.ReloadAsync(ct).ConfigureAwait(false);
            var head = tracked?.Entity ?? await db.AuditChainHeads.SingleOrDefaultAsync(h => h.AgencyId == group.Key, ct).ConfigureAwait(false);
            if (head is null)
            {
                head = new AuditChainHead(group.Key);
                db.AuditChainHeads.Add(head);
            }
            foreach (var p in group)
            {
                var entry = new AuditEntry(p, head.LastSequence + 1, head.LastHash);
                entries.Add(entry);
                head.Advance(entry);
            }
            // The save that follows does not look for changes again (the context looked just before this append).
            db.Entry(head).DetectChanges();
        }
        await AuditRows.WriteAsync(db, entries, ct).ConfigureAwait(false);
    }

    /// <summary>A stable 64-bit key for an agency's advisory lock.</summary>
    internal static long LockKey(Guid agencyId)
    {
        Span<byte> bytes = stackalloc byte[16];
        agencyId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]);
    }

    /// <summary>
    /// Walks every agency's chain from its first entry and reports, in plain words, each entry that was changed,
    /// removed or put out of order, and a chain whose end no longer matches its head. An intact trail gives no problems.
    /// </summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(AllianceDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var problems = new List<string>();
        var heads = await db.AuditChainHeads.AsNoTracking().ToDictionaryAsync(h => h.AgencyId, ct).ConfigureAwait(false);
        var agencies = await db.AuditEntries.AsNoTracking().Select(e => e.AgencyId).Distinct().ToListAsync(ct).ConfigureAwait(false);
        foreach (var agency in agencies.Union(heads.Keys).Order())
        {
            var expectedSequence = 1L;
            var previous = AuditEntry.Genesis;
            // Read in storage order (the row id), so that entries whose numbers were swapped show up as reordered. Only
            // the entries the head (read first) already counts: a writer appending while the trail is verified is not
            // a gap at the end (an entry and its head move in one transaction).
            var upTo = heads.TryGetValue(agency, out var known) ? known.LastSequence : long.MaxValue;
            var entries = db.AuditEntries.AsNoTracking().Where(e => e.AgencyId == agency && e.Sequence <= upTo).OrderBy(e => e.Id).AsAsyncEnumerable();
            await foreach (var e in entries.WithCancellation(ct).ConfigureAwait(false))
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"agency {agency}, entry {e.Sequence} (row {e.Id})");
                if (e.Sequence > expectedSequence)
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"agency {agency}: entries {expectedSequence} to {e.Sequence - 1} are missing before row {e.Id}"));
                else if (e.Sequence < expectedSequence)
                    problems.Add($"{where}: out of order, expected entry {expectedSequence.ToString(CultureInfo.InvariantCulture)}");
                if (e.ComputeHash() != e.Hash)
                    problems.Add($"{where}: its contents were changed after it was written");
                else if (e.PreviousHash != previous)
                    problems.Add($"{where}: it does not follow the entry before it (an entry was removed, changed or reordered)");
                previous = e.Hash;
                expectedSequence = e.Sequence + 1;
            }
            if (heads.TryGetValue(agency, out var head))
            {
                if (head.LastSequence != expectedSequence - 1 || head.LastHash != previous)
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"agency {agency}: the chain ends at entry {expectedSequence - 1} but its head records entry {head.LastSequence}: entries at the end were removed or changed"));
            }
            else
            {
                problems.Add($"agency {agency}: entries exist but the chain's head is missing");
            }
        }
        return problems;
    }
}
