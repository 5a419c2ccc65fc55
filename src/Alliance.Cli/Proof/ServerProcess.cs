using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Alliance.Cli.Proof;

/// <summary>How to run the web server for a proof: which build, which database, which folders.</summary>
/// <param name="Server">The web app's <c>Alliance.Web.dll</c>.</param>
/// <param name="DataFolder">The data folder (the SQLite file lives here).</param>
/// <param name="KeysFolder">The folder of the key-encryption certificate.</param>
/// <param name="Database">The database the proof runs on.</param>
/// <param name="Certificate">The throwaway HTTPS certificate.</param>
/// <param name="LogFile">Where the server's output goes.</param>
internal sealed record ServerOptions(string Server, string DataFolder, string KeysFolder, ProofDatabase Database, ThrowawayCertificate Certificate, string LogFile)
{
    /// <summary>Extra settings (<c>--Key value</c> pairs) for every start.</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];
}

/// <summary>
/// The web app as a child process on loopback, in the Production environment behind HTTPS with the demo agency seeded
/// into an empty database. It is started, killed with SIGKILL (<see cref="Kill"/>), stopped with SIGTERM, and always
/// ended when disposed. Only this process is ever signalled, by its own id.
/// </summary>
internal sealed class ServerProcess(ServerOptions options) : IAsyncDisposable
{
    private readonly Lock _logGate = new();
    private Process? _process;
    private StreamWriter? _log;

    /// <summary>The loopback port, chosen at the first start and kept across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>Where the server answers.</summary>
    public Uri BaseAddress => new($"https://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The running process's id, or null.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Finds the web app's build: the path given, else the build beside this command's own in the source tree.</summary>
    /// <exception cref="InvalidOperationException">No build was found.</exception>
    public static string FindServer(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
        {
            var path = Path.GetFullPath(given);
            return File.Exists(path) ? path : throw new InvalidOperationException($"--server: {path} does not exist. Point it at Alliance.Web.dll of a build.");
        }
        // bin/<configuration>/net10.0 of Alliance.Cli (or of a test project) inside the source tree.
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = here.Name;
        var configuration = here.Parent?.Name ?? "Debug";
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var web = Path.Combine(dir.FullName, "src", "Alliance.Web", "bin");
            if (!Directory.Exists(web)) continue;
            var candidates = new[] { configuration, "Release", "Debug" }.Distinct()
                .Select(c => Path.Combine(web, c, framework, "Alliance.Web.dll"))
                .Where(File.Exists)
                .ToList();
            if (candidates.Count > 0) return candidates[0];
        }
        throw new InvalidOperationException("The web app's build was not found: build src/Alliance.Web, or give --server PATH/Alliance.Web.dll.");
    }

    /// <summary>Starts the server and waits until it answers its health check.</summary>
    /// <returns>How long the start took.</returns>
    public async Task<TimeSpan> StartAsync(CancellationToken ct)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The server is already running.");
        _process?.Dispose();
        _log ??= new StreamWriter(options.LogFile, append: true) { AutoFlush = true };
        if (Port == 0) Port = FreePort();

        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(options.Server)!,
        };
        // The app host beside the library needs no dotnet on PATH; otherwise the dotnet that runs this command runs it.
        var appHost = Path.ChangeExtension(options.Server, null);
        if (File.Exists(appHost) && !OperatingSystem.IsWindows())
        {
            info.FileName = appHost;
        }
        else
        {
            info.FileName = DotnetHost();
            info.ArgumentList.Add(options.Server);
        }
        string[] arguments =
        [
            "--environment", "Production", "--demo",
            "--data", options.DataFolder, "--keys", options.KeysFolder,
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            "--Kestrel:Certificates:Default:Path", options.Certificate.Path,
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
            .. options.Settings,
        ];
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // The certificate's password goes through the environment, not the command line.
        info.Environment["Kestrel__Certificates__Default__Password"] = options.Certificate.Password;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in options.Database.ServerEnvironment()) info.Environment[name] = value;

        var started = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("The web server did not start.");
        _process = process;
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Watch(process);

        using var probe = new HttpClient(options.Certificate.Handler(cookies: false)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"The web server stopped at start (exit {process.ExitCode}); see {options.LogFile}.");
            try
            {
                using var health = await probe.GetAsync(new Uri("health", UriKind.Relative), ct).ConfigureAwait(false);
                if (health.StatusCode == HttpStatusCode.OK) return started.Elapsed;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Slow to answer while starting.
            }
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        Kill();
        throw new InvalidOperationException($"The web server did not answer /health within two minutes; see {options.LogFile}.");
    }

    /// <summary>Kills the server at once with SIGKILL (no shutdown code runs), and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process is not { } process) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        process.WaitForExit(30_000);
        Write("[proof] server killed with SIGKILL");
    }

    /// <summary>Stops the server with SIGTERM (a clean shutdown), killing it if it has not stopped within 30 seconds.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process) return;
        try
        {
            using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            if (term is not null) await term.WaitForExitAsync().ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Kill();
        }
    }

    /// <summary>The server's peak resident memory so far (VmHWM), in bytes, or null where it cannot be read.</summary>
    public long? PeakMemoryBytes()
    {
        if (_process is not { HasExited: false } process) return null;
        try
        {
            var line = File.ReadLines($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
            return long.TryParse(kilobytes, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        if (_log is not null) await _log.DisposeAsync().ConfigureAwait(false);
        _log = null;
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (_logGate) _log?.WriteLine(line);
    }

    /// <summary>
    /// If this process ends without disposing the server (a test runner killed at its time limit), a small detached
    /// shell kills the server it leaves behind: it waits while both live, then kills the server only if that process
    /// id still belongs to it (the start time in /proc matches), never a process that took the id over.
    /// </summary>
    private static void Watch(Process server)
    {
        if (!OperatingSystem.IsLinux()) return;
        string started;
        try
        {
            var stat = File.ReadAllText($"/proc/{server.Id.ToString(CultureInfo.InvariantCulture)}/stat");
            started = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        }
        catch (Exception e) when (e is IOException or IndexOutOfRangeException)
        {
            return;
        }
        const string script =
            "same() { s=$(cat /proc/$2/stat 2>/dev/null) || return 1; s=${s##*) }; set -- $s; [ \"${20}\" = \"$STARTED\" ]; }; " +
            "while kill -0 \"$1\" 2>/dev/null && same x \"$2\"; do sleep 1; done; " +
            "if same x \"$2\"; then kill -9 \"$2\"; fi";
        var info = new ProcessStartInfo("sh", ["-c", script, "alliance-proof-watchdog",
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), server.Id.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["STARTED"] = started;
        using var watchdog = Process.Start(info);
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
