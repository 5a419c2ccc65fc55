using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Data.Sqlite;

/// <summary>How EF Core is set to borrow its connections from a <see cref="SqliteStatementPool"/> (see there).</summary>
internal static class KeptStatements
{
    public static DbContextOptionsBuilder Use(DbContextOptionsBuilder builder, SqliteStatementPool pool)
    {
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new Extension(pool));
#pragma warning disable EF1001 // The SQLite provider's connection service (see Connection).
        return builder
            .ReplaceService<ISqliteRelationalConnection, Connection>()
            .ReplaceService<IRelationalCommandBuilderFactory, CommandBuilderFactory>();
#pragma warning restore EF1001
    }

    /// <summary>Carries the host's pool to the context's connection.</summary>
    private sealed class Extension(SqliteStatementPool pool) : IDbContextOptionsExtension
    {
        private DbContextOptionsExtensionInfo? _info;

        public SqliteStatementPool Pool { get; } = pool;

        public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

        public void ApplyServices(IServiceCollection services)
        {
        }

        public void Validate(IDbContextOptions options)
        {
        }

        private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
        {
            public override bool IsDatabaseProvider => false;

            public override string LogFragment => "KeptStatements ";

            // Every host's pool is served by the same EF Core services: the pool is read from the options.
            public override int GetServiceProviderHashCode() => 0;

            public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

            public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Alliance:KeptStatements"] = "1";
        }
    }

