using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Alliance.Application.Backups;

/// <summary>
/// Finding and running PostgreSQL's client programs. Connection details go to the child through the libpq
/// environment variables (<c>PGHOST</c>, <c>PGUSER</c>, <c>PGPASSWORD</c>...), so the password never appears on a
/// command line that other users of the machine could list.
/// </summary>
internal static class PostgresTools
{
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>The program on PATH, else under <c>/usr/lib/postgresql/*/bin</c> of the highest version.</summary>
    public static string Find(string program)
    {
        foreach (var folder in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate)) return candidate;
        }
        if (Directory.Exists(DebianRoot))
        {
            var found = Directory.GetDirectories(DebianRoot)
                .Select(d => (Path: Path.Combine(d, "bin", program),
                    Version: decimal.TryParse(Path.GetFileName(d), NumberStyles.Number, CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => File.Exists(x.Path))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Path)
                .FirstOrDefault();
            if (found is not null) return found;
        }
        throw new BackupException($"{program} was found neither on PATH nor under {DebianRoot}/*/bin. Install PostgreSQL's client programs (on Debian: apt-get install postgresql-client), at least the server's version.");
    }

    /// <summary>host:port/database, for messages: never the password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{b.Host}:{b.Port}/{b.Database ?? b.Username}");
    }

    /// <summary>The connection string without pooling, so that the connections of a backup or restore really close.</summary>
    public static string Unpooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

    /// <summary>A libpq connection string naming only the database; everything else comes from the environment.</summary>
    public static string DatabaseOnly(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var name = b.Database ?? b.Username ?? throw new BackupException("Database__ConnectionString names no Database.");
        return "dbname='" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    /// <summary>The libpq environment for the child program, taken from the Npgsql connection string.</summary>
    public static Dictionary<string, string?> Environment(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(b.Host))
            throw new BackupException("Database__ConnectionString names no Host.");
        var hosts = new List<string>();
        var ports = new List<string>();
        foreach (var entry in b.Host.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Npgsql allows host:port for each of several hosts; libpq takes parallel lists.
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && entry.IndexOf(':', StringComparison.Ordinal) == colon && int.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                hosts.Add(entry[..colon]);
                ports.Add(port.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                hosts.Add(entry.Trim('[', ']'));
                ports.Add(b.Port.ToString(CultureInfo.InvariantCulture));
            }
        }
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PGHOST"] = string.Join(',', hosts),
            ["PGPORT"] = string.Join(',', ports),
            ["PGAPPNAME"] = "alliance backup",
            ["PGCONNECT_TIMEOUT"] = Math.Max(2, b.Timeout).ToString(CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrEmpty(b.Username)) environment["PGUSER"] = b.Username;
        if (!string.IsNullOrEmpty(b.Password)) environment["PGPASSWORD"] = b.Password;
        if (!string.IsNullOrEmpty(b.Passfile)) environment["PGPASSFILE"] = b.Passfile;
        if (!string.IsNullOrEmpty(b.RootCertificate)) environment["PGSSLROOTCERT"] = b.RootCertificate;
        if (!string.IsNullOrEmpty(b.SslCertificate)) environment["PGSSLCERT"] = b.SslCertificate;
        if (!string.IsNullOrEmpty(b.SslKey)) environment["PGSSLKEY"] = b.SslKey;
        environment["PGSSLMODE"] = b.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        return environment;
    }

    /// <summary>Runs a program to its end and returns its exit code and error output; cancelling ends it.</summary>
    public static async Task<(int ExitCode, string Error)> RunAsync(string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) info.Environment[name] = value;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new BackupException($"{program} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new BackupException($"{program} could not be started: {e.Message}", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            await output.ConfigureAwait(false);
            return (process.ExitCode, await error.ConfigureAwait(false));
        }
    }

    /// <summary>The end of a program's error output, short enough for a message.</summary>
    public static string Tail(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= 800 ? trimmed : "..." + trimmed[^800..];
    }
}
