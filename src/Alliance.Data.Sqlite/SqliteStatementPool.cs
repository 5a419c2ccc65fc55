using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Alliance.Data.Sqlite;

/// <summary>
/// Open SQLite connections shared by a host's contexts, each keeping the statements it has compiled.
/// <para>
/// SQLite compiles every statement afresh unless the same command object runs it again on the same open connection,
/// and Microsoft.Data.Sqlite finalizes a connection's statements whenever the connection is closed (its own pool keeps
/// the database handle, not the statements). A context opens and closes its connection around each query, so every
/// query was parsed and planned again, and EF Core's SQL functions were registered on the connection at every opening
/// and removed at every closing. Here a context that opens its connection borrows one that stays open, and gives it
/// back when it closes it: a statement is compiled once for each connection and its text, then only bound and run.
/// </para>
/// <para>
/// A connection is given back only when it has no transaction open and no statement running; otherwise it is closed.
/// Connections unused for <see cref="Unused"/> are closed, and so are all of them when the host stops. Each keeps at
/// most <see cref="StatementsPerConnection"/> statements (the app's queries are far fewer; texts that vary, such as
/// batches of changes, start the count again). After new planner statistics, <see cref="Expire"/> makes every connection
/// compile its statements again, so the plans follow the statistics.
/// </para>
/// </summary>
public sealed class SqliteStatementPool : IDisposable
{
    /// <summary>How many statements one connection keeps at most.</summary>
    public const int StatementsPerConnection = 256;

    /// <summary>
    /// How many KiB of database pages one connection caches at most, instead of SQLite's 2,000 KiB. In WAL mode a
    /// connection empties its page cache whenever it begins to read after another connection has committed, and under
    /// an agency's steady stream of writes (the answers, and the audit of reads) that is often, so a larger cache mostly
    /// holds more memory for every connection kept open. 384 KiB is about 90 pages: under the proof's load 256 KiB cost
    /// CPU, and 512 KiB held more memory for no gain in speed (decision 0018, measured while the audit's flush still
    /// committed about 27 times a second; decision 0019).
    /// </summary>
    public const int PageCacheKib = 384;

    /// <summary>How long a connection is kept while no context uses it.</summary>
    public static readonly TimeSpan Unused = TimeSpan.FromMinutes(2);

    private readonly Lock _lock = new();
    // The connection given back last is lent first (its pages are the most likely to be cached); the oldest are first.
    private readonly List<KeptConnection> _idle = [];
    private int _generation;
    private long _compiled;
    private long _reused;
    private int _lent;
    private bool _disposed;

    /// <summary>How many times a statement was compiled for a connection (its first run there).</summary>
    public long Compiled => Interlocked.Read(ref _compiled);

    /// <summary>How many times a statement already compiled on a connection was run again.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>How many connections are lent out now (each given back when its context closes its connection).</summary>
    public int Lent => Volatile.Read(ref _lent);

    /// <summary>How many open connections wait to be lent.</summary>
    public int Idle
    {
        get
        {
            lock (_lock) return _idle.Count;
        }
    }

    /// <summary>
    /// Makes every connection compile its statements again before their next run: SQLite plans a statement when it
    /// compiles it, so a statement kept from before new statistics would keep its old plan.
    /// </summary>
    public void Expire() => Interlocked.Increment(ref _generation);