#pragma warning disable EF1001 // SqliteRelationalConnection is EF Core's own: where a context opens and closes its connection.
    /// <summary>
    /// A context's connection that, while open, is one borrowed from the pool: EF Core's opening borrows it, its closing
    /// gives it back. While closed, the context shows the connection EF Core made for it (never opened here).
    /// </summary>
    private sealed class Connection(RelationalConnectionDependencies dependencies, IRawSqlCommandBuilder rawSqlCommandBuilder, IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
        : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
    {
        private readonly SqliteStatementPool? _pool = dependencies.ContextOptions.FindExtension<Extension>()?.Pool;

        /// <summary>The borrowed connection, while open.</summary>
        public KeptConnection? Kept { get; private set; }

        /// <summary>Whether this context borrows its connections (it does when its options carry a pool).</summary>
        public bool Pooled => _pool is not null;

        public override DbConnection DbConnection => Kept?.Connection ?? base.DbConnection;

        public override void SetDbConnection(DbConnection? value, bool contextOwnsConnection)
        {
            GiveBack();
            base.SetDbConnection(value, contextOwnsConnection);
        }

        protected override void OpenDbConnection(bool errorsExpected)
        {
            if (_pool is null)
            {
                base.OpenDbConnection(errorsExpected);
                return;
            }
            // A borrowed connection closed behind EF Core's back is given back (and, being closed, let go).
            GiveBack();
            // A connection made as EF Core makes its own: its SQL functions and the context's command timeout.
            Kept = _pool.Rent(() => (SqliteConnection)CreateDbConnection());
        }

        protected override Task OpenDbConnectionAsync(bool errorsExpected, CancellationToken cancellationToken)
        {
            if (_pool is null) return base.OpenDbConnectionAsync(errorsExpected, cancellationToken);
            // Opening a SQLite connection does not wait on anything; a borrowed one is open already.
            OpenDbConnection(errorsExpected);
            return Task.CompletedTask;
        }

        protected override void CloseDbConnection()
        {
            if (Kept is null) base.CloseDbConnection();
            else GiveBack();
        }

        protected override Task CloseDbConnectionAsync()
        {
            if (Kept is null) return base.CloseDbConnectionAsync();
            GiveBack();
            return Task.CompletedTask;
        }

        protected override void ResetState(bool disposeDbConnection)
        {
            base.ResetState(disposeDbConnection);
            GiveBack();
        }

        protected override async ValueTask ResetStateAsync(bool disposeDbConnection)
        {
            await base.ResetStateAsync(disposeDbConnection).ConfigureAwait(false);
            GiveBack();
        }

        private void GiveBack()
        {
            if (Kept is not { } kept) return;
            Kept = null;
            _pool!.Return(kept);
        }
    }
#pragma warning restore EF1001

    /// <summary>Builds <see cref="Command"/>s: every command EF Core runs (queries, changes, raw SQL) is built here.</summary>
    private sealed class CommandBuilderFactory(RelationalCommandBuilderDependencies dependencies) : RelationalCommandBuilderFactory(dependencies)
    {
        public override IRelationalCommandBuilder Create() => new CommandBuilder(Dependencies);
    }

    private sealed class CommandBuilder(RelationalCommandBuilderDependencies dependencies) : RelationalCommandBuilder(dependencies)
    {
        public override IRelationalCommand Build()
        {
            var built = (RelationalCommand)base.Build();
            return new Command(Dependencies, built.CommandText, built.LogCommandText, built.Parameters);
        }
    }

    /// <summary>
    /// EF Core's command, run on a borrowed connection by the command kept there for its text. Its creation is announced
    /// to EF Core's interceptors and diagnostics as EF Core's own would be, with the kept command.
    /// </summary>
    private sealed class Command(RelationalCommandBuilderDependencies dependencies, string commandText, string logCommandText, IReadOnlyList<IRelationalParameter> parameters)
        : RelationalCommand(dependencies, commandText, logCommandText, parameters)
    {
        // EF Core creates the command of a statement run without reading (and of a single value) before it opens the
        // connection: the connection is opened first here, so the command is created on the borrowed one.
        public override int ExecuteNonQuery(RelationalCommandParameterObject parameterObject) =>
            OpenedFirst(parameterObject, () => base.ExecuteNonQuery(parameterObject));

        public override Task<int> ExecuteNonQueryAsync(RelationalCommandParameterObject parameterObject, CancellationToken cancellationToken = default) =>
            OpenedFirstAsync(parameterObject, () => base.ExecuteNonQueryAsync(parameterObject, cancellationToken), cancellationToken);

        public override object? ExecuteScalar(RelationalCommandParameterObject parameterObject) =>
            OpenedFirst(parameterObject, () => base.ExecuteScalar(parameterObject));

        public override Task<object?> ExecuteScalarAsync(RelationalCommandParameterObject parameterObject, CancellationToken cancellationToken = default) =>
            OpenedFirstAsync(parameterObject, () => base.ExecuteScalarAsync(parameterObject, cancellationToken), cancellationToken);

        private static T OpenedFirst<T>(RelationalCommandParameterObject parameterObject, Func<T> run)
        {
            if (parameterObject.Connection is not Connection { Pooled: true } connection) return run();
            connection.Open();
            try
            {
                return run();
            }
            finally
            {
                connection.Close();
            }
        }

        private static async Task<T> OpenedFirstAsync<T>(RelationalCommandParameterObject parameterObject, Func<Task<T>> run, CancellationToken ct)
        {
            if (parameterObject.Connection is not Connection { Pooled: true } connection) return await run().ConfigureAwait(false);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            try
            {
                return await run().ConfigureAwait(false);
            }
            finally
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
        }

        public override DbCommand CreateDbCommand(RelationalCommandParameterObject parameterObject, Guid commandId, DbCommandMethod commandMethod)
        {
            var connection = parameterObject.Connection;
            if (connection is not Connection { Kept: { } kept }) return base.CreateDbCommand(parameterObject, commandId, commandMethod);
            // As EF Core's own: the command's creation is announced to the interceptors and diagnostics that listen.
            var logger = parameterObject.Logger;
            var startTime = DateTimeOffset.UtcNow;
            var announced = logger?.ShouldLogCommandCreate(startTime) ?? false;
            var started = Stopwatch.GetTimestamp();
            DbCommand command;
            if (announced)
            {
                var creating = logger!.CommandCreating(connection, commandMethod, parameterObject.Context, commandId, connection.ConnectionId, startTime, parameterObject.CommandSource);
                command = creating.HasResult ? creating.Result : kept.Command(CommandText);
                command = logger.CommandCreated(connection, command, commandMethod, parameterObject.Context, commandId, connection.ConnectionId, startTime, Stopwatch.GetElapsedTime(started), parameterObject.CommandSource);
            }
            else command = kept.Command(CommandText);
            command.CommandText = CommandText;
            command.Transaction = connection.CurrentTransaction?.GetDbTransaction();
            command.CommandTimeout = connection.CommandTimeout ?? kept.Connection.DefaultTimeout;
            for (var i = 0; i < Parameters.Count; i++)
                Parameters[i].AddDbParameter(command, parameterObject.ParameterValues);
            if (announced)
                command = logger!.CommandInitialized(connection, command, commandMethod, parameterObject.Context, commandId, connection.ConnectionId, startTime, Stopwatch.GetElapsedTime(started), parameterObject.CommandSource);
            return command;
        }
    }
}
