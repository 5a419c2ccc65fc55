using System.Text.Json;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Signals.Tests;

/// <summary>The rules file, the JSON Lines output, scores, the catalogue and severities.</summary>
[Trait("Capability", "Signals")]
public sealed class RulesAndOutputTests
{
    [Fact]
    public void TheFormatsExampleRulesFileGivesTheDefaults()
    {
        var json = """
            {"instruments": {"alliance-check": {"cutoff": 36, "reliable_change": 5}, "wellbeing-check": {"cutoff": 25, "child_cutoff": 32, "reliable_change": 5}},
             "rupture_drop": 5, "repair_margin": 2, "repair_window": 3, "split_difference": 6, "not_on_track_from_rating": 4,
             "overrun_minutes": 15, "overrun_count": 3, "overrun_window": 5,
             "working_hours": {"start": "07:00", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]}}
            """;
        var rules = SignalRulesFile.Parse(json);
        Assert.Equal(SignalRules.Default.RuptureDrop, rules.RuptureDrop);
        Assert.Equal(SignalRules.Default.WorkingHours, rules.WorkingHours);
        Assert.Equal(Score.FromPoints(32), rules.Instruments.Find("wellbeing-check")!.ChildCutoff);
    }

    [Fact]
    public void ARulesFileReplacesWhatItNamesAndKeepsTheRest()
    {
        var rules = SignalRulesFile.Parse("""{"rupture_drop": 7.5, "instruments": {"PHQ-9": {"cutoff": 12}}, "working_hours": {"end": "18:30"}}""");
        Assert.Equal(Score.Parse("7.5"), rules.RuptureDrop);
        Assert.Equal(Score.FromPoints(12), rules.Instruments.Find("phq-9")!.Cutoff);
        Assert.Equal(Score.FromPoints(6), rules.Instruments.Find("phq-9")!.ReliableChange);
        Assert.Equal(new TimeOnly(18, 30), rules.WorkingHours.End);
        Assert.Equal(new TimeOnly(7, 0), rules.WorkingHours.Start);
        Assert.Equal(SignalRules.Default.RepairWindow, rules.RepairWindow);
        Assert.Equal(SignalRules.Default.SplitDifference, rules.SplitDifference);
    }

    [Fact]
    public void ARulesFileChangesTheAlerts()
    {
        var folder = new TestFolder().Member("F1", "M1").Sessions("F1", 2).Series("F1", "M1", "alliance-check", "38", "33");
        Assert.Single(folder.Keys(AlertKind.Rupture));
        var rules = SignalRulesFile.Parse("""{"rupture_drop": 6, "instruments": {"alliance-check": {"cutoff": 33}}}""");
        Assert.Empty(folder.Keys(AlertKind.Rupture, rules));
        Assert.Empty(folder.Keys(AlertKind.LowAlliance, rules));
    }

