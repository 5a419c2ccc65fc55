using System.CommandLine;
using System.Globalization;
using Alliance.Application;
using Alliance.Cli.Proof;

namespace Alliance.Cli.Commands;

/// <summary>
/// <c>alliance prove crash|load</c>: the long proofs an agency's IT lead can run and read. Each starts the web server
/// as a child process on loopback (HTTPS, a throwaway certificate, the demo agency in a new database), drives it, and
/// prints what it found. Exit codes: 0 proved; 1 a check failed or the run could not be made; 2 a usage error.
/// </summary>
internal static class ProveCommand
{
    public static Command Create(TextWriter output)
    {
        var provider = new Option<string>("--provider")
        {
            Description = "The database: sqlite (a file in the data folder) or postgres (an empty database named by --connection-string).",
            DefaultValueFactory = _ => "sqlite",
        };
        provider.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string?>("--connection-string")
        {
            Description = "The empty PostgreSQL database to use (default: Database__ConnectionString).",
        };
        var server = new Option<string?>("--server") { Description = "The web app's Alliance.Web.dll (default: the build in this source tree)." };
        var seed = new Option<int?>("--seed") { Description = "The seed of the random choices, to repeat a run." };
        var kills = new Option<int>("--kills") { Description = "How many times the server is killed.", DefaultValueFactory = _ => 50 };
        var burst = new Option<int>("--burst") { Description = "Questionnaire submissions in each burst.", DefaultValueFactory = _ => 24 };
        var concurrency = new Option<int>("--concurrency") { Description = "Submissions in flight at once.", DefaultValueFactory = _ => 8 };

        var crash = new Command("crash", "Kill the web server (SIGKILL) in the middle of bursts of questionnaire submissions, restart it, and check that nothing acknowledged was lost, nothing was half-saved, the audit chain holds and the database passes its integrity check.")
        {
            provider, connection, server, seed, kills, burst, concurrency,
        };
        crash.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(kills) is < 1 or > 10_000 || parse.GetValue(burst) is < 2 or > 1000 || parse.GetValue(concurrency) is < 1 or > 200)
            {
                await error.WriteLineAsync("--kills must be 1 to 10000, --burst 2 to 1000, --concurrency 1 to 200.").ConfigureAwait(false);
                return 2;
            }
            if (OpenDatabase(parse, provider, connection) is not { } database)
            {
                await error.WriteLineAsync(UsageProblem(parse, provider, connection)).ConfigureAwait(false);
                return 2;
            }
            var chosenSeed = parse.GetValue(seed) ?? Random.Shared.Next();
            var options = new CrashOptions(database, ServerProcess.FindServer(parse.GetValue(server)), parse.GetValue(kills), parse.GetValue(burst),
                Math.Min(parse.GetValue(concurrency), parse.GetValue(burst)), chosenSeed);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"alliance prove crash --provider {parse.GetValue(provider)} --kills {options.Kills} --burst {options.Burst} --concurrency {options.Concurrency} --seed {chosenSeed}")).ConfigureAwait(false);
            var report = await new CrashHarness(options, output).RunAsync(ct).ConfigureAwait(false);
            await CrashHarness.WriteSummaryAsync(report, database, options, output).ConfigureAwait(false);
            return report.Passed ? 0 : 1;
        });

        var clients = new Option<int>("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 50 };
        var duration = new Option<int>("--duration") { Description = "Seconds the mix is held and measured.", DefaultValueFactory = _ => 600 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of load before measuring starts.", DefaultValueFactory = _ => 10 };
        var cases = new Option<int>("--cases") { Description = "Families to add to the demo agency first, thirty to a therapist (the target is 100000).", DefaultValueFactory = _ => 0 };
        var links = new Option<int?>("--links") { Description = "Questionnaires to mint links for in advance (default: enough for the duration at --rate, and for the warm-up and a run without a rate at 2,000 requests a second; a twentieth of the requests are answers)." };
        var reuse = new Option<bool>("--reuse")
        {
            Description = "Run again on the data folder of an earlier load run (its agency already grown to --cases families) instead of a new one: seeding 100,000 families takes a while.",
        };
        var rate = new Option<int?>("--rate")
        {
            Description = "Requests a second offered by all the clients together, each client at an even pace, latency counted from each request's turn (default: each client sends its next request as soon as the last is answered, which finds the server's capacity).",
        };
        var load = new Command("load", "Hold a realistic mix (70% pages, 20% API reads, 10% questionnaire submissions) from concurrent clients over HTTPS and report requests a second, latency percentiles, errors and the server's peak memory.")
        {
            provider, connection, server, seed, clients, duration, warmup, links, cases, reuse, rate,
        };
        load.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(clients) is < 1 or > 1000 || parse.GetValue(duration) is < 1 or > 86_400 || parse.GetValue(warmup) is < 0 or > 3600 || parse.GetValue(links) is < 1 || parse.GetValue(cases) is < 0 or > 10_000_000
                || parse.GetValue(rate) is < 1 or > 1_000_000)
            {
                await error.WriteLineAsync("--clients must be 1 to 1000, --duration 1 to 86400 seconds, --warmup 0 to 3600 seconds, --links at least 1, --cases 0 to 10000000, --rate 1 to 1000000 requests a second.").ConfigureAwait(false);
                return 2;
            }
            var again = parse.GetValue(reuse);
            if (OpenDatabase(parse, provider, connection, again ? parse.GetValue(cases) : null) is not { } database)
            {
                await error.WriteLineAsync(UsageProblem(parse, provider, connection, again ? parse.GetValue(cases) : null)).ConfigureAwait(false);
                return 2;
            }
            var chosenSeed = parse.GetValue(seed) ?? Random.Shared.Next();
            // The warm-up runs as fast as answered, and so does a run without a rate: their links are counted at 2,000
            // requests a second, above the most a 2-core machine has answered (docs/performance.md), so none runs out.
            var asked = (parse.GetValue(warmup) * 2_000L) + (parse.GetValue(duration) * (long)(parse.GetValue(rate) ?? 2_000));
            var options = new LoadOptions(database, ServerProcess.FindServer(parse.GetValue(server)), parse.GetValue(clients),
                TimeSpan.FromSeconds(parse.GetValue(duration)), TimeSpan.FromSeconds(parse.GetValue(warmup)),
                parse.GetValue(links) ?? (int)Math.Clamp(asked / 20, 300, 100_000), chosenSeed, parse.GetValue(cases), again, parse.GetValue(rate));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"alliance prove load --provider {parse.GetValue(provider)} --cases {options.Cases} --clients {options.Clients} --duration {options.Duration.TotalSeconds} --warmup {options.Warmup.TotalSeconds} --links {options.Links} --seed {chosenSeed}{(options.Rate is { } offered ? $" --rate {offered}" : "")}{(again ? " --reuse" : "")}")).ConfigureAwait(false);
            await output.WriteLineAsync($"The web app: {options.Server}").ConfigureAwait(false);
            var report = await new LoadHarness(options, output).RunAsync(ct).ConfigureAwait(false);
            await LoadHarness.WriteSummaryAsync(report, options, output).ConfigureAwait(false);
            return report.Errors == 0 ? 0 : 1;
        });

        return new Command("prove", "Long proofs of reliability: crash safety and load, against the real web server on loopback.") { crash, load };
    }

    /// <summary>
    /// The run's database and folders: a new (empty) data folder is required, as the proof fills it with test data;
    /// or, with <paramref name="reusedCases"/>, the folder of an earlier load run that grew the agency to that many families.
    /// </summary>
    private static ProofDatabase? OpenDatabase(ParseResult parse, Option<string> provider, Option<string?> connection, int? reusedCases = null)
    {
        if (UsageProblem(parse, provider, connection, reusedCases).Length > 0) return null;
        var data = Path.GetFullPath(parse.GetValue(CliApp.DataOption)!);
        Directory.CreateDirectory(data);
        var keys = parse.GetValue(CliApp.KeysOption) is { Length: > 0 } k ? Path.GetFullPath(k) : Path.Combine(data, "keys");
        var postgres = parse.GetValue(provider) == "postgres";
        return new ProofDatabase(postgres ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
            postgres ? ConnectionString(parse, connection) : null, data, keys);
    }

    private static string UsageProblem(ParseResult parse, Option<string> provider, Option<string?> connection, int? reusedCases = null)
    {
        var data = parse.GetValue(CliApp.DataOption);
        if (string.IsNullOrWhiteSpace(data))
            return "Give --data DIR: a new folder for this run (the proof fills it with test data, keys and logs).";
        if (reusedCases is { } wanted)
        {
            var grown = LoadHarness.GrownCases(Path.GetFullPath(data));
            return grown == wanted ? ""
                : grown is null ? $"--reuse: {data} is not the data folder of an earlier load run."
                : $"--reuse: {data} holds an agency grown by {grown} families, not --cases {wanted}.";
        }
        if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
            return $"--data {data} is not empty: give a new folder for this run (the proof never works on existing data).";
        if (parse.GetValue(provider) == "postgres" && string.IsNullOrWhiteSpace(ConnectionString(parse, connection)))
            return "--provider postgres needs --connection-string (or Database__ConnectionString) naming an empty database.";
        return "";
    }

    private static string? ConnectionString(ParseResult parse, Option<string?> connection) =>
        parse.GetValue(connection) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable("Database__ConnectionString");
}
