using System.Text.Json.Nodes;
using static Alliance.Measures.Tests.TestSupport;

namespace Alliance.Measures.Tests;

/// <summary>An agency imports its own (for example licensed) instruments into a catalog beside the built-ins.</summary>
[Trait("Capability", "Measures")]
public sealed class InstrumentCatalogTests
{
    private static InstrumentCatalog NewCatalog() => InstrumentCatalog.CreateWithBuiltIns(FhirStructureValidator.Shared);

    [Fact]
    public void AnImportedInstrumentIsFoundAndScored()
    {
        var catalog = NewCatalog();

        var result = catalog.Import(ReadTestData("imported-licensed-instrument.json"));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        var instrument = catalog.Get("agency-alliance-short");
        Assert.Equal(InstrumentOrigin.Imported, instrument.Origin);
        Assert.Same(instrument, catalog.FindByCanonical("https://agency.example/fhir/Questionnaire/agency-alliance-short|2"));
        Assert.Same(instrument, catalog.FindByCanonical("https://agency.example/fhir/Questionnaire/agency-alliance-short"));
        Assert.Null(catalog.FindByCanonical("https://agency.example/fhir/Questionnaire/agency-alliance-short|1"));
        Assert.Equal(11, catalog.All.Count);

        // i1 4, i2 reverse-scored 1 + 5 - 2 = 4, i3 3, i4 5: bond 8, task 8, total 16.
        var score = instrument.Score(
        [
            Option(instrument, "i1", 4), Option(instrument, "i2", 2), Option(instrument, "i3", 3), Option(instrument, "i4", 5),
        ]);
        Assert.Equal(16m, score.Total);
        Assert.Equal(8m, score.Subscale("bond")!.Score);
        Assert.Equal(8m, score.Subscale("task")!.Score);
    }

    [Fact]
    public void ImportsStayInTheirOwnCatalog()
    {
        var agencyA = NewCatalog();
        var agencyB = NewCatalog();

        agencyA.Import(ReadTestData("imported-licensed-instrument.json"));

        Assert.NotNull(agencyA.Find("agency-alliance-short"));
        Assert.Null(agencyB.Find("agency-alliance-short"));
    }

    [Fact]
    public void YesNoItemsScoreOneForYesAndCanBeReversed()
    {
        var catalog = NewCatalog();
        Assert.True(catalog.Import(ReadTestData("imported-yes-no-checklist.json")).Succeeded);
        var checklist = catalog.Get("session-checklist");

        // agenda yes 1, feedback no 0, overran no: reverse-scored 0 + 1 - 0 = 1; total 2.
        var score = checklist.Score(
        [
            new ItemAnswer("agenda", AnswerValue.YesNo(true)),
            new ItemAnswer("feedback", AnswerValue.YesNo(false)),
            new ItemAnswer("overran", AnswerValue.YesNo(false)),
        ]);

        Assert.Equal(2m, score.Total);
    }

    [Fact]
    public void ABuiltInCannotBeReplaced()
    {
        var catalog = NewCatalog();

        var result = catalog.Import(BuiltIn("phq-9").QuestionnaireJson);

        Assert.Equal(
            [
                "Questionnaire.id: \"phq-9\" is a built-in instrument and cannot be replaced; give the Questionnaire another id",
            ],
            result.Problems.Select(p => p.ToString()));
        Assert.Equal(InstrumentOrigin.BuiltIn, catalog.Get("phq-9").Origin);
    }

    [Fact]
    public void TheSameInstrumentCannotBeImportedTwice()
    {
        var catalog = NewCatalog();
        catalog.Import(ReadTestData("imported-licensed-instrument.json"));

        var again = catalog.Import(ReadTestData("imported-licensed-instrument.json"));

        Assert.Equal(
            ["Questionnaire.id: an instrument with the id \"agency-alliance-short\" was already imported"],
            again.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void AMalformedImportIsRefusedWithEveryReasonAndChangesNothing()
    {
        var catalog = NewCatalog();

        var result = catalog.Import(ReadTestData("malformed-instrument.json"));

        Assert.False(result.Succeeded);
        // Alliance's 16 problems (see DefinitionTests) and Firely's invariant que-2 on the repeated linkId.
        Assert.Equal(17, result.Problems.Count);
        Assert.Equal(
            "Questionnaire: Instance failed constraint que-2 \"The link ids for groups and questions must be unique within the questionnaire\"",
            result.Problems[^1].ToString());
        Assert.Null(catalog.Find("broken-check"));
        Assert.Equal(10, catalog.All.Count);
    }

    [Fact]
    public void ImportAddsFirelysStructuralErrorsToAlliancesOwn()
    {
        // A read-only display item breaks FHIR invariant que-9, which only Firely's validator checks;
        // the missing scoreMax is Alliance's own check. Both are reported.
        var json = WithReadOnlyDisplayItem(ReadTestData("imported-licensed-instrument.json"));
        var root = JsonNode.Parse(json)!;
        var fields = root["extension"]![0]!["extension"]!.AsArray();
        fields.Remove(fields.Single(f => (string?)f!["url"] == "scoreMax"));

        var result = NewCatalog().Import(root.ToJsonString());

        Assert.Contains(result.Problems, p => p.ToString() == "instrument extension: scoreMax is missing (valueDecimal)");
        Assert.Contains(result.Problems, p => p.Location == "Questionnaire.item[4]" && p.Message.Contains("que-9", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutAStructuralValidatorOnlyAlliancesChecksRun()
    {
        var json = WithReadOnlyDisplayItem(ReadTestData("imported-licensed-instrument.json"));

        var result = InstrumentCatalog.CreateWithBuiltIns(structureValidator: null).Import(json);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public void GetNamesAMissingInstrument() =>
        Assert.Equal(
            "no instrument has the id \"srs\"",
            Assert.Throws<KeyNotFoundException>(() => NewCatalog().Get("srs")).Message);

    private static string WithReadOnlyDisplayItem(string questionnaireJson)
    {
        var root = JsonNode.Parse(questionnaireJson)!;
        root["item"]!.AsArray().Add(JsonNode.Parse("""{"linkId":"thanks","text":"Thank you.","type":"display","readOnly":true}"""));
        return root.ToJsonString();
    }
}
