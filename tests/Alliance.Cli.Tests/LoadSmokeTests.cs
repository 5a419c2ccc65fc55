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
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(["prove", "load", "--clients", "10", "--duration", "20", "--warmup", "2", "--links", "300", "--data", _folder], stdout, stderr);

        var text = stdout.ToString();
        output.WriteLine(text);
        output.WriteLine(stderr.ToString());
        Assert.True(code == 0, text + stderr);
        Assert.Contains("errors: 0", text, StringComparison.Ordinal);
        Assert.Contains("Result: no errors.", text, StringComparison.Ordinal);
        Assert.Matches(@"page: case\s+[1-9]", text);
        Assert.Matches(@"api: read\s+[1-9]", text);
        Assert.Matches(@"form: answer\s+[1-9]", text);
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
