using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Alliance.Application;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Proof;

/// <summary>What a crash-safety run does.</summary>
/// <param name="Database">The database it runs on (empty at the start).</param>
/// <param name="Server">The web app's build.</param>
/// <param name="Kills">How many times the server is killed.</param>
/// <param name="Burst">Questionnaire submissions in each burst.</param>
/// <param name="Concurrency">How many of them are in flight at once.</param>
/// <param name="Seed">The seed of the random choices (kill moments, answers).</param>
internal sealed record CrashOptions(ProofDatabase Database, string Server, int Kills, int Burst, int Concurrency, int Seed);

/// <summary>The outcome of a crash-safety run, with its figures.</summary>
internal sealed record CrashReport(bool Passed, int Kills, int Sent, int Acknowledged, int AcknowledgedFound, int InDoubt, int InDoubtSaved, int Refused,
    long AuditEntries, IReadOnlyList<TimeSpan> Restarts, IReadOnlyList<string> Problems);

/// <summary>
/// Crash safety, proved: the web server runs as a child process; bursts of family members answer questionnaire links
/// (minted in advance) over HTTPS, many at once; in the middle of each burst, at a random submission, the server is
/// killed with SIGKILL, then started again. After every restart the database must hold every submission the server
/// acknowledged (its response, exactly once, and the response's audit entry), no half of any other (a completed link
/// without its response, a response without its audit entry), an intact audit chain, and pass its own integrity check.
/// </summary>
internal sealed class CrashHarness(CrashOptions options, TextWriter output)
{
    private readonly Random _random = new(options.Seed);
    private readonly List<string> _problems = [];
    private readonly List<TimeSpan> _restarts = [];

