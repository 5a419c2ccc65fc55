using Xunit.Abstractions;

namespace Alliance.Cli.Tests;

/// <summary>
/// The short version of <c>alliance prove load</c>: the web server as a process of its own, in Production behind HTTPS
/// with a throwaway certificate, holds the realistic mix (pages, API reads, questionnaire submissions through links
/// minted in advance) from ten clients for twenty seconds without a single error. Not a speed test: the figures of
/// the long run are in docs/performance.md.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class LoadSmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-load-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TheMixRunsForTwentySecondsWithoutAnError()
    {
        var text = await ProveLoadAsync("--clients", "10", "--duration", "20", "--warmup", "2", "--links", "300");

        Assert.Contains("errors: 0", text, StringComparison.Ordinal);
        Assert.Contains("Result: no errors.", text, StringComparison.Ordinal);
        Assert.Contains("offered:         as fast as answered", text, StringComparison.Ordinal);
        Assert.Matches(@"page: case\s+[1-9]", text);
        Assert.Matches(@"api: read\s+[1-9]", text);
        Assert.Matches(@"form: answer\s+[1-9]", text);
        // The three slowest requests, the slowest first: it is the run's max, and all began within the measured 20 s.
        var max = System.Text.RegularExpressions.Regex.Match(text, @"max (\d+)").Groups[1].Value;
        var slowest = System.Text.RegularExpressions.Regex.Matches(text, @"(?:slowest:\s+|; )(?:page|api|form): [a-z]+ (\d+) ms at (\d+) s");
        Assert.Equal(3, slowest.Count);
        Assert.Equal(max, slowest[0].Groups[1].Value);
        Assert.All(slowest, m => Assert.InRange(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 20));
        Assert.True(int.Parse(slowest[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= int.Parse(slowest[2].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        // Each tenth of the run: ten rates whose mean is the run's rate (tenths are equal), and ten p95s none above the max.
        var tenths = System.Text.RegularExpressions.Regex.Match(text, @"by tenth of the run: requests a second ([\d ]+); p95 \(ms\) ([\d ]+)");
        Assert.True(tenths.Success, text);
        var rates = tenths.Groups[1].Value.Trim().Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var p95s = tenths.Groups[2].Value.Trim().Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(10, rates.Count);
        Assert.Equal(10, p95s.Count);
        var rate = RequestsASecond(text);
        Assert.InRange(rates.Average(), rate - 1, rate + 1);
        Assert.All(p95s, p => Assert.InRange(p, 0, double.Parse(max, System.Globalization.CultureInfo.InvariantCulture) + 1));
        // Second by second, in the data folder: twenty seconds, one after the other, whose requests are the run's, and
        // whose slowest is the run's max.
        var secondsFile = Path.Combine(_folder, "proof", "load-seconds.csv");
        Assert.Contains("second by second: " + secondsFile, text, StringComparison.Ordinal);
        var seconds = (await File.ReadAllLinesAsync(secondsFile)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(20, seconds.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), seconds.Select(s => s[0]));
        var starts = seconds.Select(s => DateTimeOffset.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(starts.Zip(starts.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(1), p.Second - p.First));
        var requests = int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"requests:\s+(\d+) ").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(requests, seconds.Sum(s => int.Parse(s[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(double.Parse(max, System.Globalization.CultureInfo.InvariantCulture), seconds.Max(s => double.Parse(s[4], System.Globalization.CultureInfo.InvariantCulture)), 1.0);
    }

    [Fact]
    public async Task AtAGivenRateTheClientsOfferThatManyRequestsASecond()
    {
        // Four clients sharing 40 requests a second: each takes a turn every 100 ms, which the demo agency's server keeps up with.
        var text = await ProveLoadAsync("--clients", "4", "--rate", "40", "--duration", "10", "--warmup", "2", "--links", "100");

        Assert.Contains("--rate 40", text, StringComparison.Ordinal);
        Assert.Contains("offered:         40 requests a second", text, StringComparison.Ordinal);
        Assert.Contains("Result: no errors.", text, StringComparison.Ordinal);
        // Paced, not as fast as answered: the run's rate is the rate offered (a closed loop here would be hundreds a second).
        Assert.InRange(RequestsASecond(text), 34, 42);
    }

    [Fact]
    public async Task TheLinksMintedInAdvanceGoToOneFamilyAfterAnotherAcrossTheAgency()
    {
        // 600 families beside the demo's dozen, and links for 6,000 questionnaires: more families than one page of 500.
        await ProveLoadAsync("--cases", "600", "--clients", "2", "--duration", "2", "--warmup", "0", "--links", "6000");

        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder, "alliance.db")};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT count(DISTINCT CaseId), count(DISTINCT SessionId) FROM questionnaire_links";
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (families, sessions) = (reader.GetInt32(0), reader.GetInt32(1));
        // Each family gets a session before any gets a second: the links reach past the first 500 families by name.
        Assert.True(families > 550, $"links in {families} families");
        Assert.InRange(sessions, families, families * 2);
    }

    /// <summary>Runs <c>alliance prove load</c> with the arguments on this test's data folder; it must succeed. Its output.</summary>
    private async Task<string> ProveLoadAsync(params string[] arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(["prove", "load", .. arguments, "--data", _folder], stdout, stderr);
        var text = stdout.ToString();
        output.WriteLine(text);
        output.WriteLine(stderr.ToString());
        Assert.True(code == 0, text + stderr);
        return text;
    }

    private static double RequestsASecond(string report) => double.Parse(
        System.Text.RegularExpressions.Regex.Match(report, @"requests:\s+\d+ \((\d+) a second\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void TheServerRunsWithTheRuntimeSettingsTheLoadWasMeasuredWith()
    {
        // The settings the load was measured with (decisions 0015 and 0016), as built into the server the proofs start.
        var server = Alliance.Cli.Proof.ServerProcess.FindServer(null);
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(server, ".runtimeconfig.json")));
        var settings = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(settings.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(settings.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.False(settings.GetProperty("System.Runtime.TieredPGO").GetBoolean());
    }

    [Fact]
    public async Task ReuseRefusesAFolderThatNoLoadRunGrew()
    {
        // --reuse runs again on the folder of an earlier run (seeding 100,000 families takes a while); any other folder is refused.
        Directory.CreateDirectory(Path.Combine(_folder, "proof"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "alliance.db"), "");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["prove", "load", "--reuse", "--cases", "100000", "--data", _folder], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Contains("--reuse", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("not the data folder of an earlier load run", stderr.ToString(), StringComparison.Ordinal);

        // A folder whose run grew the agency by another number of families is refused too, naming both numbers.
        await File.WriteAllTextAsync(Path.Combine(_folder, "proof", "load-grown-by.txt"), "5000");
        using var again = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["prove", "load", "--reuse", "--cases", "100000", "--data", _folder], stdout, again));
        Assert.Contains("5000", again.ToString(), StringComparison.Ordinal);
        Assert.Contains("100000", again.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still held: a temporary folder.
        }
    }
}
