using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Alliance.Data;

/// <summary>
/// Runs this process's write transactions on a SQLite database one after another, in the order they were asked for,
/// on a thread of the database's own. SQLite has one write lock: a writer that finds it taken retries until its busy
/// timeout, and under load a writer can lose the lock to later ones again and again until it times out. Taking turns
/// in a queue removes that; running the turns on one dedicated thread also means a turn, once begun, runs to its end
/// without waiting behind the requests queued on the shared thread pool (with the pool busy, every hand-over from one
/// writer to the next waited its place there, and the writers' queue grew by seconds). SQLite's calls complete without
/// yielding, so a write transaction runs on the writer's thread from its first statement to its commit.
/// The turn is only an order: a writer that has waited as long as SQLite would (30 seconds) goes on to SQLite's own
/// locking on its own thread. Nothing changes on PostgreSQL, whose writers do not share one lock.
/// </summary>
public static class SqliteWriterTurns
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    private static readonly ConcurrentDictionary<string, Writer> Writers = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static bool t_onWriter;

    private static readonly AsyncLocal<bool> InBackground = new();

    /// <summary>How long a writer waits for its turn before it goes on to SQLite's own locking.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether the last writer's thread started was given precedence over the request threads
    /// (<see cref="WriterPrecedence"/>); false until one has started, and where the system does not allow it.
    /// </summary>
    public static bool HasPrecedence { get; private set; }

    /// <summary>
    /// Marks the writes begun until the returned scope is disposed as background work (a periodic sweep, new
    /// statistics): their turns run in order as any other, but without the writer's precedence over the request threads
    /// (<see cref="WriterPrecedence"/>). The precedence is there so that answers are not starved of the CPU; a long
    /// background turn that kept it would take a core from the requests for as long as it runs (the first escalation
    /// sweep after a start, compiling its queries, held every request up for half a second under load). Short turns that
    /// come often keep it, such as the audit trail's flush of reads: at the requests' pace, the answers queued behind
    /// them would wait several times as long.
    /// </summary>
    public static IDisposable Background()
    {
        var scope = new BackgroundScope(InBackground.Value);
        InBackground.Value = true;
        return scope;
    }

    private sealed class BackgroundScope(bool previous) : IDisposable
    {
        public void Dispose() => InBackground.Value = previous;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in this writer's turn on the context's SQLite database. Work for another provider, work
    /// inside a transaction already open (which has its turn), and work asked for from inside a turn run at once.
    /// </summary>
    public static Task<T> RunAsync<T>(DatabaseFacade database, Func<Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(work);
        if (t_onWriter || database.ProviderName != SqliteProvider || database.CurrentTransaction is not null) return work();
        var file = database.GetDbConnection().DataSource;
        if (string.IsNullOrEmpty(file)) return work();
        return Writers.GetOrAdd(file, f => new Writer(f)).RunAsync(work, ct);
    }

    /// <summary>One database file's writer: a queue and the thread that works through it.</summary>
    private sealed class Writer
    {
        private readonly BlockingCollection<Turn> _queue = [];

        public Writer(string file)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"SQLite writer ({Path.GetFileName(file)})" };
            thread.Start();
        }

        public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct)
        {
            var turn = new Turn<T>(work, ExecutionContext.Capture(), InBackground.Value, ct);
            _queue.Add(turn, CancellationToken.None);
            try
            {
                return await turn.Done.WaitAsync(Patience, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Waited as long as SQLite would: go on to its own locking (unless the turn has just begun).
                if (turn.TryTake()) return await work().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                if (turn.TryTake()) throw;
            }
            // The turn is running on the writer's thread: its end is the answer.
            return await turn.Done.ConfigureAwait(false);
        }

        private void Loop()
        {
            t_onWriter = true;
            // Every write waits for this thread: it runs before the request threads when the system allows it.
            HasPrecedence = WriterPrecedence.TryTake();
            foreach (var turn in _queue.GetConsumingEnumerable())
                turn.Run();
        }
    }

    private abstract class Turn
    {
        private int _taken;

        /// <summary>True for whoever claims the turn first: the writer's thread to run it, or its caller to give it up.</summary>
        public bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;

        public abstract void Run();
    }

    private sealed class Turn<T>(Func<Task<T>> work, ExecutionContext? context, bool background, CancellationToken ct) : Turn
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Done => _done.Task;

        public override void Run()
        {
            if (!TryTake()) return;
            if (ct.IsCancellationRequested)
            {
                _done.TrySetCanceled(ct);
                return;
            }
            // Background work gives the writer's precedence back while it runs.
            var yielded = background && HasPrecedence && WriterPrecedence.Release();
            try
            {
                // The caller's context goes with its work (the request, its logging scope, its tenant).
                if (context is null) Execute();
                else ExecutionContext.Run(context, static state => ((Turn<T>)state!).Execute(), this);
            }
            finally
            {
                if (yielded) HasPrecedence = WriterPrecedence.TryTake();
            }
        }

        private void Execute()
        {
            try
            {
                // SQLite's calls complete without yielding; work that does yield is waited for here, keeping the turn.
                _done.TrySetResult(work().GetAwaiter().GetResult());
            }
            catch (OperationCanceledException e)
            {
                _done.TrySetCanceled(e.CancellationToken);
            }
#pragma warning disable CA1031 // The failure is the caller's: it is handed to them whole.
            catch (Exception e)
            {
                _done.TrySetException(e);
            }
#pragma warning restore CA1031
        }
    }
}
