using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Alliance.Testing;

/// <summary>
/// One PostgreSQL server for the whole test process. <c>ALLIANCE_TEST_POSTGRES</c> names an existing server
/// (a connection string for a role that may create databases); otherwise a throwaway cluster is started with the
/// machine's <c>initdb</c>/<c>pg_ctl</c> (on PATH or under <c>/usr/lib/postgresql/*/bin</c>) and removed at exit.
/// When neither is possible, tests that need PostgreSQL skip with the reason, or fail when
/// <c>ALLIANCE_REQUIRE_POSTGRES=1</c> (as in CI).
/// </summary>
public static class PostgresServer
{
    /// <summary>Connection string of a server where tests may create databases.</summary>
    public const string ServerVariable = "ALLIANCE_TEST_POSTGRES";

    /// <summary>Set to 1 to turn a missing PostgreSQL into a failure instead of a skip.</summary>
    public const string RequireVariable = "ALLIANCE_REQUIRE_POSTGRES";

    private static readonly Lazy<Task<Server>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly List<string> CreatedDatabases = [];
    private static readonly Lock Gate = new();

    /// <summary>True when <c>ALLIANCE_REQUIRE_POSTGRES=1</c>.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true" or "yes";

    /// <summary>
    /// Why PostgreSQL cannot be used here, or null when it can. Starts the server on first use.
    /// </summary>
    public static async Task<string?> UnavailableReasonAsync() => (await Instance.Value.ConfigureAwait(false)).Problem;

    /// <summary>
    /// Skips the calling test (<c>[SkippableFact]</c>/<c>[SkippableTheory]</c>) with the reason when PostgreSQL is
    /// unavailable, or fails it when PostgreSQL is required.
    /// </summary>
    public static async Task RequireAsync()
    {
        var problem = await UnavailableReasonAsync().ConfigureAwait(false);
        if (problem is null) return;
        if (IsRequired)
            throw new InvalidOperationException($"PostgreSQL is required ({RequireVariable}=1) but unavailable: {problem}");
        Skip.If(true, $"PostgreSQL unavailable, test skipped: {problem} Set {ServerVariable} to a server's connection string, or install the PostgreSQL server binaries.");
    }

    /// <summary>Creates a fresh, uniquely named, empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        await RequireAsync().ConfigureAwait(false);
        var server = await Instance.Value.ConfigureAwait(false);
        var name = "alliance_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            // The name is generated above from hex digits only, so it is safe to place in the statement.
#pragma warning disable CA2100
            command.CommandText = $"CREATE DATABASE \"{name}\"";
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        lock (Gate) CreatedDatabases.Add(name);
        return new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing any connection still open to it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var server = await Instance.Value.ConfigureAwait(false);
        if (server.AdminConnectionString is null || name is null) return;
        lock (Gate)
        {
            if (!CreatedDatabases.Remove(name)) return;
        }
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private sealed record Server(string? AdminConnectionString, string? Problem, Action? Stop)
    {
        public static Server Unavailable(string problem) => new(null, problem, null);
    }

    private static async Task<Server> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
            return await UseExternalAsync(external).ConfigureAwait(false);

        var bin = FindBinaries();
        if (bin is null)
            return Server.Unavailable("initdb and pg_ctl were found neither on PATH nor under /usr/lib/postgresql/*/bin.");

