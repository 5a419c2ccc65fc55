using Alliance.Data.Sqlite;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// SQLite's process-wide settings (<see cref="SqliteLibrary"/>) are made by the provider before its first connection
/// opens. In this test process every SQLite connection is opened after a context was configured through
/// <see cref="SqliteDatabase.Use"/>, as in the web server and the command line.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class SqliteLibraryTests
{
    [Fact]
    public async Task SqliteDoesNotCountItsAllocationsUnderOneProcessWideMutex()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using (var db = database.OpenAsOperator())
        {
            for (var i = 0; i < 50; i++) Agency(db, $"Agency {i}");
            await db.SaveChangesAsync();
        }
        await using (var db = database.OpenAsOperator())
            Assert.Equal(50, await db.Agencies.CountAsync());

        Assert.True(SqliteLibrary.AllocationsUncounted);
        // Counted, SQLite's allocations for the schema, the pages and the statements above would be megabytes; uncounted,
        // its count of memory in use never moves from zero.
        Assert.Equal(0, raw.sqlite3_memory_used());
    }
}