    public async Task<CrashReport> RunAsync(CancellationToken ct)
    {
        var database = options.Database;
        var proofFolder = Path.Combine(database.DataFolder, "proof");
        Directory.CreateDirectory(proofFolder);
        var certificate = ThrowawayCertificate.Create(proofFolder);
        await using var services = database.OpenServices();
        await PrepareAsync(services, ct).ConfigureAwait(false);

        var logFile = Path.Combine(proofFolder, "server.log");
        await using var server = new ServerProcess(new ServerOptions(options.Server, database.DataFolder, database.KeysFolder, database, certificate, logFile));
        var first = await server.StartAsync(ct).ConfigureAwait(false);
        await output.WriteLineAsync($"Server started on {server.BaseAddress} in {Seconds(first)} (demo agency seeded); its log: {logFile}").ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var wanted = (options.Kills + 2) * options.Burst;
        var minted = await FamilyLinks.MintAsync(services, wanted, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"Minted {minted.Count} questionnaire links in advance in {Seconds(clock.Elapsed)}.").ConfigureAwait(false);
        var pool = new Queue<MintedLink>(minted);
        var acknowledged = new List<MintedLink>();
        var inDoubt = new List<MintedLink>();
        int sent = 0, refused = 0, kills = 0;

        for (var round = 1; round <= options.Kills + 1; round++)
        {
            ct.ThrowIfCancellationRequested();
            var kill = round <= options.Kills;
            var batch = new List<MintedLink>();
            while (batch.Count < options.Burst && pool.Count > 0) batch.Add(pool.Dequeue());
            if (batch.Count < 2) throw new InvalidOperationException("The minted links ran out.");
            var result = await BurstAsync(server, certificate, batch, kill ? _random.Next(1, batch.Count) : 0, ct).ConfigureAwait(false);
            foreach (var unsent in result.NotSent) pool.Enqueue(unsent);
            acknowledged.AddRange(result.Acknowledged);
            inDoubt.AddRange(result.InDoubt);
            sent += batch.Count - result.NotSent.Count;
            refused += result.Refused.Count;
            foreach (var (_, status) in result.Refused)
                _problems.Add($"burst {round}: a submission was refused with {status} while the server was up");

            string restart;
            if (kill)
            {
                if (!result.Killed) server.Kill();
                kills++;
                var took = await server.StartAsync(ct).ConfigureAwait(false);
                _restarts.Add(took);
                restart = $"killed after {result.PostsBeforeKill} of {batch.Count} posts had started; restarted in {Seconds(took)}";
            }
            else
            {
                restart = "no kill (the last burst)";
            }

            var check = await CheckAsync(services, minted, acknowledged, ct).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"burst {round,2}: {result.Acknowledged.Count,2} acknowledged, {result.InDoubt.Count,2} in doubt, {result.NotSent.Count,2} not sent; {restart}; {check}")).ConfigureAwait(false);
        }

        await server.StopAsync().ConfigureAwait(false);
        var final = await CheckAsync(services, minted, acknowledged, ct).ConfigureAwait(false);
        var savedInDoubt = await SavedAsync(services, inDoubt, ct).ConfigureAwait(false);
        await output.WriteLineAsync($"After a clean stop: {final}").ConfigureAwait(false);
        return new CrashReport(_problems.Count == 0, kills, sent, acknowledged.Count, final.AcknowledgedFound, inDoubt.Count, savedInDoubt, refused,
            final.AuditEntries, _restarts, _problems);
    }

    /// <summary>Prints the report as the summary of the run.</summary>
    public static async Task WriteSummaryAsync(CrashReport report, ProofDatabase database, CrashOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var restarts = report.Restarts.Order().ToList();
        var lines = new List<string>
        {
            "",
            $"Crash safety on {database.Provider}: {report.Kills} kills (SIGKILL) in bursts of {options.Burst} questionnaire submissions, {options.Concurrency} at a time, over HTTPS.",
            $"  submissions sent:               {report.Sent}",
            $"  acknowledged by the server:     {report.Acknowledged}",
            $"  acknowledged and found:         {report.AcknowledgedFound} (each with its response once, its completed link and its audit entry)",
            $"  in doubt (cut off by a kill):   {report.InDoubt}, of which {report.InDoubtSaved} were saved whole and {report.InDoubt - report.InDoubtSaved} not at all",
            $"  refused while the server was up: {report.Refused}",
            $"  audit chain:                    verified after every restart ({report.AuditEntries} entries at the end)",
            $"  integrity check:                {database.IntegrityCheckName} after every restart",
        };
        if (restarts.Count > 0)
            lines.Add($"  restart to healthy:             median {Seconds(restarts[restarts.Count / 2])}, slowest {Seconds(restarts[^1])}");
        lines.Add(report.Passed ? "Result: PASSED, nothing acknowledged was lost and nothing was half-saved." : $"Result: FAILED, {report.Problems.Count} problem(s):");
        foreach (var line in lines) await output.WriteLineAsync(line).ConfigureAwait(false);
        foreach (var problem in report.Problems.Take(50)) await output.WriteLineAsync("  - " + problem).ConfigureAwait(false);
    }

    private static async Task PrepareAsync(ServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        await DatabaseSettings.MigrateAsync(db, ct).ConfigureAwait(false);
        if (await db.Agencies.IgnoreQueryFilters().AnyAsync(ct).ConfigureAwait(false))
            throw new InvalidOperationException("The proof writes test data and kills the server: give it an empty database (a new --data folder, or an empty PostgreSQL database).");
        // The key ring's first key is made here, before two processes could each make one.
        scope.ServiceProvider.GetRequiredService<ISensitiveTextProtector>().Protect(string.Empty);
    }

    private sealed record BurstResult(
        List<MintedLink> Acknowledged, List<MintedLink> InDoubt, List<MintedLink> NotSent, List<(MintedLink Link, int Status)> Refused, bool Killed, int PostsBeforeKill);

    /// <summary>Sends one burst; with <paramref name="killAt"/> above 0, kills the server just after that post has started.</summary>
    private async Task<BurstResult> BurstAsync(ServerProcess server, ThrowawayCertificate certificate, List<MintedLink> batch, int killAt, CancellationToken ct)
    {
        var queue = new ConcurrentQueue<MintedLink>(batch);
        var acknowledged = new ConcurrentBag<MintedLink>();
        var inDoubt = new ConcurrentBag<MintedLink>();
        var notSent = new ConcurrentBag<MintedLink>();
        var refused = new ConcurrentBag<(MintedLink, int)>();
        var posts = 0;
        var killed = 0;
        var killTask = Task.CompletedTask;
        var killLock = new Lock();
        var jitter = _random.Next(0, 25);
        var seeds = Enumerable.Range(0, options.Concurrency).Select(_ => _random.Next()).ToList();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            while (queue.TryDequeue(out var link))
            {
                if (Volatile.Read(ref killed) == 1)
                {
                    notSent.Add(link);
                    continue;
                }
                // Each family member has a phone of their own: a connection and a cookie jar of their own.
                using var client = new HttpClient(certificate.Handler(cookies: true, maxConnections: 1)) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                var (outcome, status) = await FamilyForm.SubmitAsync(client, link.Token, random, () =>
                {
                    if (Interlocked.Increment(ref posts) != killAt) return;
                    lock (killLock)
                    {
                        killTask = Task.Run(async () =>
                        {
                            await Task.Delay(jitter, CancellationToken.None).ConfigureAwait(false);
                            Interlocked.Exchange(ref killed, 1);
                            server.Kill();
                        }, CancellationToken.None);
                    }
                }, timeout.Token).ConfigureAwait(false);
                switch (outcome)
                {
                    case SubmissionOutcome.Acknowledged: acknowledged.Add(link); break;
                    case SubmissionOutcome.InDoubt: inDoubt.Add(link); break;
                    case SubmissionOutcome.NotSent: notSent.Add(link); break;
                    // A refusal once the server is being killed is the kill's doing (a page cut short), not a refusal.
                    default:
                        if (Volatile.Read(ref killed) == 1) inDoubt.Add(link);
                        else refused.Add((link, status));
                        break;
                }
            }
        }

        await Task.WhenAll(seeds.Select(s => Task.Run(() => WorkerAsync(s), CancellationToken.None))).ConfigureAwait(false);
        Task pending;
        lock (killLock) pending = killTask;
        await pending.ConfigureAwait(false);
        return new BurstResult([.. acknowledged], [.. inDoubt], [.. notSent], [.. refused], killed == 1, Math.Min(killAt, posts));
    }

    /// <summary>What one check after a restart found.</summary>
    private sealed record Check(int AcknowledgedFound, long AuditEntries, int Saved, string Integrity)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"all {AcknowledgedFound} acknowledged found, {Saved} saved in all, audit chain intact ({AuditEntries} entries), integrity {Integrity}");
    }

    private async Task<Check> CheckAsync(ServiceProvider services, List<MintedLink> minted, List<MintedLink> acknowledged, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var state = await StateAsync(db, minted, ct).ConfigureAwait(false);
        var before = _problems.Count;

        var found = 0;
        foreach (var link in acknowledged)
        {
            var s = state[link.Token];
            if (s.Responses == 1 && s.Completed && s.Audited) found++;
            else _problems.Add($"an acknowledged submission ({link.InstrumentId}) is not whole: {s.Responses} response(s), link completed {s.Completed}, audit entry {s.Audited}");
        }
        // Nothing half-saved, acknowledged or not: a response comes with its completed link and its audit entry, or nothing does.
        foreach (var (token, s) in state)
        {
            if (s.Responses > 1) _problems.Add($"a link's answers were saved {s.Responses} times");
            if (s.Responses == 1 && (!s.Completed || !s.Audited)) _problems.Add($"a response was saved without {(s.Completed ? "its audit entry" : "its link being completed")}");
            if (s.Responses == 0 && s.Completed) _problems.Add("a link was completed without its response");
        }

        var chain = await AuditLedger.VerifyAsync(db, ct).ConfigureAwait(false);
        _problems.AddRange(chain.Select(p => "audit chain: " + p));
        var integrity = await options.Database.IntegrityProblemsAsync(db, ct).ConfigureAwait(false);
        _problems.AddRange(integrity);
        var entries = await db.AuditEntries.LongCountAsync(ct).ConfigureAwait(false);
        if (_problems.Count > before)
            foreach (var p in _problems.Skip(before).Take(5)) await output.WriteLineAsync("  PROBLEM: " + p).ConfigureAwait(false);
        return new Check(found, entries, state.Values.Count(s => s.Responses > 0), integrity.Count == 0 ? "ok" : "FAILED");
    }

    private sealed record LinkState(int Responses, bool Completed, bool Audited);

    /// <summary>For every minted link: how many responses it left, whether it is completed, whether its response has its audit entry.</summary>
    private static async Task<Dictionary<string, LinkState>> StateAsync(AllianceDbContext db, List<MintedLink> minted, CancellationToken ct)
    {
        var byHash = minted.ToDictionary(l => StaffAccounts.Hash(l.Token), StringComparer.Ordinal);
        var completed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in byHash.Keys.Chunk(500))
        {
            var done = await db.QuestionnaireLinks.AsNoTracking().Where(l => chunk.Contains(l.TokenHash) && l.CompletedAt != null)
                .Select(l => l.TokenHash).ToListAsync(ct).ConfigureAwait(false);
            completed.UnionWith(done);
        }
        var sessions = minted.Select(l => l.SessionId).Distinct().ToList();
        var responses = new List<(Guid Id, Guid SessionId, Guid MemberId, string InstrumentId)>();
        foreach (var chunk in sessions.Chunk(500))
        {
            var rows = await db.Responses.AsNoTracking().Where(r => chunk.Contains(r.SessionId) && r.Source == ResponseSource.Link)
                .Select(r => new { r.Id, r.SessionId, r.MemberId, r.InstrumentId }).ToListAsync(ct).ConfigureAwait(false);
            responses.AddRange(rows.Select(r => (r.Id, r.SessionId, r.MemberId, r.InstrumentId)));
        }
        var audited = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in responses.Select(r => r.Id.ToString()).Chunk(500))
        {
            var rows = await db.AuditEntries.AsNoTracking().Where(e => e.RecordType == "response" && e.Action == AuditActions.Create && chunk.Contains(e.RecordId))
                .Select(e => e.RecordId).ToListAsync(ct).ConfigureAwait(false);
            audited.UnionWith(rows);
        }
        var byLink = responses.ToLookup(r => (r.SessionId, r.MemberId, r.InstrumentId));
        return byHash.ToDictionary(
            pair => pair.Value.Token,
            pair =>
            {
                var mine = byLink[(pair.Value.SessionId, pair.Value.MemberId, pair.Value.InstrumentId)].ToList();
                return new LinkState(mine.Count, completed.Contains(pair.Key), mine.Count > 0 && mine.All(r => audited.Contains(r.Id.ToString())));
            },
            StringComparer.Ordinal);
    }

    private static async Task<int> SavedAsync(ServiceProvider services, List<MintedLink> links, CancellationToken ct)
    {
        if (links.Count == 0) return 0;
        await using var scope = services.CreateAsyncScope();
        var state = await StateAsync(scope.ServiceProvider.GetRequiredService<AllianceDbContext>(), links, ct).ConfigureAwait(false);
        return state.Values.Count(s => s.Responses > 0);
    }

    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
