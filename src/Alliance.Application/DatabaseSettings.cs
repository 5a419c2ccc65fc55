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
    }
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
