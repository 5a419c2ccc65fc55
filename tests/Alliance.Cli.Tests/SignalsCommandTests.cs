using System.Text.Json;

namespace Alliance.Cli.Tests;

/// <summary><c>alliance signals FOLDER</c> end to end on the golden examples of the spreadsheet format.</summary>
[Trait("Capability", "Signals")]
public sealed class SignalsCommandTests
{
    private static string Examples()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Alliance.slnx"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, "tests", "Alliance.Signals.Tests", "TestData", "examples");
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("edge")]
    [InlineData("small")]
    public async Task PrintsExactlyTheListedAlertsInOrder(string example)
    {
        var (code, output, error) = await RunAsync("signals", Path.Combine(Examples(), example));
        Assert.Equal(0, code);
        Assert.Equal("", error);

        var expected = File.ReadAllLines(Path.Combine(Examples(), example + ".expected-alerts.csv")).Skip(1).Where(l => l.Length > 0).ToList();
        var actual = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var r = json.RootElement;
            // Every key is present in every line.
            foreach (var key in new[] { "case_id", "member_id", "session_number", "kind", "instrument", "evidence", "message" })
                Assert.True(r.TryGetProperty(key, out _), $"{key} missing in {line}");
            string Text(string key) => r.GetProperty(key).ValueKind == JsonValueKind.Null ? "" : r.GetProperty(key).ToString();
            return string.Join(',', Text("case_id"), Text("member_id"), Text("session_number"), Text("kind"), Text("instrument"));
        }).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task AnInvalidFolderPrintsEveryProblemOnStandardErrorAndNothingElse()
    {
        var folder = Path.Combine(Path.GetTempPath(), "alliance-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "members.csv"), "case_id,member_id,role\nF1,M1,aunt\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "sessions.csv"), "case_id,session_number,date\nF1,1,2025-13-01\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "scores.csv"), "case_id,member_id,session_number,instrument,score\nF1,M1,1,alliance-check,44\n");
            var (code, output, error) = await RunAsync("signals", folder);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            Assert.Contains("members.csv:2: role:", error, StringComparison.Ordinal);
            Assert.Contains("sessions.csv:2: date:", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
