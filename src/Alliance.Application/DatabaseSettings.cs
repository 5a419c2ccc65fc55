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

    /// <summary>
    /// Applies this provider to a context's options. On SQLite, <paramref name="statements"/> (a long-running host's)
    /// lends the contexts open connections that keep their compiled statements.
    /// </summary>
    public void Apply(DbContextOptionsBuilder builder, SqliteStatementPool? statements = null) => _ = Provider switch
    {
        DatabaseProvider.Sqlite => SqliteDatabase.Use(builder, ConnectionString, statements),
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
    /// On SQLite, refreshes the statistics its query planner chooses indexes by (<c>sqlite_stat1</c>). Without
    /// statistics SQLite takes every index to be selective: for "primary therapist or co-therapist" it searches the
    /// agency's index (every case of a one-agency database) where the two therapist indexes find a handful (92 ms against
    /// well under 1 ms at 100,000 families). PostgreSQL keeps its own statistics.
    /// </summary>
    public static async Task RefreshStatisticsAsync(AllianceDbContext db, StatisticsRefresh refresh, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsSqlite()) return;
        // Statistics are written like any row, so the refresh takes turns with the other writers (SqliteWriterTurns).
        if (refresh == StatisticsRefresh.Periodic)
        {
            // 0x10002: look at every table (0x10000), analyse those that need it (0x02), sampling each index.
            await SqliteWriterTurns.RunAsync(db.Database, () => db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", ct), ct).ConfigureAwait(false);
            return;
        }
        // One table a turn, so that a writer waits for one table's analysis at most (the audit trail's, the largest, is
        // about 75 ms of CPU at 100,000 families, most of it counting its rows).
        var tables = await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .ToListAsync(ct).ConfigureAwait(false);
        foreach (var table in tables)
        {
            var analyze = $"PRAGMA analysis_limit=1000; ANALYZE \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
            await SqliteWriterTurns.RunAsync(db.Database, () => db.Database.ExecuteSqlRawAsync(analyze, ct), ct).ConfigureAwait(false);
        }
    }
}

/// <summary>How much of the database <see cref="DatabaseSettings.RefreshStatisticsAsync"/> analyses again.</summary>
public enum StatisticsRefresh
{
    /// <summary>Every table: at the start, and after a bulk load.</summary>
    Everything,

    /// <summary>
    /// The tables whose statistics no longer fit them: never analysed, or grown or shrunk many times over since
    /// (SQLite's <c>PRAGMA optimize</c>). Usually none. Every analysis changes the schema's statistics, and then every
    /// open connection reads them again and every statement is planned with them: analysing all tables every ten minutes
    /// stalled the answers for close to a second each time.
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
