using Alliance.Data;
using Alliance.Data.Postgres;
using Alliance.Data.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Alliance.Application;

/// <summary>Which database Alliance runs on: the explicit <c>Database:Provider</c> switch. The provider is never guessed.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    /// <summary>The SQLite file name inside the data folder.</summary>
    public const string SqliteFileName = "alliance.db";

    /// <summary>
    /// Reads <c>Database:Provider</c> (<c>Sqlite</c> by default, or <c>Postgres</c>) and <c>Database:ConnectionString</c>.
    /// SQLite keeps its file in the data folder unless a connection string is given.
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider is unknown, or PostgreSQL has no connection string.</exception>
    public static DatabaseSettings From(IConfiguration configuration, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration["Database:Provider"];
        var connectionString = configuration["Database:ConnectionString"];
        if (string.IsNullOrWhiteSpace(name) || name.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                Directory.CreateDirectory(dataFolder);
                connectionString = new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dataFolder, SqliteFileName),
                    Pooling = true,
                }.ToString();
            }
            return new DatabaseSettings(DatabaseProvider.Sqlite, connectionString);
        }
        if (name.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is Postgres but Database:ConnectionString is empty. Set it, for example Host=db;Database=alliance;Username=alliance.");
            return new DatabaseSettings(DatabaseProvider.Postgres, connectionString);
        }
        throw new InvalidOperationException($"Database:Provider '{name}' is not known. Use Sqlite (the default, an embedded file in the data folder) or Postgres.");
    }

    /// <summary>Applies this provider to a context's options.</summary>
    public void Apply(DbContextOptionsBuilder builder) => _ = Provider switch
    {
        DatabaseProvider.Sqlite => SqliteDatabase.Use(builder, ConnectionString),
        DatabaseProvider.Postgres => PostgresDatabase.Use(builder, ConnectionString),
        _ => throw new InvalidOperationException($"Unknown provider {Provider}."),
    };

    /// <summary>Creates the schema or brings it up to date; on SQLite also switches to write-ahead logging.</summary>
    public static async Task MigrateAsync(AllianceDbContext db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);
        await RefreshStatisticsAsync(db, StatisticsRefresh.Everything, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// On SQLite, refreshes the statistics its query planner chooses indexes by (<c>sqlite_stat1</c>), one table at a
    /// time. Without statistics SQLite takes every index to be selective: for "primary therapist or co-therapist" it
    /// searches the agency's index (every case of a one-agency database) where the two therapist indexes find a handful
    /// (92 ms against well under 1 ms at 100,000 families). Each index is sampled (<c>analysis_limit</c>), but each
    /// table's rows are still counted: at 100,000 families analysing everything takes about 150 ms, half of it the audit
    /// trail (see <see cref="StatisticsRefresh.Periodic"/>). PostgreSQL keeps its own statistics.
    /// </summary>
    public static async Task RefreshStatisticsAsync(AllianceDbContext db, StatisticsRefresh refresh, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsSqlite()) return;
        var names = await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .ToListAsync(ct).ConfigureAwait(false);
        var tables = names.Where(n => !n.StartsWith("sqlite_", StringComparison.Ordinal)).ToList();
        if (refresh == StatisticsRefresh.Periodic && names.Contains("sqlite_stat1"))
        {
            var analysed = await db.Database.SqlQueryRaw<string>("SELECT DISTINCT tbl AS \"Value\" FROM sqlite_stat1")
                .ToListAsync(ct).ConfigureAwait(false);
            tables.RemoveAll(t => TrailTables.Contains(t) && analysed.Contains(t));
        }
        // ANALYZE writes the statistics, so it takes turns with the other writers (SqliteWriterTurns): one table a turn,
        // so that an answer waits for one table's analysis at most, not for the whole database's.
        foreach (var table in tables)
        {
            var analyze = $"PRAGMA analysis_limit=1000; ANALYZE \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
            await SqliteWriterTurns.RunAsync(db.Database, () => db.Database.ExecuteSqlRawAsync(analyze, ct), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The append-only trail: it grows with every read, and each of its questions has one index that fits it (by agency
    /// and sequence, or by agency and case), whatever the counts. Counting its rows is half the cost of an analysis.
    /// </summary>
    private static readonly HashSet<string> TrailTables = new(StringComparer.Ordinal) { "audit_entries" };
}

/// <summary>How much of the database <see cref="DatabaseSettings.RefreshStatisticsAsync"/> analyses again.</summary>
public enum StatisticsRefresh
{
    /// <summary>Every table: at the start, and after a bulk load.</summary>
    Everything,

    /// <summary>
    /// Every table but the audit trail, once it has statistics: the server's refresh while it runs. The trail's analysis
    /// (about 75 ms of CPU at 100,000 families, most of it counting rows) held a writer's turn for that long under load,
    /// and the answers queued behind it waited close to a second.
    /// </summary>
    Periodic,
}

/// <summary>The database engines Alliance supports.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded file: one machine.</summary>
    Sqlite,
    /// <summary>A PostgreSQL server: one or more web nodes.</summary>
    Postgres,
}

/// <summary>Where Alliance keeps its files: <c>--data DIR</c>, else <c>ALLIANCE_DATA</c>, else <c>./data</c>.</summary>
public static class DataFolder
{
    /// <summary>Resolves the data folder to a full path.</summary>
    public static string Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var folder = configuration["data"];
        if (string.IsNullOrWhiteSpace(folder)) folder = Environment.GetEnvironmentVariable("ALLIANCE_DATA");
        if (string.IsNullOrWhiteSpace(folder)) folder = "data";
        return Path.GetFullPath(folder);
    }
}