    [Theory]
    [InlineData("""{"rupture_drop": "five"}""", "rupture_drop", "rupture_drop: must be a number with at most one decimal")]
    [InlineData("""{"rupture_drop": 5.25}""", "rupture_drop", "rupture_drop: must be a number with at most one decimal")]
    [InlineData("""{"repair_window": 2.5}""", "repair_window", "repair_window: must be a whole number")]
    [InlineData("""{"repair_window": 0}""", "repair_window", "repair_window: must be 1 or more.")]
    [InlineData("""{"rupture_dorp": 5}""", "rupture_dorp", "rupture_dorp: is not a setting of the rules")]
    [InlineData("""{"instruments": {"moods": {"cutoff": 3}}}""", "instruments.moods", "instruments.moods: is not an instrument this agency knows")]
    [InlineData("""{"instruments": {"gad-7": {"cutof": 3}}}""", "instruments.gad-7.cutof", "instruments.gad-7.cutof: is not a setting of an instrument (cutoff, child_cutoff, reliable_change)")]
    [InlineData("""{"instruments": {"gad-7": {"reliable_change": 0}}}""", "instruments.gad-7.reliable_change", "instruments.gad-7.reliable_change: must be more than 0.")]
    [InlineData("""{"working_hours": {"start": "7am"}}""", "working_hours.start", "working_hours.start: must be a time written HH:MM (24-hour)")]
    [InlineData("""{"working_hours": {"days": ["monday"]}}""", "working_hours.days", "working_hours.days: must be a list of days (mon, tue, wed, thu, fri, sat, sun)")]
    [InlineData("""{"overrun_count": 6}""", "overrun_count", "overrun_count: must be between 1 and overrun_window.")]
    public void AWrongFieldIsNamed(string json, string field, string message)
    {
        var error = Assert.Throws<SignalRulesFileException>(() => SignalRulesFile.Parse(json));
        Assert.Equal(field, error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void ATextThatIsNotJsonIsReported()
    {
        var error = Assert.Throws<SignalRulesFileException>(() => SignalRulesFile.Parse("{\"rupture_drop\": 5,\n oops}"));
        Assert.Null(error.Field);
        Assert.StartsWith("the rules file is not valid JSON (line 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLinesWriteEveryKeyNullsAndScoresAsNumbers()
    {
        var alert = new Alert(
            AlertKind.LowAlliance, "F\"1", null, null, null,
            [new Evidence { SessionNumber = 3, Score = Score.Parse("29.5") }, new Evidence { SessionNumber = 4, Score = Score.Parse("-1.5") }],
            "line\nbreak \\ \u0001", "next");
        Assert.Equal(
            "{\"case_id\":\"F\\\"1\",\"member_id\":null,\"session_number\":null,\"kind\":\"low-alliance\",\"instrument\":null,"
            + "\"evidence\":[{\"session_number\":3,\"score\":29.5},{\"session_number\":4,\"score\":-1.5}],\"message\":\"line\\nbreak \\\\ \\u0001\"}",
            SignalsJsonLines.Format(alert));
        Assert.Equal(29.5m, JsonDocument.Parse(SignalsJsonLines.Format(alert)).RootElement.GetProperty("evidence")[0].GetProperty("score").GetDecimal());
    }

    [Fact]
    public void JsonLinesGoToAStreamAsUtf8WithoutAByteOrderMark()
    {
        var alert = new Alert(AlertKind.FeedbackGap, "Fé", null, 2, null, [new Evidence { SessionNumber = 2 }], "m", "n");
        using var stream = new MemoryStream();
        SignalsJsonLines.Write([alert, alert], stream);
        var bytes = stream.ToArray();
        Assert.NotEqual(0xEF, bytes[0]);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.Equal(2, text.Count(c => c == '\n'));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.Contains("\"evidence\":[{\"session_number\":2}]", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("29", 290, "29")]
    [InlineData("29.5", 295, "29.5")]
    [InlineData("-1.5", -15, "-1.5")]
    [InlineData("36.0", 360, "36")]
    [InlineData("0.5", 5, "0.5")]
    [InlineData("-0.5", -5, "-0.5")]
    [InlineData("0", 0, "0")]
    public void ScoresReadExactlyAndWriteShortest(string text, int tenths, string written)
    {
        Assert.True(Score.TryParse(text, out var score));
        Assert.Equal(tenths, score.Tenths);
        Assert.Equal(written, score.ToString());
        Assert.Equal(tenths / 10m, score.ToDecimal());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("5.25")]
    [InlineData("+5")]
    [InlineData("5e1")]
    [InlineData("1,5")]
    [InlineData("99999999999")]
    public void TextThatIsNotAScoreIsRejected(string text)
    {
        Assert.False(Score.TryParse(text, out _));
    }

    [Fact]
    public void ScoreDifferencesAreExact()
    {
        // 36.3 - 31.3 is exactly 5 (in binary floating point it is 4.999999999999996).
        Assert.Equal(Score.FromPoints(5), Score.Parse("36.3") - Score.Parse("31.3"));
        Assert.True(Score.Parse("36.3") - Score.Parse("31.3") >= Score.FromPoints(5));
        Assert.Throws<ArgumentException>(() => Score.FromDecimal(1.25m));
    }

    [Fact]
    public void TheDefaultCatalogueMatchesTheFormatTable()
    {
        var catalogue = InstrumentCatalogue.Default;
        (string Id, string Low, string High, BetterDirection Better, string? Cutoff, string? ChildCutoff, string? Change, string Series)[] table =
        [
            ("alliance-check", "0", "40", BetterDirection.Higher, "36", null, "5", "alliance-check"),
            ("child-alliance-check", "0", "40", BetterDirection.Higher, "36", null, "5", "alliance-check"),
            ("wellbeing-check", "0", "40", BetterDirection.Higher, "25", "32", "5", "wellbeing-check"),
            ("child-wellbeing-check", "0", "40", BetterDirection.Higher, "25", "32", "5", "wellbeing-check"),
            ("phq-9", "0", "27", BetterDirection.Lower, "10", null, "6", "phq-9"),
            ("gad-7", "0", "21", BetterDirection.Lower, "8", null, "4", "gad-7"),
            ("family-alliance", "8", "40", BetterDirection.Higher, null, null, null, "family-alliance"),
            ("self-efficacy-check", "4", "40", BetterDirection.Higher, null, null, null, "self-efficacy-check"),
            ("therapist-empathy-observation", "9", "45", BetterDirection.Higher, null, null, null, "therapist-empathy-observation"),
            ("observer-family-alliance", "-3", "3", BetterDirection.Higher, null, null, null, "observer-family-alliance"),
        ];
        Assert.Equal(table.Length, catalogue.Count);
        foreach (var row in table)
        {
            var instrument = catalogue.Find(row.Id)!;
            Assert.Equal((row.Low, row.High, row.Better, row.Cutoff, row.ChildCutoff, row.Change, row.Series), (
                instrument.Low.ToString(), instrument.High.ToString(), instrument.Better, instrument.Cutoff?.ToString(),
                instrument.ChildCutoff?.ToString(), instrument.ReliableChange?.ToString(), instrument.Series));
        }
    }

    [Fact]
    public void TheCatalogueRejectsASeriesThatIsNotInIt()
    {
        Assert.Throws<ArgumentException>(() => new InstrumentCatalogue(
            [new Instrument("x", Score.FromPoints(0), Score.FromPoints(1), BetterDirection.Higher, InstrumentRole.Outcome) { Series = "y" }]));
    }

    [Theory]
    [InlineData(AlertKind.UnrepairedRupture, AlertSeverity.High)]
    [InlineData(AlertKind.Deterioration, AlertSeverity.High)]
    [InlineData(AlertKind.NotOnTrack, AlertSeverity.High)]
    [InlineData(AlertKind.Rupture, AlertSeverity.Medium)]
    [InlineData(AlertKind.SplitAlliance, AlertSeverity.Medium)]
    [InlineData(AlertKind.LowAlliance, AlertSeverity.Medium)]
    [InlineData(AlertKind.TerminationDue, AlertSeverity.Medium)]
    [InlineData(AlertKind.TreatmentProlonged, AlertSeverity.Medium)]
    [InlineData(AlertKind.SessionOverrun, AlertSeverity.Medium)]
    [InlineData(AlertKind.PersonalContact, AlertSeverity.Medium)]
    [InlineData(AlertKind.OutOfHoursContact, AlertSeverity.Low)]
    [InlineData(AlertKind.FeedbackGap, AlertSeverity.Low)]
    [InlineData(AlertKind.ReliableImprovement, AlertSeverity.GoodNews)]
    [InlineData(AlertKind.Recovery, AlertSeverity.GoodNews)]
    [InlineData(AlertKind.Repair, AlertSeverity.GoodNews)]
    public void SeveritiesFollowTheFeedbackEngineIssue(AlertKind kind, AlertSeverity severity)
    {
        Assert.Equal(severity, AlertKinds.Severity(kind));
    }

    [Fact]
    public void KindWordsAreTheFormatsAndSortOrdinally()
    {
        var words = AlertKinds.All.Select(AlertKinds.Code).ToList();
        Assert.Equal(15, words.Distinct().Count());
        Assert.Contains("out-of-hours-contact", words);
        var byRank = AlertKinds.All.OrderBy(AlertKinds.OrdinalRank).Select(AlertKinds.Code).ToList();
        Assert.Equal(words.Order(StringComparer.Ordinal).ToList(), byRank);
    }
}
