using Alliance.Application;
using Alliance.Data.Sqlite;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// The web server's contexts borrow open SQLite connections that keep their compiled statements
/// (<see cref="SqliteStatementPool"/>): a query run again is bound and run, not compiled again, and nothing else about
/// reading and writing changes: transactions commit and roll back, a failed statement leaves the connection usable, and
/// a connection left inside a transaction is not lent again.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class KeptStatementsTests
{
    /// <summary>SQLITE_READ: the authorizer's question about reading a column.</summary>
    private const int ReadColumn = 20;

    [Fact]
    public async Task AQueryRunAgainInAnotherContextRunsTheStatementCompiledTheFirstTime()
    {
        await using var pooled = await Pooled.UnmigratedAsync();
        var pool = pooled.Pool;
        await using (var db = pooled.Open())
        {
            await DatabaseSettings.MigrateAsync(db);
            Agency(db, "Harbour");
            Agency(db, "Lantern");
            await db.SaveChangesAsync();
        }

        // SQLite asks its authorizer about a statement while compiling it, never while running it: the count of
        // questions about reading the agencies' names is the count of compilations of the query below.
        var compiled = 0;
        await using (var db = pooled.Open())
        {
            await db.Database.OpenConnectionAsync();
            raw.sqlite3_set_authorizer(((SqliteConnection)db.Database.GetDbConnection()).Handle, (_, action, table, column, _, _) =>
            {
                if (action == ReadColumn && table.utf8_to_string() == "agencies" && column.utf8_to_string() == "Name") compiled++;
                return raw.SQLITE_OK;
            }, null);
            await db.Database.CloseConnectionAsync();
        }

        for (var i = 0; i < 5; i++)
        {
            await using var db = pooled.Open();
            Assert.Equal(["Harbour", "Lantern"], await db.Agencies.OrderBy(a => a.Name).Select(a => a.Name).ToListAsync());
        }

        // One connection served every context, one after the other, and compiled the query once.
        Assert.Equal(1, pool.Idle);
        Assert.Equal(0, pool.Lent);
        Assert.Equal(2, compiled); // the name is read twice: the column and the order
        Assert.True(pool.Reused >= 4, $"reused {pool.Reused}");

        // New statistics: the statement is compiled again, once.
        pool.Expire();
        for (var i = 0; i < 2; i++)
        {
            await using var db = pooled.Open();
            Assert.Equal(2, await db.Agencies.Select(a => a.Name).OrderBy(n => n).CountAsync());
            Assert.Equal(["Harbour", "Lantern"], await db.Agencies.OrderBy(a => a.Name).Select(a => a.Name).ToListAsync());
        }
        Assert.Equal(4, compiled);
    }

    [Fact]
    public async Task ATransactionCommitsAndRollsBackOnTheBorrowedConnection()
    {
        await using var pooled = await Pooled.CreateAsync();
        var pool = pooled.Pool;

        foreach (var (name, commit) in new[] { ("Rolled back", false), ("Committed", true), ("Rolled back too", false) })
        {
            await using var db = pooled.Open();
            await using var transaction = await db.Database.BeginTransactionAsync();
            Agency(db, name);
            await db.SaveChangesAsync();
            // Read inside the transaction, by a statement kept from the earlier rounds: it sees the row not yet committed.
            Assert.Contains(name, await db.Agencies.Select(a => a.Name).ToListAsync());
            if (commit) await transaction.CommitAsync();
            else await transaction.RollbackAsync();
        }

        await using (var db = pooled.Open())
            Assert.Equal(["Committed"], await db.Agencies.Select(a => a.Name).ToListAsync());
        Assert.Equal(1, pool.Idle);
        Assert.True(pool.Reused > 0);
    }

    [Fact]
    public async Task AConnectionGivenBackInsideATransactionIsClosedNotLentAgain()
    {
        await using var pooled = await Pooled.CreateAsync();
        var pool = pooled.Pool;

        await using (var db = pooled.Open())
        {
            // A transaction begun in SQL, past EF Core, and never ended: it holds the write lock.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("BEGIN IMMEDIATE");
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE never_committed (x INTEGER)");
            await db.Database.CloseConnectionAsync();
        }
        Assert.Equal(0, pool.Idle);

        // The lock went with the connection: another context writes at once.
        await using (var db = pooled.Open())
        {
            db.Database.SetCommandTimeout(2);
            Agency(db, "Written after");
            await db.SaveChangesAsync();
        }
        Assert.Equal(1, pool.Idle);
        await using (var db = pooled.Open())
        {
            Assert.Equal(["Written after"], await db.Agencies.Select(a => a.Name).ToListAsync());
            Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM sqlite_master WHERE name = 'never_committed'").SingleAsync());
        }
        Assert.Equal(1, pool.Idle);
    }

    [Fact]
    public async Task ABorrowedConnectionClosedBehindEfCoresBackIsLetGo()
    {
        await using var pooled = await Pooled.CreateAsync();
        var pool = pooled.Pool;

        await using (var db = pooled.Open())
        {
            Agency(db, "Harbour");
            await db.SaveChangesAsync();
            await db.Database.OpenConnectionAsync();
            var borrowed = db.Database.GetDbConnection();
            Assert.Equal(1, await db.Agencies.CountAsync());
            await borrowed.CloseAsync();
            // EF Core opens the context's connection again: another one is borrowed, and the closed one is not kept.
            Assert.Equal(["Harbour"], await db.Agencies.Select(a => a.Name).ToListAsync());
            Assert.NotSame(borrowed, db.Database.GetDbConnection());
            await db.Database.CloseConnectionAsync();
        }
        // Both were given back: the closed one let go, the other kept.
        Assert.Equal(0, pool.Lent);
        Assert.Equal(1, pool.Idle);
        await using (var db = pooled.Open())
            Assert.Equal(1, await db.Agencies.CountAsync());
    }

    [Fact]
    public async Task AFailedStatementLeavesTheConnectionToBeLentAgain()
    {
        await using var pooled = await Pooled.CreateAsync("Harbour");
        var pool = pooled.Pool;

        for (var i = 0; i < 3; i++)
        {
            await using var db = pooled.Open();
            // Fails while running (the statement compiles): the same every time, never "in use".
            var failure = await Assert.ThrowsAsync<SqliteException>(() => db.Database.SqlQueryRaw<int>("SELECT CAST(abs(-9223372036854775807 - 1) AS INTEGER) AS \"Value\"").ToListAsync());
            Assert.Contains("integer overflow", failure.Message, StringComparison.Ordinal);
            Assert.Equal(["Harbour"], await db.Agencies.Select(a => a.Name).ToListAsync());
        }
        Assert.Equal(1, pool.Idle);
    }

    [Fact]
    public async Task AQueryRunWhileTheSameQueryIsReadingRunsOnACommandOfItsOwn()
    {
        await using var pooled = await Pooled.CreateAsync("Harbour", "Lantern");
        var pool = pooled.Pool;

        await using (var db = pooled.Open())
        {
            var pairs = new List<string>();
            await foreach (var outer in db.Agencies.AsNoTracking().OrderBy(a => a.Name).Select(a => a.Name).AsAsyncEnumerable())
                foreach (var inner in await db.Agencies.AsNoTracking().OrderBy(a => a.Name).Select(a => a.Name).ToListAsync())
                    pairs.Add($"{outer}/{inner}");
            Assert.Equal(["Harbour/Harbour", "Harbour/Lantern", "Lantern/Harbour", "Lantern/Lantern"], pairs);
        }
        // Both commands were done with: the connection was clean and kept.
        Assert.Equal(1, pool.Idle);

        // New statistics while a query is reading: the statements are let go, the one still reading when it is done.
        await using (var db = pooled.Open())
        {
            var read = new List<string>();
            await foreach (var outer in db.Agencies.AsNoTracking().OrderBy(a => a.Name).Select(a => a.Name).AsAsyncEnumerable())
            {
                pool.Expire();
                Assert.Equal(2, await db.Agencies.CountAsync());
                read.Add(outer);
            }
            Assert.Equal(["Harbour", "Lantern"], read);
        }
        Assert.Equal(1, pool.Idle);
    }

    [Fact]
    public async Task ContextsReadingAndWritingAtOnceEachBorrowTheirOwnConnection()
    {
        await using var pooled = await Pooled.CreateAsync();
        var pool = pooled.Pool;

        await Task.WhenAll(Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await using var db = pooled.Open();
                Agency(db, $"Agency {worker}-{i}");
                await SqliteWriterTurns.RunAsync(db.Database, () => db.SaveChangesAsync(), CancellationToken.None);
                Assert.Equal(i + 1, await db.Agencies.CountAsync(a => a.Name.StartsWith($"Agency {worker}-")));
            }
        })));

        await using (var db = pooled.Open())
            Assert.Equal(120, await db.Agencies.CountAsync());
        Assert.InRange(pool.Idle, 1, 8);
        Assert.Equal(0, pool.Lent);
    }

    [Fact]
    public async Task TheConnectionsCloseWithThePool()
    {
        await using var pooled = await Pooled.CreateAsync();
        var pool = pooled.Pool;
        await using var db = pooled.Open();
        await db.Database.OpenConnectionAsync();
        var lent = (SqliteConnection)db.Database.GetDbConnection();
        await using (var other = pooled.Open())
            Assert.Equal(0, await other.Agencies.CountAsync());
        Assert.Equal(1, pool.Idle);

        pool.Dispose();
        Assert.Equal(0, pool.Idle);
        // The connection lent out is closed when it comes back.
        Assert.Equal(System.Data.ConnectionState.Open, lent.State);
        await db.Database.CloseConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, lent.State);
    }

    [Fact]
    public async Task ABorrowedConnectionCachesNoMorePagesThanItsShare()
    {
        await using var pooled = await Pooled.CreateAsync();
        const int rows = 2_000;
        const int bytesEach = 2_000; // 4 MB in all: twice SQLite's default cache, ten times a kept connection's

        await using var db = pooled.Open();
        await db.Database.OpenConnectionAsync();
        var lent = (SqliteConnection)db.Database.GetDbConnection();
        using (var fill = lent.CreateCommand())
        {
            fill.CommandText = $"""
                CREATE TABLE filler (body BLOB);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
                INSERT INTO filler SELECT randomblob({bytesEach}) FROM n;
                """;
            fill.ExecuteNonQuery();
        }
        var keptUse = ReadEveryPage(lent);

        // A connection of SQLite's defaults reading the same pages, to show they are more than the share.
        var plain = new SqliteConnectionStringBuilder(lent.ConnectionString) { Pooling = false }.ToString();
        await using var other = new SqliteConnection(plain);
        other.Open();
        var defaultUse = ReadEveryPage(other);

        var share = SqliteStatementPool.PageCacheKib * 1024;
        Assert.True(defaultUse > 2 * share, $"SQLite's default cache held {defaultUse} bytes");
        // SQLite's count includes each page's header and the pager's own memory besides the pages.
        Assert.InRange(keptUse, share / 2, share * 5 / 4);
        await db.Database.CloseConnectionAsync();

        static long ReadEveryPage(SqliteConnection connection)
        {
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT sum(length(body)) FROM filler;";
            Assert.Equal((long)rows * bytesEach, (long)read.ExecuteScalar()!);
            Assert.Equal(raw.SQLITE_OK, raw.sqlite3_db_status(connection.Handle, raw.SQLITE_DBSTATUS_CACHE_USED, out var used, out _, 0));
            return used;
        }
    }

    /// <summary>A SQLite database for one test, a pool, and contexts that borrow from it.</summary>
    private sealed class Pooled : IAsyncDisposable
    {
        private readonly TestDatabase _database;
        private readonly DbContextOptions<AllianceDbContext> _options;

        private Pooled(TestDatabase database)
        {
            _database = database;
            var builder = new DbContextOptionsBuilder<AllianceDbContext>();
            database.Settings.Apply(builder, Pool);
            _options = builder.Options;
        }

        public SqliteStatementPool Pool { get; } = new();

        /// <summary>A migrated database holding the given agencies.</summary>
        public static async Task<Pooled> CreateAsync(params string[] agencies)
        {
            var pooled = new Pooled(await TestDatabase.CreateAsync(TestDatabase.Sqlite));
            if (agencies.Length == 0) return pooled;
            await using var db = pooled.Open();
            foreach (var name in agencies) Agency(db, name);
            await db.SaveChangesAsync();
            return pooled;
        }

        /// <summary>An empty database, to be migrated through the pool.</summary>
        public static async Task<Pooled> UnmigratedAsync() => new(await TestDatabase.CreateAsync(TestDatabase.Sqlite, migrate: false));

        public AllianceDbContext Open() => AllianceDbContext.Create(_options, FixedTenant.Operator);

        public async ValueTask DisposeAsync()
        {
            Pool.Dispose();
            await _database.DisposeAsync();
        }
    }
}
