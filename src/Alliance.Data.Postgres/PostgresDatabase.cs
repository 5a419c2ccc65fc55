using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Alliance.Data.Postgres;

/// <summary>The PostgreSQL provider, with its own migrations.</summary>
public static class PostgresDatabase
{
    /// <summary>Points the context at a PostgreSQL database and this assembly's migrations.</summary>
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return AllianceDbContext.WithModelPerProtector(builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgresDatabase).Assembly.GetName().Name)));
    }
}

/// <summary>Used by <c>dotnet ef migrations add</c> only; no connection is opened.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<AllianceDbContext>
{
    public AllianceDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        PostgresDatabase.Use(options, "Host=localhost;Database=alliance_design");
        return AllianceDbContext.Create(options.Options, FixedTenant.Operator);
    }
}
