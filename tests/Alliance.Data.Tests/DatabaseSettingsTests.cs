using Alliance.Application;
using Alliance.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;

namespace Alliance.Data.Tests;

/// <summary>The explicit <c>Database:Provider</c> switch: it never guesses, and it fails fast with a clear message.</summary>
[Trait("Capability", "Foundation")]
public sealed class DatabaseSettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-settings-" + Guid.NewGuid().ToString("N")[..12]);

    private static IConfiguration Config(string? provider, string? connectionString = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider,
            ["Database:ConnectionString"] = connectionString,
        }).Build();

    [Theory]
    [InlineData("Oracle")]
    [InlineData("SqlServer")]
    [InlineData("postgresql")]
    [InlineData("InMemory")]
    public void AnUnknownProviderStopsWithAMessageNamingItAndTheChoices(string provider)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DatabaseSettings.From(Config(provider, "Data Source=x"), _folder));

        Assert.Contains($"'{provider}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite", e.Message, StringComparison.Ordinal);
        Assert.Contains("Postgres", e.Message, StringComparison.Ordinal);
        Assert.Contains("Database:Provider", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void PostgresWithoutAConnectionStringStopsWithAClearMessage(string? connectionString)
    {
        var e = Assert.Throws<InvalidOperationException>(() => DatabaseSettings.From(Config("Postgres", connectionString), _folder));

        Assert.Contains("Database:ConnectionString", e.Message, StringComparison.Ordinal);
        Assert.Contains("Postgres", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("postgres")]
    [InlineData("POSTGRES")]
    public void PostgresIsChosenByNameWithItsConnectionString(string provider)
    {
        var settings = DatabaseSettings.From(Config(provider, "Host=db;Database=alliance"), _folder);

        Assert.Equal(new DatabaseSettings(DatabaseProvider.Postgres, "Host=db;Database=alliance"), settings);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Sqlite")]
    [InlineData("sqlite")]
    public void SqliteIsTheDefaultAndKeepsItsFileInTheDataFolder(string? provider)
    {
        var settings = DatabaseSettings.From(Config(provider), _folder);

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.Equal(Path.Combine(_folder, DatabaseSettings.SqliteFileName), new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource);
        Assert.True(Directory.Exists(_folder));
    }

    [Fact]
    public void SqliteUsesAGivenConnectionString()
    {
        var file = Path.Combine(_folder, "elsewhere.db");

        var settings = DatabaseSettings.From(Config("Sqlite", $"Data Source={file}"), _folder);

        Assert.Equal(file, new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource);
    }

    [Fact]
    public async Task SqliteMigratesIntoTheDataFolderInWriteAheadLoggingMode()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        var file = Path.Combine(database.DataFolder, DatabaseSettings.SqliteFileName);

        Assert.True(File.Exists(file), $"Expected the database file at {file}.");
        // A fresh connection reads the mode from the file itself, where WAL persists.
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task EachProviderRunsOnItsOwnEngineWithItsOwnMigrations(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.OpenAsOperator();

        Assert.Equal(provider == TestDatabase.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres, database.Settings.Provider);
        Assert.Equal(provider == TestDatabase.Sqlite, db.Database.IsSqlite());
        Assert.Equal(provider == TestDatabase.Postgres, db.Database.IsNpgsql());
        var migrationsAssembly = db.GetService<IMigrationsAssembly>().Assembly.GetName().Name;
        Assert.Equal($"Alliance.Data.{provider}", migrationsAssembly);
        Assert.True(await db.Database.CanConnectAsync());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
