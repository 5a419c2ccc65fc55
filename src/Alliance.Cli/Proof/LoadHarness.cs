using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alliance.Application;
using Alliance.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Proof;

/// <summary>What a load run does.</summary>
/// <param name="Database">The database (empty at the start; the demo agency is seeded into it).</param>
/// <param name="Server">The web app's build.</param>
/// <param name="Clients">Concurrent clients, each a signed-in therapist who also answers family links.</param>
/// <param name="Duration">How long the mix is held (measured).</param>
/// <param name="Warmup">How long it runs before measuring starts.</param>
/// <param name="Links">Questionnaire links minted in advance.</param>
/// <param name="Seed">The seed of the random choices.</param>
/// <param name="Cases">Families added to the demo agency before the run (0: the demo's own dozen).</param>
/// <param name="Reuse">The database is that of an earlier load run, its agency already grown by <paramref name="Cases"/> families.</param>
/// <param name="Rate">
/// Requests a second offered by all the clients together, each client taking its turns at an even pace; null: each client
/// sends its next request as soon as the last is answered (the server's capacity).
/// </param>
internal sealed record LoadOptions(ProofDatabase Database, string Server, int Clients, TimeSpan Duration, TimeSpan Warmup, int Links, int Seed, int Cases = 0, bool Reuse = false, int? Rate = null);

/// <summary>The figures of a load run.</summary>
internal sealed record LoadReport(
    long Requests, long Errors, TimeSpan Measured, double RequestsPerSecond, double P50, double P95, double P99, double Max,
    IReadOnlyDictionary<string, (long Count, double P50, double P95)> ByKind, IReadOnlyDictionary<string, long> ErrorsByKind,
    long? ServerPeakBytes, double ServerCpuSeconds, double GeneratorCpuSeconds, long Submissions, bool LinksRanOut,
    IReadOnlyList<SlowRequest> Slowest, IReadOnlyList<Slice> Tenths, IReadOnlyList<Slice> Seconds);

/// <summary>
/// A slice of a run's measured time (a tenth, or a second): the requests a second that began in it, their p95 and the
/// slowest (a run that slows as it goes, or a pause of the whole server, shows in them).
/// </summary>
internal sealed record Slice(double RequestsPerSecond, double P95, double Max);

/// <summary>One of a run's slowest requests: its kind, how long it took, and when it began, in seconds into the measured time.</summary>
internal sealed record SlowRequest(string Kind, double Milliseconds, double AtSeconds);