    /// <summary>Lends an open connection, opening one made by <paramref name="create"/> when none waits.</summary>
    internal KeptConnection Rent(Func<SqliteConnection> create)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.Count > 0)
            {
                var kept = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                Interlocked.Increment(ref _lent);
                return kept;
            }
        }
        var connection = create();
        try
        {
            connection.Open();
            using var pageCache = new SqliteCommand($"PRAGMA cache_size = -{PageCacheKib};", connection);
            pageCache.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        Interlocked.Increment(ref _lent);
        return new KeptConnection(this, connection);
    }

    /// <summary>Takes a lent connection back: kept open when it is clean, closed otherwise.</summary>
    internal void Return(KeptConnection kept)
    {
        var now = Environment.TickCount64;
        List<KeptConnection>? closing = null;
        lock (_lock)
        {
            Interlocked.Decrement(ref _lent);
            if (!_disposed && kept.IsClean())
            {
                kept.LastReturned = now;
                _idle.Add(kept);
            }
            else (closing ??= []).Add(kept);
            var stale = 0;
            while (stale < _idle.Count && now - _idle[stale].LastReturned > (long)Unused.TotalMilliseconds) stale++;
            if (stale > 0)
            {
                (closing ??= []).AddRange(_idle.Take(stale));
                _idle.RemoveRange(0, stale);
            }
        }
        // Closed outside the lock: closing finalizes statements and may roll back.
        closing?.ForEach(c => c.Dispose());
    }

    internal int Generation => Volatile.Read(ref _generation);

    internal void Count(bool compiled)
    {
        if (compiled) Interlocked.Increment(ref _compiled);
        else Interlocked.Increment(ref _reused);
    }

    /// <summary>Closes the connections that wait; those lent out are closed when they come back.</summary>
    public void Dispose()
    {
        List<KeptConnection> closing;
        lock (_lock)
        {
            _disposed = true;
            closing = [.. _idle];
            _idle.Clear();
        }
        closing.ForEach(c => c.Dispose());
    }
}

/// <summary>One open connection of a <see cref="SqliteStatementPool"/> and the statements compiled on it, by their text.</summary>
internal sealed class KeptConnection(SqliteStatementPool pool, SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, KeptCommand> _statements = new(StringComparer.Ordinal);
    private int _generation = pool.Generation;

    public SqliteConnection Connection { get; } = connection;

    public long LastReturned { get; set; }

    /// <summary>
    /// A command for <paramref name="text"/> on this connection: the one kept for it (its statements compiled at its
    /// first run), or a new one kept from now on. While the kept one is in use (a query run inside another's reading),
    /// a command of its own that is not kept.
    /// </summary>
    public SqliteCommand Command(string text)
    {
        if (_generation != pool.Generation)
        {
            ReleaseAll();
            _generation = pool.Generation;
        }
        if (_statements.TryGetValue(text, out var kept))
        {
            if (kept.InUse) return new SqliteCommand(text, Connection);
            pool.Count(compiled: false);
        }
        else
        {
            if (_statements.Count >= SqliteStatementPool.StatementsPerConnection) ReleaseAll();
            kept = new KeptCommand(text, Connection);
            _statements.Add(text, kept);
            pool.Count(compiled: true);
        }
        kept.InUse = true;
        return kept;
    }

    /// <summary>No transaction open and no kept statement still in use: the connection can be lent again as it is.</summary>
    public bool IsClean()
    {
        if (Connection.State != System.Data.ConnectionState.Open || InsideTransaction) return false;
        foreach (var kept in _statements.Values)
            if (kept.InUse) return false;
        return true;
    }

    public void Dispose()
    {
        // Statements are finalized before the connection closes (closing would leave them to a finalizer otherwise).
        ReleaseAll();
        // A transaction begun in SQL and never ended is rolled back here: closing hands the database handle back to
        // Microsoft.Data.Sqlite's own pool as it is, and the next connection made would find itself inside it.
        if (InsideTransaction)
        {
            try
            {
                using var rollback = new SqliteCommand("ROLLBACK;", Connection);
                rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Nothing left to roll back.
            }
        }
        Connection.Dispose();
    }

    /// <summary>Open, and inside a transaction (SQLite is out of its autocommit mode).</summary>
    private bool InsideTransaction =>
        Connection.State == System.Data.ConnectionState.Open && raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    private void ReleaseAll()
    {
        foreach (var kept in _statements.Values) kept.Release();
        _statements.Clear();
    }
}

/// <summary>A command whose compiled statements outlive its disposal by EF Core, until its connection lets it go.</summary>
internal sealed class KeptCommand(string text, SqliteConnection connection) : SqliteCommand(text, connection)
{
    private bool _released;

    /// <summary>Handed out and not yet disposed by its user.</summary>
    public bool InUse { get; set; }

    /// <summary>
    /// Lets the command go: its statements are finalized now, or, while its user still has it (a reader open on it),
    /// when that user disposes it.
    /// </summary>
    public void Release()
    {
        _released = true;
        if (!InUse) Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_released)
        {
            // Disposed by its user (EF Core, once the reader is closed): kept for the next run, holding no values.
            DataReader?.Dispose();
            Parameters.Clear();
            Transaction = null;
            InUse = false;
            return;
        }
        base.Dispose(disposing);
    }
}
