using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Alliance.Data;

/// <summary>
/// Lets this process's writers take SQLite's single write lock in the order they asked for it. SQLite itself makes a
/// writer that finds the lock taken retry until its busy timeout, and under load a writer can lose the lock to later
/// ones again and again until it times out (in the load proof, questionnaire answers waited 30 seconds and failed).
/// A write transaction this process begins waits here first, first come first served, and holds its turn until the
/// transaction ends. The turn is only an order: a writer that has waited as long as SQLite would (30 seconds) goes on
/// to SQLite's own locking, so that a writer inside a turn that needs a second connection can never wait for ever.
/// Nothing changes on PostgreSQL, whose writers do not share one lock.
/// </summary>
public static class SqliteWriterTurns
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Queues = new(StringComparer.Ordinal);

    /// <summary>How long a writer waits for its turn before it goes on to SQLite's own locking.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Waits for this writer's turn on the context's SQLite database, if it is one and no transaction is open yet.
    /// Dispose the result when the write transaction has ended.
    /// </summary>
    public static async Task<IDisposable?> WaitForTurnAsync(DatabaseFacade database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.ProviderName != SqliteProvider || database.CurrentTransaction is not null) return null;
        var file = database.GetDbConnection().DataSource;
        if (string.IsNullOrEmpty(file)) return null;
        var queue = Queues.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
        return await queue.WaitAsync(Patience, ct).ConfigureAwait(false) ? new Turn(queue) : null;
    }

    private sealed class Turn(SemaphoreSlim queue) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) queue.Release();
        }
    }
}
