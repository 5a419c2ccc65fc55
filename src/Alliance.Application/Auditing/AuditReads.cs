using System.Collections.Concurrent;
using Alliance.Data;
using Alliance.Data.Auditing;

namespace Alliance.Application.Auditing;

/// <summary>
/// Reads of client data, buffered and appended to the audit trail within a second (the web host flushes every
/// half second; the command line before it exits). Writes are audited in their own transaction instead.
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

    /// <summary>Appends every buffered read through the given (operator) context.</summary>
    public async Task<int> FlushAsync(AllianceDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var taken = new List<PendingAudit>();
        while (taken.Count < 5000 && _queue.TryDequeue(out var entry)) taken.Add(entry);
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
