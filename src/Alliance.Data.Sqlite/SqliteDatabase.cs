using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Alliance.Data.Sqlite;

/// <summary>The embedded SQLite provider, with its own migrations.</summary>
public static class SqliteDatabase
{
    /// <summary>Points the context at a SQLite database and this assembly's migrations.</summary>
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // A list of ids is sent as one JSON parameter (json_each) rather than one parameter an id: the statement's text
        // then does not depend on the list's length, and EF Core builds its SQL once instead of at every execution.
        return AllianceDbContext.WithModelPerProtector(builder.UseSqlite(connectionString, o => o
            .MigrationsAssembly(typeof(SqliteDatabase).Assembly.GetName().Name)
            .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)));
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
