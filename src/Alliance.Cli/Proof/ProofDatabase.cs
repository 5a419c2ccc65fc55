using System.Data.Common;
using Alliance.Application;
using Alliance.Application.Measures;
using Alliance.Application.Security;
using Alliance.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Proof;

/// <summary>
/// The database a proof runs on (SQLite in the data folder, or a PostgreSQL database), opened from this process as
/// operator with the same key ring as the web server, and checked for integrity: <c>PRAGMA integrity_check</c> on
/// SQLite; on PostgreSQL the <c>amcheck</c> extension over every B-tree index (<c>bt_index_check</c>, with the heap
/// checked against each index) and every table (<c>verify_heapam</c>).
/// </summary>
internal sealed class ProofDatabase
{
    private readonly IConfiguration _configuration;

    public ProofDatabase(DatabaseProvider provider, string? connectionString, string dataFolder, string keysFolder)
    {
        Provider = provider;
        DataFolder = dataFolder;
        KeysFolder = keysFolder;
        var settings = new Dictionary<string, string?> { ["data"] = dataFolder, ["keys"] = keysFolder };
        if (provider == DatabaseProvider.Postgres)
        {
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = connectionString;
        }
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Settings = DatabaseSettings.From(_configuration, dataFolder);
    }

    public DatabaseProvider Provider { get; }

    public string DataFolder { get; }

    public string KeysFolder { get; }

    public DatabaseSettings Settings { get; }

    /// <summary>How the web server is pointed at this database (through its environment, which keeps a password off the command line).</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment() => Provider == DatabaseProvider.Postgres
        ? new Dictionary<string, string> { ["Database__Provider"] = "Postgres", ["Database__ConnectionString"] = Settings.ConnectionString }
        : new Dictionary<string, string>();

    /// <summary>Services for work on the database as its operator: the context and the questionnaire-link use case.</summary>
    public ServiceProvider OpenServices()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITenantContext>(new OperatorTenant(Alliance.Data.Auditing.AuditActor.Operator(Environment.UserName)));
        services.AddAllianceDataProtection(_configuration, DataFolder);
        services.AddAllianceDbContext((_, o) => Settings.Apply(o));
        services.AddSingleton<AgencyInstrumentCache>();
        services.AddScoped<AgencyInstruments>();
        services.AddScoped<QuestionnaireLinks>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>Runs the database's own integrity check; returns each problem found (none when intact).</summary>
    public async Task<IReadOnlyList<string>> IntegrityProblemsAsync(AllianceDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            return Provider == DatabaseProvider.Sqlite ? await SqliteAsync(connection, ct).ConfigureAwait(false) : await PostgresAsync(connection, ct).ConfigureAwait(false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What the check covers, for the summary.</summary>
    public string IntegrityCheckName => Provider == DatabaseProvider.Sqlite
        ? "PRAGMA integrity_check"
        : "amcheck (bt_index_check with heapallindexed on every B-tree index, verify_heapam on every table)";

    private static async Task<IReadOnlyList<string>> SqliteAsync(DbConnection connection, CancellationToken ct)
    {
        var problems = new List<string>();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var line = reader.GetString(0);
            if (line != "ok") problems.Add("integrity_check: " + line);
        }
        return problems;
    }

    private static async Task<IReadOnlyList<string>> PostgresAsync(DbConnection connection, CancellationToken ct)
    {
        var problems = new List<string>();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE EXTENSION IF NOT EXISTS amcheck";
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var indexes = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = """
                SELECT c.relname FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_am am ON am.oid = c.relam
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE am.amname = 'btree' AND n.nspname = current_schema() AND i.indisready AND i.indisvalid
                ORDER BY c.relname
                """;
            await using var reader = await list.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) indexes.Add(reader.GetString(0));
        }
        if (indexes.Count == 0) problems.Add("amcheck: no index was found to check");
        foreach (var name in indexes)
        {
            try
            {
                await using var check = connection.CreateCommand();
                check.CommandText = "SELECT bt_index_check(quote_ident(@name)::regclass, true)";
                var parameter = check.CreateParameter();
                parameter.ParameterName = "name";
                parameter.Value = name;
                check.Parameters.Add(parameter);
                await check.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                problems.Add($"bt_index_check({name}): {e.Message}");
            }
        }
        await using (var heap = connection.CreateCommand())
        {
            heap.CommandText = """
                SELECT c.relname, v.blkno, v.msg FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                CROSS JOIN LATERAL verify_heapam(c.oid) v
                WHERE c.relkind = 'r' AND n.nspname = current_schema()
                """;
            await using var reader = await heap.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                problems.Add($"verify_heapam({reader.GetString(0)}), block {reader.GetValue(1)}: {reader.GetValue(2)}");
        }
        return problems;
    }
}