/// <summary>
/// A load generator of Alliance's own, on loopback: the web server runs as a child process in Production behind HTTPS
/// with a throwaway certificate; N clients sign in as the demo agency's therapists and hold a realistic mix for a
/// while: 70% page views (the caseload and case pages), 20% API reads (caseload, case, alerts, inbox) and 10%
/// questionnaire submissions through links minted in advance (the form's GET and its POST). Every answer is checked;
/// anything but the expected status is an error. Reports requests a second, latency percentiles, the server's peak
/// memory and how the CPU time split between server and generator.
/// <para>
/// Without a rate, each client sends its next request as soon as the last is answered: the run finds the server's
/// capacity, and its latency is the clients' count over that capacity (Little's law). With a rate, each client takes
/// its turns at an even pace (the clients' turns interleaved), and a request's latency counts from its turn, not from
/// when it could be sent: a server that falls behind shows it in every later request's latency, as a person waiting
/// at a screen would feel it (no coordinated omission).
/// </para>
/// </summary>
internal sealed partial class LoadHarness(LoadOptions options, TextWriter output)
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    private static readonly string[] Therapists = ["tobias@harbourlight.example", "amara@harbourlight.example", "jonah@harbourlight.example"];

    /// <summary>The file of a data folder that records how many families a load run added, once they are all in.</summary>
    private static string GrownFile(string dataFolder) => Path.Combine(dataFolder, "proof", "load-grown-by.txt");

    /// <summary>The file of a data folder that holds the last load run's figures second by second.</summary>
    public static string SecondsFile(string dataFolder) => Path.Combine(dataFolder, "proof", "load-seconds.csv");

    /// <summary>How many families an earlier load run added to the agency in this data folder, or null if none finished seeding it.</summary>
    public static int? GrownCases(string dataFolder) =>
        File.Exists(GrownFile(dataFolder)) && int.TryParse(File.ReadAllText(GrownFile(dataFolder)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public async Task<LoadReport> RunAsync(CancellationToken ct)
    {
        var database = options.Database;
        var proofFolder = Path.Combine(database.DataFolder, "proof");
        Directory.CreateDirectory(proofFolder);
        var certificate = ThrowawayCertificate.Create(proofFolder);
        await using var services = database.OpenServices();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            await DatabaseSettings.MigrateAsync(db, ct).ConfigureAwait(false);
            if (!options.Reuse && await db.Agencies.IgnoreQueryFilters().AnyAsync(ct).ConfigureAwait(false))
                throw new InvalidOperationException("The load proof writes test data: give it an empty database (a new --data folder, or an empty PostgreSQL database).");
            scope.ServiceProvider.GetRequiredService<ISensitiveTextProtector>().Protect(string.Empty);
        }

        var logFile = Path.Combine(proofFolder, "server.log");
        await using var server = new ServerProcess(new ServerOptions(options.Server, database.DataFolder, database.KeysFolder, database, certificate, logFile));
        var started = await server.StartAsync(ct).ConfigureAwait(false);
        await output.WriteLineAsync($"Server started on {server.BaseAddress} in {CrashHarness.Seconds(started)} (Production, HTTPS, demo agency {(options.Reuse ? "and its grown agency reused" : "seeded")}); its log: {logFile}").ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        if (options.Cases > 0 && !options.Reuse)
        {
            await SyntheticFamilies.AddAsync(services, options.Cases, async made =>
            {
                if (made % 10_000 < 1500 || made == options.Cases)
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {made} families added ({CrashHarness.Seconds(clock.Elapsed)})")).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            // The server analysed the database when it held the demo's dozen families; as its ten-minute refresh would,
            // the statistics are taken again now that the agency is large.
            await using (var scope = services.CreateAsyncScope())
                await DatabaseSettings.RefreshStatisticsAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), StatisticsRefresh.Everything, ct).ConfigureAwait(false);
            clock.Restart();
        }
        if (!options.Reuse)
            await File.WriteAllTextAsync(GrownFile(database.DataFolder), options.Cases.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        var minted = await FamilyLinks.MintAsync(services, options.Links, ct, perLink: 4).ConfigureAwait(false);
        var links = new System.Collections.Concurrent.ConcurrentQueue<MintedLink>(minted);
        await output.WriteLineAsync($"Minted {minted.Count} questionnaire links in advance ({minted.Sum(l => l.Questionnaires)} questionnaires) in {CrashHarness.Seconds(clock.Elapsed)}.").ConfigureAwait(false);

        var clients = new List<Client>();
        try
        {
            for (var i = 0; i < options.Clients; i++)
            {
                var client = new Client(i, certificate, server.BaseAddress, new Random(options.Seed + i));
                clients.Add(client);
                await client.SignInAsync(Therapists[i % Therapists.Length], ct).ConfigureAwait(false);
            }
            await output.WriteLineAsync($"{clients.Count} clients signed in; warming up for {options.Warmup.TotalSeconds:0} s, then measuring for {options.Duration.TotalSeconds:0} s.").ConfigureAwait(false);

            var serverCpuBefore = 0d;
            var generatorCpuBefore = TimeSpan.Zero;
            // Set to the moment measuring starts (a Stopwatch timestamp).
            var measuring = new TaskCompletionSource<long>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // With a rate, client i's turns come every (clients / rate) seconds from i / rate seconds after measuring starts.
            var pace = options.Rate is { } rate ? new Pace(Stopwatch.Frequency * options.Clients / rate, Stopwatch.Frequency / rate) : (Pace?)null;
            var runs = clients.Select((c, i) => Task.Run(() => c.RunAsync(links, measuring.Task, pace is { } p ? p with { First = i * p.First } : null, stop.Token), CancellationToken.None)).ToList();
            await Task.Delay(options.Warmup, ct).ConfigureAwait(false);
            serverCpuBefore = CpuSeconds(server.ProcessId);
            generatorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var measured = Stopwatch.StartNew();
            var measuredFrom = Stopwatch.GetTimestamp();
            var measuredAt = DateTimeOffset.UtcNow;
            measuring.SetResult(measuredFrom);
            await Task.Delay(options.Duration, ct).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(runs).ConfigureAwait(false);
            measured.Stop();
            var serverCpu = CpuSeconds(server.ProcessId) - serverCpuBefore;
            var generatorCpu = (Process.GetCurrentProcess().TotalProcessorTime - generatorCpuBefore).TotalSeconds;
            var peak = server.PeakMemoryBytes();
            await server.StopAsync().ConfigureAwait(false);
            var report = Report(clients, measured.Elapsed, measuredFrom, peak, serverCpu, generatorCpu, links.IsEmpty);
            await WriteSecondsAsync(report, measuredAt, SecondsFile(database.DataFolder), ct).ConfigureAwait(false);
            return report;
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    public static async Task WriteSummaryAsync(LoadReport r, LoadOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var cores = Environment.ProcessorCount;
        var lines = new List<string>
        {
            "",
            string.Create(CultureInfo.InvariantCulture, $"Load on {options.Database.Provider} ({(options.Cases > 0 ? $"{options.Cases} families added to the demo agency" : "the demo agency")}): {options.Clients} clients for {r.Measured.TotalSeconds:0} s over HTTPS (Production), the mix 70% pages, 20% API reads, 10% questionnaire submissions."),
            options.Rate is { } rate
                ? string.Create(CultureInfo.InvariantCulture, $"  offered:         {rate} requests a second, each client at an even pace; latency counts from each request's turn")
                : "  offered:         as fast as answered, each client sending its next request when the last is answered",
            string.Create(CultureInfo.InvariantCulture, $"  requests:        {r.Requests} ({r.RequestsPerSecond:0} a second), errors: {r.Errors}"),
            string.Create(CultureInfo.InvariantCulture, $"  latency (ms):    p50 {r.P50:0.0}, p95 {r.P95:0.0}, p99 {r.P99:0.0}, max {r.Max:0}"),
        };
        foreach (var (kind, (count, p50, p95)) in r.ByKind.OrderBy(k => k.Key, StringComparer.Ordinal))
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"    {kind,-22} {count,8} requests, p50 {p50,7:0.0} ms, p95 {p95,7:0.0} ms"));
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"  questionnaires answered: {r.Submissions}{(r.LinksRanOut ? " (the minted links ran out: mint more with --links)" : "")}"));
        if (r.ServerPeakBytes is { } peak)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  server peak memory (VmHWM): {peak / 1024d / 1024d:0} MB"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"  CPU over the measured time: server {r.ServerCpuSeconds:0.0} s ({100 * r.ServerCpuSeconds / r.Measured.TotalSeconds / cores:0}% of {cores} cores), load generator {r.GeneratorCpuSeconds:0.0} s ({100 * r.GeneratorCpuSeconds / r.Measured.TotalSeconds / cores:0}%)"));
        if (r.Tenths.Count > 0)
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  by tenth of the run: requests a second {string.Join(' ', r.Tenths.Select(t => t.RequestsPerSecond.ToString("0", CultureInfo.InvariantCulture)))}; p95 (ms) {string.Join(' ', r.Tenths.Select(t => t.P95.ToString("0", CultureInfo.InvariantCulture)))}"));
        if (r.Seconds.Count > 0)
            lines.Add($"  second by second: {SecondsFile(options.Database.DataFolder)}");
        if (r.Slowest.Count > 0)
            lines.Add("  slowest:         " + string.Join("; ", r.Slowest.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Kind} {s.Milliseconds:0} ms at {s.AtSeconds:0} s"))));
        foreach (var (kind, count) in r.ErrorsByKind.OrderBy(e => e.Key, StringComparer.Ordinal))
            lines.Add($"  error: {kind} x{count}");
        lines.Add(r.Errors == 0 ? "Result: no errors." : $"Result: {r.Errors} errors.");
        foreach (var line in lines) await output.WriteLineAsync(line).ConfigureAwait(false);
    }

    private static LoadReport Report(List<Client> clients, TimeSpan measured, long measuredFrom, long? peak, double serverCpu, double generatorCpu, bool ranOut)
    {
        var all = clients.SelectMany(c => c.Samples).ToList();
        var latencies = all.Select(s => s.Milliseconds).Order().ToArray();
        var byKind = all.GroupBy(s => s.Kind, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g =>
            {
                var sorted = g.Select(s => s.Milliseconds).Order().ToArray();
                return ((long)sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95));
            },
            StringComparer.Ordinal);
        var errors = clients.SelectMany(c => c.Errors).GroupBy(e => e, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        return new LoadReport(latencies.Length, errors.Values.Sum(), measured, latencies.Length / measured.TotalSeconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), latencies.Length > 0 ? latencies[^1] : 0,
            byKind, errors, peak, serverCpu, generatorCpu, clients.Sum(c => c.Submissions), ranOut,
            // The slowest requests say what the longest waits were and when: a pause of the whole server shows as several at once.
            all.OrderByDescending(s => s.Milliseconds).Take(3)
                .Select(s => new SlowRequest(s.Kind, s.Milliseconds, Math.Max(0, Stopwatch.GetElapsedTime(measuredFrom, s.StartedAt).TotalSeconds))).ToList(),
            Slices(all, measuredFrom, measured.TotalSeconds / 10, 10),
            Slices(all, measuredFrom, 1, (int)Math.Round(measured.TotalSeconds)));
    }

    /// <summary>The requests of each of <paramref name="count"/> slices of the measured time, by when they began (the first ones began as it started).</summary>
    private static List<Slice> Slices(List<Sample> all, long measuredFrom, double seconds, int count)
    {
        if (seconds <= 0 || count <= 0) return [];
        var bySlice = all.ToLookup(s => Math.Clamp((int)(Stopwatch.GetElapsedTime(measuredFrom, s.StartedAt).TotalSeconds / seconds), 0, count - 1));
        return Enumerable.Range(0, count).Select(i =>
        {
            var sorted = bySlice[i].Select(s => s.Milliseconds).Order().ToArray();
            return new Slice(sorted.Length / seconds, Percentile(sorted, 0.95), sorted.Length > 0 ? sorted[^1] : 0);
        }).ToList();
    }

    /// <summary>
    /// Writes the run's figures second by second (CSV: the second's start in UTC, requests, p95 and slowest), to set beside
    /// the server's own counters of the same seconds when a pause is to be traced.
    /// </summary>
    private static async Task WriteSecondsAsync(LoadReport report, DateTimeOffset measuredAt, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lines = new List<string>(report.Seconds.Count + 1) { "second,started_utc,requests,p95_ms,max_ms" };
        lines.AddRange(report.Seconds.Select((s, i) => string.Create(CultureInfo.InvariantCulture,
            $"{i},{measuredAt.AddSeconds(i):yyyy-MM-ddTHH:mm:ss.fffZ},{s.RequestsPerSecond:0},{s.P95:0.0},{s.Max:0.0}")));
        await File.WriteAllLinesAsync(path, lines, ct).ConfigureAwait(false);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>CPU seconds a process has used (user and system), from /proc; 0 where it cannot be read.</summary>
    private static double CpuSeconds(int? pid)
    {
        if (pid is null) return 0;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of the line (utime, stime) are 12 and 13 after the command name, in clock ticks (100 a second).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100d;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>A client's turns: one every <paramref name="Every"/>, the first <paramref name="First"/> after measuring starts (in <see cref="Stopwatch"/> ticks).</summary>
    private readonly record struct Pace(long Every, long First);

    /// <summary>One request: its kind, how long it took, and when its turn came (a <see cref="Stopwatch"/> timestamp): when it was sent, or in a paced run when it was due.</summary>
    private readonly record struct Sample(string Kind, double Milliseconds, long StartedAt);

    /// <summary>One client: a therapist's browser session, which also answers family links when the mix says so.</summary>
    private sealed class Client(int number, ThrowawayCertificate certificate, Uri baseAddress, Random random) : IDisposable
    {
        private readonly HttpClient _http = new(certificate.Handler(cookies: true, maxConnections: 2)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        private HttpClient? _family;
        private List<Guid> _cases = [];
        private MintedLink? _link;
        private (string Path, List<KeyValuePair<string, string>> Fields)? _form;
        private bool _measuring;
        private long _turn;
        private readonly byte[] _drain = new byte[16 * 1024];

        public List<Sample> Samples { get; } = [];

        public List<string> Errors { get; } = [];

        public long Submissions { get; private set; }

        public async Task SignInAsync(string email, CancellationToken ct)
        {
            var page = await _http.GetStringAsync(new Uri("account/sign-in", UriKind.Relative), ct).ConfigureAwait(false);
            var token = WebUtility.HtmlDecode(FormToken().Match(page).Groups[1].Value);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = email, ["Input.Password"] = Alliance.Application.Demo.DemoAgency.Password, ["__RequestVerificationToken"] = token,
            });
            using var signedIn = await _http.PostAsync(new Uri("account/sign-in", UriKind.Relative), form, ct).ConfigureAwait(false);
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"Client {number}: signing in as {email} answered {(int)signedIn.StatusCode}.");
            using var caseload = await _http.GetAsync(new Uri("api/caseload", UriKind.Relative), ct).ConfigureAwait(false);
            using var json = JsonDocument.Parse(await caseload.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            _cases = json.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("caseId").GetGuid()).ToList();
            if (_cases.Count == 0) throw new InvalidOperationException($"Client {number}: {email} has no cases.");
        }

        /// <summary>
        /// Sends one request a turn until stopped. Each turn comes when the last request is answered, except with a
        /// <paramref name="pace"/> once measuring has started: then turns come at that pace, and one running late is sent
        /// at once. The warm-up is never paced: a server still cold would fall behind in it and carry the backlog into
        /// the measured time.
        /// </summary>
        public async Task RunAsync(System.Collections.Concurrent.ConcurrentQueue<MintedLink> links, Task<long> measuring, Pace? pace, CancellationToken ct)
        {
            long next = 0;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    _measuring = measuring.IsCompleted;
                    if (pace is { } p && _measuring)
                    {
                        if (next == 0) next = measuring.Result + p.First;
                        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
                        _turn = next;
                        next += p.Every;
                    }
                    else _turn = Stopwatch.GetTimestamp();
                    await NextRequestAsync(links, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    _form = null;
                    Error($"{e.GetType().Name}");
                }
            }
        }

        private async Task NextRequestAsync(System.Collections.Concurrent.ConcurrentQueue<MintedLink> links, CancellationToken ct)
        {
            // A form opened at the last turn is answered at this one.
            if (_form is not null)
            {
                await AnswerAsync(ct).ConfigureAwait(false);
                return;
            }
            // By request: 70% pages, 20% API reads, 10% the family form (an answer is two requests: the form, then the post).
            var roll = random.Next(95);
            var family = _cases[random.Next(_cases.Count)];
            if (roll < 35) await GetAsync("page: caseload", "", HttpStatusCode.OK, ct).ConfigureAwait(false);
            else if (roll < 70) await GetAsync("page: case", $"cases/{family}", HttpStatusCode.OK, ct).ConfigureAwait(false);
            else if (roll < 90)
            {
                var path = (roll % 4) switch
                {
                    0 => "api/caseload",
                    1 => $"api/cases/{family}",
                    2 => $"api/cases/{family}/alerts",
                    _ => "api/notifications",
                };
                await GetAsync("api: read", path, HttpStatusCode.OK, ct).ConfigureAwait(false);
            }
            else await OpenFormAsync(links, ct).ConfigureAwait(false);
        }

        /// <summary>Gets a page or an API read and reads its body to the end, without decoding it (the generator shares the server's cores).</summary>
        private async Task GetAsync(string kind, string path, HttpStatusCode expected, CancellationToken ct)
        {
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
                while (await body.ReadAsync(_drain, ct).ConfigureAwait(false) > 0) { }
            Record(kind, response.StatusCode, expected);
        }

        /// <summary>Gets a page whose text is read (the family's form).</summary>
        private async Task<string> GetTextAsync(string kind, string path, HttpStatusCode expected, HttpClient client, CancellationToken ct)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            Record(kind, response.StatusCode, expected);
            return body;
        }

        private async Task OpenFormAsync(System.Collections.Concurrent.ConcurrentQueue<MintedLink> links, CancellationToken ct)
        {
            if (_link is null)
            {
                if (!links.TryDequeue(out var next))
                {
                    // No link left: a page view instead, so the mix of the rest holds.
                    await GetAsync("page: caseload", "", HttpStatusCode.OK, ct).ConfigureAwait(false);
                    return;
                }
                _link = next;
                // A family member's phone: its own cookies.
                _family?.Dispose();
                _family = new HttpClient(certificate.Handler(cookies: true, maxConnections: 1)) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            }
            var path = "q/" + _link.Token;
            var html = await GetTextAsync("form: open", path, HttpStatusCode.OK, _family!, ct).ConfigureAwait(false);
            if (FamilyForm.Fields(html, random) is { } fields) _form = (path, fields);
            else _link = null;
        }

        private async Task AnswerAsync(CancellationToken ct)
        {
            var (path, fields) = _form!.Value;
            _form = null;
            using var content = new FormUrlEncodedContent(fields);
            using var answer = await _family!.PostAsync(new Uri(path, UriKind.Relative), content, ct).ConfigureAwait(false);
            var body = await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            // Received: the next questionnaire (a redirect), the thank-you, or the crisis contacts after a risk answer.
            var more = answer.StatusCode == HttpStatusCode.Redirect || body.Contains("Continue to the next questions", StringComparison.Ordinal);
            var ok = more || (answer.StatusCode == HttpStatusCode.OK
                && (body.Contains(FamilyForm.ReceivedText, StringComparison.Ordinal) || body.Contains("q-crisis", StringComparison.Ordinal)));
            Record("form: answer", ok ? HttpStatusCode.OK : answer.StatusCode, HttpStatusCode.OK);
            if (ok && _measuring) Submissions++;
            if (!more) _link = null;
        }

        /// <summary>Records the request of this turn, answered now: its latency counts from its turn.</summary>
        private void Record(string kind, HttpStatusCode status, HttpStatusCode expected)
        {
            if (!_measuring) return;
            Samples.Add(new Sample(kind, Stopwatch.GetElapsedTime(_turn).TotalMilliseconds, _turn));
            if (status != expected) Errors.Add($"{kind} answered {(int)status}");
        }

        private void Error(string what)
        {
            if (_measuring) Errors.Add(what);
        }

        public void Dispose()
        {
            _http.Dispose();
            _family?.Dispose();
        }
    }
}
