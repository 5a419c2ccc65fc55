using System.Globalization;
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

    /// <summary>A valid answer to every answerable item (per-member items for two members), chosen by the numbers given.</summary>
    public static List<ItemAnswer> Complete(Instrument instrument, int[] numbers)
    {
        var answers = new List<ItemAnswer>();
        var k = 0;
        foreach (var item in instrument.Items.Where(i => i.Kind != ItemKind.Display))
        {
            foreach (var member in item.PerMember ? ["m-1", "m-2"] : new string?[] { null })
            {
                var n = numbers[k++ % numbers.Length];
                AnswerValue value = item.Kind switch
                {
                    ItemKind.Scale => AnswerValue.Scale((int)(item.Min ?? 0) + (n % (1 + (int)((item.Max ?? 10) - (item.Min ?? 0))))),
                    ItemKind.Choice => AnswerValue.Option(item.Options[n % item.Options.Count].Code),
                    ItemKind.YesNo => AnswerValue.YesNo(n % 2 == 0),
                    _ => AnswerValue.FreeText("answer " + n.ToString(CultureInfo.InvariantCulture)),
                };
                answers.Add(new ItemAnswer(item.LinkId, value) { MemberId = member });
            }
        }
        return answers;
    }

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
