using Alliance.Testing;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data.Tests;

/// <summary>
/// This process's writers on a SQLite file take turns in the order they asked (a writer that found the lock taken used
/// to retry and could lose it to later writers until its 30-second timeout), each turn run to its end on the file's own
/// writer thread: a second writer on the same file waits until the first one's work has ended; other files, work inside
/// a transaction already open and work asked for from inside a turn do not wait; the caller's context goes with its work.
/// </summary>
[Trait("Capability", "Foundation")]
public sealed class SqliteWriterTurnsTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ASecondWriterOnTheSameFileWaitsUntilTheFirstHasFinished()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var other = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var a = database.OpenAsOperator();
        await using var b = database.OpenAsOperator();
        await using var c = other.OpenAsOperator();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var first = SqliteWriterTurns.RunAsync(a.Database, () =>
        {
            firstStarted.SetResult();
            // Held until released (a long write transaction).
            release.Task.Wait(Soon * 4);
            lock (order) order.Add("first");
            return Task.FromResult(1);
        }, CancellationToken.None);
        await firstStarted.Task.WaitAsync(Soon);
        var second = SqliteWriterTurns.RunAsync(b.Database, () =>
        {
            lock (order) order.Add("second");
            return Task.FromResult(2);
        }, CancellationToken.None);

        // Another database file is not held up by this one's writer.
        Assert.Equal(3, await SqliteWriterTurns.RunAsync(c.Database, () => Task.FromResult(3), CancellationToken.None).WaitAsync(Soon));
        await Task.Delay(300);
        Assert.False(second.IsCompleted);

        release.SetResult();
        Assert.Equal((1, 2), (await first.WaitAsync(Soon), await second.WaitAsync(Soon)));
        Assert.Equal(["first", "second"], order);
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task TheStatisticsRefreshTakesItsTurnWithTheWriters()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var writer = database.OpenAsOperator();
        await using var refresher = database.OpenAsOperator();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var turn = SqliteWriterTurns.RunAsync(writer.Database, () =>
        {
            started.SetResult();
            release.Task.Wait(Soon * 4);
            return Task.FromResult(1);
        }, CancellationToken.None);
        await started.Task.WaitAsync(Soon);

        // The refresh writes SQLite's statistics: it waits for the turn before it, as the answers' writes do.
        var refresh = Alliance.Application.DatabaseSettings.RefreshStatisticsAsync(refresher, Alliance.Application.StatisticsRefresh.Periodic);
        await Task.Delay(300);
        Assert.False(refresh.IsCompleted);

        release.SetResult();
        await turn.WaitAsync(Soon);
        await refresh.WaitAsync(Soon);
    }

    [Fact]
    public async Task WorkInsideAnOpenTransactionOrInsideATurnRunsAtOnce()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var db = database.OpenAsOperator();
        await using var second = database.OpenAsOperator();

        // Inside a turn, another writer's work on the same file runs at once (waiting would wait for itself).
        var nested = await SqliteWriterTurns.RunAsync(db.Database, async () =>
            await SqliteWriterTurns.RunAsync(second.Database, () => Task.FromResult("nested"), CancellationToken.None).WaitAsync(Soon),
            CancellationToken.None).WaitAsync(Soon);
        Assert.Equal("nested", nested);

        // A transaction's own saves run in the turn it already has.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var thread = Environment.CurrentManagedThreadId;
        Assert.Equal(thread, await SqliteWriterTurns.RunAsync(db.Database, () => Task.FromResult(Environment.CurrentManagedThreadId), CancellationToken.None));
    }

    [Fact]
    public async Task TheCallersContextGoesWithItsWorkAndItsFailureComesBack()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var db = database.OpenAsOperator();
        var value = new AsyncLocal<string> { Value = "the caller's" };

        Assert.Equal("the caller's", await SqliteWriterTurns.RunAsync(db.Database, () => Task.FromResult(value.Value), CancellationToken.None).WaitAsync(Soon));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SqliteWriterTurns.RunAsync<int>(db.Database, () => throw new InvalidOperationException("refused"), CancellationToken.None));
        Assert.Equal("refused", failure.Message);
        // The writer goes on after a failure.
        Assert.Equal(4, await SqliteWriterTurns.RunAsync(db.Database, () => Task.FromResult(4), CancellationToken.None).WaitAsync(Soon));
    }

    /// <summary>Proof: under load the writer's thread waited for the CPU behind the request threads (docs/performance.md).</summary>
    [Fact]
    [Trait("Capability", "Proof")]
    public async Task TheWritersThreadRunsBeforeTheOtherThreadsWhereTheSystemAllowsIt()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var db = database.OpenAsOperator();

        var (thread, nice) = await SqliteWriterTurns.RunAsync(db.Database, () => Task.FromResult((Thread.CurrentThread.Name, WriterPrecedence.Current())), CancellationToken.None);

        Assert.StartsWith("SQLite writer", thread, StringComparison.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(nice);
            return;
        }
        // Root may lower a thread's nice value (CI runs as root); others may when given the right, and are told otherwise.
        if (Environment.IsPrivilegedProcess) Assert.True(SqliteWriterTurns.HasPrecedence);
        Assert.Equal(SqliteWriterTurns.HasPrecedence ? WriterPrecedence.Nice : 0, nice);
        // The other threads keep their place.
        Assert.Equal(0, WriterPrecedence.Current());
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task BackgroundTurnsRunWithoutTheWritersPrecedenceAndTheNextTurnHasItAgain()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var db = database.OpenAsOperator();
        Func<Task<int?>> nice = () => Task.FromResult(WriterPrecedence.Current());

        var before = await SqliteWriterTurns.RunAsync(db.Database, nice, CancellationToken.None);
        int? inBackground;
        using (SqliteWriterTurns.Background())
            inBackground = await SqliteWriterTurns.RunAsync(db.Database, nice, CancellationToken.None);
        var after = await SqliteWriterTurns.RunAsync(db.Database, nice, CancellationToken.None);

        if (!OperatingSystem.IsLinux())
        {
            Assert.Equal([null, null, null], new[] { before, inBackground, after });
            return;
        }
        var precedence = SqliteWriterTurns.HasPrecedence ? WriterPrecedence.Nice : 0;
        Assert.Equal(precedence, before);
        Assert.Equal(0, inBackground);
        Assert.Equal(precedence, after);
        if (Environment.IsPrivilegedProcess) Assert.Equal(WriterPrecedence.Nice, after);
    }
}
