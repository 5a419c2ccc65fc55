using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Alliance.Data.Sqlite;

/// <summary>The embedded SQLite provider, with its own migrations.</summary>
public static class SqliteDatabase
{
    /// <summary>
    /// Points the context at a SQLite database and this assembly's migrations. With <paramref name="statements"/>, the
    /// context borrows open connections from it and their statements are compiled once (see <see cref="SqliteStatementPool"/>).
    /// </summary>
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder builder, string connectionString, SqliteStatementPool? statements = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        SqliteLibrary.Prepare();
        // A list of ids is sent as one JSON parameter (json_each) rather than one parameter an id: the statement's text
        // then does not depend on the list's length, and EF Core builds its SQL once instead of at every execution.
        builder.UseSqlite(connectionString, o => o
            .MigrationsAssembly(typeof(SqliteDatabase).Assembly.GetName().Name)
            .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
        if (statements is not null) KeptStatements.Use(builder, statements);
        return AllianceDbContext.WithModelPerProtector(builder);
    }
}

/// <summary>Used by <c>dotnet ef migrations add</c> only.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<AllianceDbContext>
{
    public AllianceDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        SqliteDatabase.Use(options, "Data Source=design-time.db");
        return AllianceDbContext.Create(options.Options, FixedTenant.Operator);
    }
}
