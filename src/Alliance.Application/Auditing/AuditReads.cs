using System.Collections.Concurrent;
using Alliance.Data;
using Alliance.Data.Auditing;

namespace Alliance.Application.Auditing;

/// <summary>
/// Reads of client data, buffered and appended to the audit trail within a second (the web host flushes every
/// quarter second, and once more as it stops). Writes are audited in their own transaction instead.
/// </summary>
public sealed class AuditReads(TimeProvider clock)
{
    private readonly ConcurrentQueue<PendingAudit> _queue = new();

    /// <summary>Records that the context's actor read a record.</summary>
    public void Record(AllianceDbContext db, Guid agencyId, string recordType, Guid recordId, Guid? caseId)
    {
        ArgumentNullException.ThrowIfNull(db);
        _queue.Enqueue(new PendingAudit(agencyId, db.Actor, AuditActions.Read, recordType, recordId.ToString(), caseId, clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>How many reads wait to be written.</summary>
    public int Pending => _queue.Count;

    /// <summary>The most reads one flush writes, in one transaction.</summary>
    public const int BatchSize = 5000;

    /// <summary>
    /// Appends the oldest buffered reads, at most <paramref name="limit"/> and <see cref="BatchSize"/>, through the given
    /// (operator) context, in one transaction; returns how many were written.
    /// </summary>
    public async Task<int> FlushAsync(AllianceDbContext db, int limit = BatchSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        limit = Math.Min(limit, BatchSize);
        var taken = new List<PendingAudit>();
        while (taken.Count < limit && _queue.TryDequeue(out var entry)) taken.Add(entry);
        if (taken.Count == 0) return 0;
        foreach (var entry in taken) db.Audit(entry);
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            // Nothing is lost: the entries go back for the next flush.
            foreach (var entry in taken) _queue.Enqueue(entry);
            throw;
        }
        return taken.Count;
    }
}
