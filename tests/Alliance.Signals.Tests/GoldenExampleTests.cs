using System.Text.Json;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Signals.Tests;

/// <summary>
/// The golden examples of the spreadsheet format: reading each folder, evaluating it with the default
/// rules and writing the output must give exactly the listed alerts, in order.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class GoldenExampleTests
{
    public static TheoryData<string> Examples => new() { "edge", "small" };

    [Theory]
    [MemberData(nameof(Examples))]
    public void OutputListsExactlyTheExpectedAlertsInOrder(string example)
    {
        var expected = ReadExpected(example);

        var actual = RunSignals(example)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(json => string.Join(',',
                Text(json, "case_id"), Text(json, "member_id"), Text(json, "session_number"), Text(json, "kind"), Text(json, "instrument")))
            .ToList();

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryLineHasEveryKeyInTheContractOrder(string example)
    {
        foreach (var line in RunSignals(example))
        {
            var keys = JsonDocument.Parse(line).RootElement.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Equal(["case_id", "member_id", "session_number", "kind", "instrument", "evidence", "message"], keys);
        }
    }

    [Fact]
    public void EdgeEvidenceFollowsTheFormatTable()
    {
        var lines = RunSignals("edge").Select(line => JsonDocument.Parse(line).RootElement).ToList();

        // E05: one rating (39 at session 4) repairs two ruptures: 40 -> 34 and 34 -> 28.
        var repairs = lines.Where(j => Text(j, "case_id") == "E05" && Text(j, "kind") == "repair").ToList();
        Assert.Equal(2, repairs.Count);
        Assert.Equal("[{\"session_number\":1,\"score\":40},{\"session_number\":2,\"score\":34},{\"session_number\":3,\"score\":28},{\"session_number\":4,\"score\":39}]",
            repairs[0].GetProperty("evidence").GetRawText());
        Assert.Equal("[{\"session_number\":2,\"score\":34},{\"session_number\":3,\"score\":28},{\"session_number\":4,\"score\":39}]",
            repairs[1].GetProperty("evidence").GetRawText());

        // E06: decimal scores stay exact and are written as JSON numbers with one decimal.
        var rupture = lines.Single(j => Text(j, "case_id") == "E06" && Text(j, "kind") == "rupture");
        Assert.Equal("[{\"session_number\":1,\"score\":36.3},{\"session_number\":2,\"score\":31.3}]", rupture.GetProperty("evidence").GetRawText());

        // E03: the overrun window lists each held session, a session without actual minutes as null.
        var overrun = lines.Single(j => Text(j, "kind") == "session-overrun");
        Assert.Equal(
            "[{\"session_number\":1,\"scheduled_minutes\":50,\"actual_minutes\":70},{\"session_number\":2,\"scheduled_minutes\":50,\"actual_minutes\":null},"
            + "{\"session_number\":3,\"scheduled_minutes\":50,\"actual_minutes\":70},{\"session_number\":4,\"scheduled_minutes\":50,\"actual_minutes\":50},"
            + "{\"session_number\":5,\"scheduled_minutes\":50,\"actual_minutes\":80}]",
            overrun.GetProperty("evidence").GetRawText());

        // E04: treatment prolonged names the termination due and the three sessions after it.
        var prolonged = lines.Single(j => Text(j, "case_id") == "E04" && Text(j, "kind") == "treatment-prolonged");
        Assert.Equal("[{\"session_number\":4},{\"session_number\":5},{\"session_number\":6},{\"session_number\":7}]", prolonged.GetProperty("evidence").GetRawText());

        // E08: contacts carry their time, channel and initiator.
        var contact = lines.Single(j => Text(j, "kind") == "out-of-hours-contact");
        Assert.Equal("[{\"datetime\":\"2025-03-12T06:30\",\"channel\":\"agency-phone\",\"initiated_by\":\"therapist\"}]", contact.GetProperty("evidence").GetRawText());

        // E01: termination due lists the last three ratings.
        var due = lines.Single(j => Text(j, "case_id") == "E01" && Text(j, "kind") == "termination-due");
        Assert.Equal("[{\"session_number\":2,\"score\":26},{\"session_number\":3,\"score\":27},{\"session_number\":4,\"score\":28}]", due.GetProperty("evidence").GetRawText());
    }

    [Fact]
    public void SmallSplitEvidenceListsEachMemberByMemberId()
    {
        var split = RunSignals("small")
            .Select(line => JsonDocument.Parse(line).RootElement)
            .First(j => Text(j, "kind") == "split-alliance");
        var members = split.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("member_id").GetString()).ToList();
        Assert.True(members.Count >= 2);
        Assert.Equal(members.Order(StringComparer.Ordinal).ToList(), members);
    }

    [Fact]
    public void EveryMessageNamesTheScoresOfItsRatingEvidence()
    {
        foreach (var json in RunSignals("small").Select(line => JsonDocument.Parse(line).RootElement))
        {
            var message = json.GetProperty("message").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(message));
            foreach (var evidence in json.GetProperty("evidence").EnumerateArray())
            {
                if (evidence.TryGetProperty("score", out var score) && Text(json, "kind") is not ("treatment-prolonged"))
                {
                    Assert.Contains(score.GetRawText(), message, StringComparison.Ordinal);
                }
            }
        }
    }

    internal static string ExamplePath(string example) => Path.Combine(AppContext.BaseDirectory, "TestData", "examples", example);

    internal static List<string> RunSignals(string example)
    {
        var result = new SpreadsheetReader().ReadFolder(ExamplePath(example));
        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        var alerts = new SignalEngine().Evaluate(result.Caseload!);
        using var output = new StringWriter();
        SignalsJsonLines.Write(alerts, output);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static List<string> ReadExpected(string example) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "examples", example + ".expected-alerts.csv"))
            .Skip(1)
            .Where(line => line.Length > 0)
            .ToList();

    private static string Text(JsonElement json, string key) => json.GetProperty(key) switch
    {
        { ValueKind: JsonValueKind.Null } => string.Empty,
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        var s => s.GetString()!,
    };
}
