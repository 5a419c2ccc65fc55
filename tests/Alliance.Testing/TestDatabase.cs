using Alliance.Application;
using Alliance.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Alliance.Testing;

/// <summary>
/// A real, migrated database for one test: a SQLite file in a temporary data folder, or a fresh database on
/// <see cref="PostgresServer"/>. It is configured through the product's own <see cref="DatabaseSettings"/> switch
/// and brought up to date by its migrations (never EnsureCreated), so the tests see exactly the schema
/// a deployment gets.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The provider names, as written in <c>Database:Provider</c>.</summary>
    public const string Sqlite = "Sqlite";

    /// <inheritdoc cref="Sqlite"/>
    public const string Postgres = "Postgres";

    private TestDatabase(string provider, string dataFolder, DatabaseSettings settings)
    {
        Provider = provider;
        DataFolder = dataFolder;
        Settings = settings;
        var builder = new DbContextOptionsBuilder<AllianceDbContext>();
        settings.Apply(builder);
        Options = builder.Options;
    }

    /// <summary>
    /// The theory source that runs one test against every provider:
    /// <c>[MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]</c>.
    /// </summary>
    public static TheoryData<string> ProviderData => new() { Sqlite, Postgres };

    /// <summary>"Sqlite" or "Postgres".</summary>
    public string Provider { get; }

    /// <summary>The temporary data folder (holds the SQLite file; empty for PostgreSQL).</summary>
    public string DataFolder { get; }

    /// <summary>The settings the product would derive from configuration for this database.</summary>
    public DatabaseSettings Settings { get; }

    /// <summary>Options for contexts on this database.</summary>
    public DbContextOptions<AllianceDbContext> Options { get; }

    /// <summary>
    /// Creates an empty database for the provider and, unless told otherwise, applies every migration.
    /// For PostgreSQL this skips the test (or fails it, when required) if no server is available.
    /// </summary>
    public static async Task<TestDatabase> CreateAsync(string provider, bool migrate = true)
    {
        var folder = Path.Combine(Path.GetTempPath(), "alliance-test-" + Guid.NewGuid().ToString("N")[..12]);
        var values = new Dictionary<string, string?> { ["Database:Provider"] = provider };
        switch (provider)
        {
            case Sqlite:
                // No connection string: the product's default, a file in the data folder.
                break;
            case Postgres:
                values["Database:ConnectionString"] = await PostgresServer.CreateDatabaseAsync().ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Use Sqlite or Postgres.");
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var database = new TestDatabase(provider, folder, DatabaseSettings.From(configuration, folder));
        if (migrate)
        {
            try
            {
                await using var db = database.OpenAsOperator();
                await DatabaseSettings.MigrateAsync(db).ConfigureAwait(false);
            }
            catch
            {
                await database.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        return database;
    }

    /// <summary>A new context working for the given tenant (an agency, the operator, or nobody).</summary>
    public AllianceDbContext Open(ITenantContext tenant) => AllianceDbContext.Create(Options, tenant);

    /// <summary>A new context acting as operator of the whole database.</summary>
    public AllianceDbContext OpenAsOperator() => Open(FixedTenant.Operator);

    /// <summary>A new context working for one agency.</summary>
    public AllianceDbContext OpenFor(Guid agencyId) => Open(FixedTenant.For(agencyId));

    /// <summary>Deletes the SQLite file (and its folder) or drops the PostgreSQL database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Provider == Postgres)
        {
            using (var connection = new NpgsqlConnection(Settings.ConnectionString))
                NpgsqlConnection.ClearPool(connection);
            await PostgresServer.DropDatabaseAsync(Settings.ConnectionString).ConfigureAwait(false);
        }
        else
        {
            using var connection = new SqliteConnection(Settings.ConnectionString);
            SqliteConnection.ClearPool(connection);
        }
        try
        {
            if (Directory.Exists(DataFolder)) Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is removed with the temp folder later; the test result does not depend on it.
        }
    }
}
