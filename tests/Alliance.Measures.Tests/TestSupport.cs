using System.Runtime.CompilerServices;

namespace Alliance.Measures.Tests;

/// <summary>Builds answers and finds test files.</summary>
internal static class TestSupport
{
    public static Instrument BuiltIn(string id) => InstrumentCatalog.BuiltIns.Single(i => i.Id == id);

    public static ItemAnswer Scale(string linkId, int value, string? member = null) =>
        new(linkId, AnswerValue.Scale(value)) { MemberId = member };

    /// <summary>The answer choosing the option of <paramref name="linkId"/> that scores <paramref name="score"/>.</summary>
    public static ItemAnswer Option(Instrument instrument, string linkId, decimal score)
    {
        var option = instrument.FindItem(linkId)!.Options.Single(o => o.Score == score);
        return new ItemAnswer(linkId, AnswerValue.Option(option.Code));
    }

    /// <summary>Answers to consecutive choice items, one score each (null leaves the item unanswered).</summary>
    public static List<ItemAnswer> Options(Instrument instrument, string prefix, params int?[] scores) =>
        [.. scores.Select((score, index) => (score, linkId: $"{prefix}{index + 1}"))
            .Where(x => x.score is not null)
            .Select(x => Option(instrument, x.linkId, x.score!.Value))];

    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static string ReadTestData(string name) => File.ReadAllText(TestData(name));

    /// <summary>
    /// Compares text with a golden file in TestData. With ALLIANCE_UPDATE_GOLDEN=1 the file in the source tree is
    /// rewritten instead (then review the change before committing it).
    /// </summary>
    public static void AssertMatchesGolden(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        actual = actual.ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("ALLIANCE_UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(Path.GetDirectoryName(callerPath)!, "TestData", name);
            File.WriteAllText(source, actual);
            return;
        }
        var expected = File.ReadAllText(TestData(name)).ReplaceLineEndings("\n");
        Assert.Equal(expected, actual);
    }
}
