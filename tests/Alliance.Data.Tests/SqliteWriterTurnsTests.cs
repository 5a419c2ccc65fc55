using Alliance.Testing;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Data.Tests;

/// <summary>
/// This process's writers take SQLite's write lock in the order they asked for it (a writer that found the lock taken
/// used to retry and could lose it to later writers until its 30-second timeout): a second writer on the same file waits
/// until the first one's transaction has ended; other files, and work inside a transaction already open, do not wait.
/// </summary>
[Trait("Capability", "Foundation")]
public sealed class SqliteWriterTurnsTests
{
    [Fact]
    public async Task ASecondWriterOnTheSameFileWaitsUntilTheFirstHasFinished()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var other = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var a = database.OpenAsOperator();
        await using var b = database.OpenAsOperator();
        await using var c = other.OpenAsOperator();

        var first = await SqliteWriterTurns.WaitForTurnAsync(a.Database, CancellationToken.None);
        Assert.NotNull(first);
        var second = SqliteWriterTurns.WaitForTurnAsync(b.Database, CancellationToken.None);
        // Another database file is not held up by this one's writer.
        using (var elsewhere = await SqliteWriterTurns.WaitForTurnAsync(c.Database, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)))
            Assert.NotNull(elsewhere);
        await Task.Delay(300);
        Assert.False(second.IsCompleted);

        first.Dispose();
        using var turn = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(turn);
    }

    [Fact]
    public async Task WorkInsideAnOpenTransactionDoesNotWaitAgain()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var db = database.OpenAsOperator();
        using var turn = await SqliteWriterTurns.WaitForTurnAsync(db.Database, CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync();

        // The transaction's own saves run in the turn already taken (waiting again would wait for itself).
        Assert.Null(await SqliteWriterTurns.WaitForTurnAsync(db.Database, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