        string? lastProblem = null;
        // A free port can be taken by another process between choosing and binding it; try a few.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var server = await StartClusterAsync(bin).ConfigureAwait(false);
            if (server.Problem is null)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop?.Invoke();
                return server;
            }
            lastProblem = server.Problem;
        }
        return Server.Unavailable(lastProblem ?? "the throwaway cluster did not start.");
    }

    private static async Task<Server> UseExternalAsync(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (string.IsNullOrEmpty(builder.Database)) builder.Database = "postgres";
            builder.Pooling = false;
            await using (var connection = new NpgsqlConnection(builder.ConnectionString))
                await connection.OpenAsync().ConfigureAwait(false);
            var admin = builder.ConnectionString;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropCreatedDatabases(admin);
            return new Server(admin, null, null);
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or SocketException or TimeoutException)
        {
            return Server.Unavailable($"{ServerVariable} is set but the server cannot be reached ({e.GetType().Name}: {e.Message}).");
        }
    }

    // On a shared server the test databases are removed again; a throwaway cluster is deleted whole.
    private static void DropCreatedDatabases(string adminConnectionString)
    {
        string[] names;
        lock (Gate) names = [.. CreatedDatabases];
        NpgsqlConnection.ClearAllPools();
        try
        {
            using var connection = new NpgsqlConnection(adminConnectionString);
            connection.Open();
            foreach (var name in names)
            {
                using var command = connection.CreateCommand();
#pragma warning disable CA2100
                command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
#pragma warning restore CA2100
                command.ExecuteNonQuery();
            }
        }
        catch (NpgsqlException)
        {
            // Best effort at exit: a leftover empty test database does no harm.
        }
    }

    private static string? FindBinaries()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (Has(dir)) return dir;

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
            .Where(x => Has(x.Dir))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    private static async Task<Server> StartClusterAsync(string bin)
    {
        var asRoot = Environment.UserName == "root" || IsRootByUid();
        // As root the cluster belongs to the postgres system user, who must be able to reach the folder: use /tmp,
        // not a TMPDIR that may sit under /root.
        var parent = asRoot && Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath();
        var folder = Path.Combine(parent, "alliance-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var data = Path.Combine(folder, "data");
        var log = Path.Combine(folder, "server.log");
        var port = FreePort();

        void Cleanup()
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        try
        {
            if (asRoot)
            {
                var chown = await RunAsync("chown", ["postgres:postgres", folder], folder, asPostgres: false).ConfigureAwait(false);
                if (chown.ExitCode != 0)
                {
                    Cleanup();
                    return Server.Unavailable($"running as root, but the folder could not be given to the postgres system user: {chown.Output.Trim()}");
                }
            }

            var init = await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", data, "-A", "trust", "-U", "alliance", "-E", "UTF8", "--no-locale", "--no-sync"], folder, asRoot).ConfigureAwait(false);
            if (init.ExitCode != 0)
            {
                Cleanup();
                return Server.Unavailable($"initdb failed (exit {init.ExitCode}): {Tail(init.Output)}");
            }

            // Durability is pointless for a throwaway cluster; switching it off keeps the tests quick.
            var options = $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            // -l keeps the server's output away from our pipes, so that reading them ends when pg_ctl does.
            var start = await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"], folder, asRoot).ConfigureAwait(false);
            if (start.ExitCode != 0)
            {
                var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log).ConfigureAwait(false) : "";
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "stop", "-m", "immediate"], folder, asRoot).ConfigureAwait(false);
                Cleanup();
                return Server.Unavailable($"pg_ctl start failed (exit {start.ExitCode}): {Tail(start.Output)} {Tail(serverLog)}");
            }

            var admin = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "alliance",
                Database = "postgres",
                Pooling = false,
            }.ConnectionString;

            await StartWatchdogAsync(bin, data, folder, asRoot).ConfigureAwait(false);

            void Stop()
            {
                NpgsqlConnection.ClearAllPools();
                // At process exit there is no awaiting: block on the stop, which takes well under a second.
                RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "stop", "-m", "immediate"], folder, asRoot).GetAwaiter().GetResult();
                Cleanup();
            }

            return new Server(admin, null, Stop);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Cleanup();
            return Server.Unavailable($"the throwaway cluster could not be started ({e.GetType().Name}: {e.Message}).");
        }
    }

    /// <summary>
    /// A test host may be killed moments after its exit handlers start (the test runner does not wait long), which
    /// would leave the cluster running. A small detached shell waits for this process to end, however it ends, then
    /// stops the cluster and deletes its folder.
    /// </summary>
    private static async Task StartWatchdogAsync(string bin, string data, string folder, bool asRoot)
    {
        const string script =
            "( while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; " +
            "if [ \"$5\" = root ]; then runuser -u postgres -- \"$2\" -D \"$3\" stop -m immediate; else \"$2\" -D \"$3\" stop -m immediate; fi; " +
            "rm -rf \"$4\" ) </dev/null >/dev/null 2>&1 &";
        await RunAsync("sh", ["-c", script, "alliance-pg-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            Path.Combine(bin, "pg_ctl"), data, folder, asRoot ? "root" : "user"], folder, asPostgres: false).ConfigureAwait(false);
    }

    private static bool IsRootByUid()
    {
        try
        {
            return File.ReadLines("/proc/self/status")
                .FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
                .Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, bool asPostgres)
    {
        var info = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : program,
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            // initdb and postgres refuse to run as root.
            foreach (var a in (string[])["-u", "postgres", "--", program]) info.ArgumentList.Add(a);
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{Path.GetFileName(program)} did not finish within two minutes.");
        }
        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }

    private static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 1500 ? trimmed : "..." + trimmed[^1500..];
    }
}
