using System.Text.Json.Nodes;

namespace Alliance.Measures.Tests;

/// <summary>Reading instrument definitions: malformed ones are refused with every reason listed.</summary>
[Trait("Capability", "Measures")]
public sealed class DefinitionTests
{
    [Fact]
    public void AMalformedDefinitionListsEveryProblem()
    {
        var result = InstrumentDefinition.Read(TestSupport.ReadTestData("malformed-instrument.json"));

        Assert.False(result.Succeeded);
        Assert.Null(result.Instrument);
        Assert.Equal(
            [
                "Questionnaire: unknown or misplaced Alliance extension https://alliance.example/fhir/StructureDefinition/instrumnet",
                "instrument extension: unknown field \"licensee\" (known: construct, rater, series, minAge, maxAge, scoreMin, scoreMax, precision, betterDirection, totalMethod, clinicalCutoff, childClinicalCutoff, reliableChange, missingItems, source, licence, validationNote)",
                "instrument extension: construct \"happiness\" is not one of alliance, family-alliance, outcome, self-efficacy, therapist-behaviour",
                "instrument extension: clinicalCutoff 50 is outside the range 0-30",
                "instrument extension: missingItems: the prorate rule needs maxMissing of at least 1",
                "instrument extension: licence is missing (valueString)",
                "item 3 (linkId \"a3\"): a scale (integer) item needs minValue and maxValue extensions (valueInteger)",
                "item 3 (linkId \"a3\"): reverse-scored item has no answer range",
                "item 4 (linkId \"a1\"): linkId \"a1\" is used by an earlier item",
                "item 5 (linkId \"when\"): item type 'date' is not supported (integer, choice, boolean, string, text, display and per-member group are)",
                "item 6 (linkId \"agree\"): only free-text items can be kept private (private-allowed)",
                "item 7 (linkId \"mood\"): option 1: an option of a scored item needs its score (ordinalValue extension on the coding)",
                "item 7 (linkId \"mood\"): option 2: an option of a scored item needs its score (ordinalValue extension on the coding)",
                "subscale 1 (\"part\"): item \"zz\" is not in the Questionnaire",
                "severity band 2 (\"high\"): starts at 12 but the band before ends at 9; bands must follow each other without gap or overlap",
                "instrument extension: scoreMin-scoreMax 0-30 does not match the items, which give 0-21",
            ],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void EveryParseErrorIsReportedWithItsPath()
    {
        // Three parse-time errors: a linkId that is a number, an unknown element, an invalid status code.
        const string json = """
            {"resourceType":"Questionnaire","id":"x","status":"bogus",
             "item":[{"linkId":3,"text":"Q","type":"integer","colour":"red"}]}
            """;

        var problems = InstrumentDefinition.Read(json).Problems.Select(p => p.ToString()).ToList();

        Assert.Contains(problems, p => p.StartsWith("Questionnaire.status (line 1): ", StringComparison.Ordinal) && p.Contains("bogus", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Questionnaire.item[0].linkId (line 2): ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Questionnaire.item[0].colour (line 2): Found unknown element 'colour'", StringComparison.Ordinal));
        // What was read despite the errors is checked too.
        Assert.Contains("instrument extension: the Questionnaire has no instrument extension (https://alliance.example/fhir/StructureDefinition/instrument) with its scoring metadata", problems);
    }

    [Fact]
    public void AFaultFirelysParserReportsIsNotReportedAgainInOtherWords()
    {
        // Both readers meet the number where a linkId belongs and the unknown status; each fault is reported once, by
        // Firely's parser, with its line.
        const string json = """
            {"resourceType":"Questionnaire","id":"x","status":"bogus",
             "item":[{"linkId":3,"text":"Q","type":"integer"}]}
            """;

        var problems = InstrumentDefinition.Read(json).Problems;

        Assert.Single(problems, p => p.Location.StartsWith("Questionnaire.status", StringComparison.Ordinal));
        Assert.Single(problems, p => p.Location.StartsWith("Questionnaire.item[0].linkId", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Message.Contains("linkId", StringComparison.Ordinal) && p.Location.StartsWith("item 1", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Location == "Questionnaire.status");
    }

    [Fact]
    public void AMissingLinkIdIsReportedOnceInAlliancesWords()
    {
        const string json = """
            {"resourceType":"Questionnaire","id":"x","status":"active","item":[{"text":"Q","type":"string"}]}
            """;

        var problems = InstrumentDefinition.Read(json).Problems.Select(p => p.ToString()).ToList();

        Assert.Contains("item 1: the item has no linkId", problems);
        Assert.DoesNotContain(problems, p => p.StartsWith("Questionnaire.item[0].linkId", StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemsFirelysParserDoesNotSeeAreReportedBesideItsOwn()
    {
        // Firely reports the unknown element; the reader, reading the same text, reports the unknown item type of
        // another item and the missing instrument extension.
        const string json = """
            {"resourceType":"Questionnaire","id":"x","url":"https://agency.example/q/x","title":"X","status":"active",
             "item":[{"linkId":"a","text":"Q","type":"string","colour":"red"},{"linkId":"b","text":"Q","type":"date"}]}
            """;

        var problems = InstrumentDefinition.Read(json).Problems.Select(p => p.ToString()).ToList();

        Assert.Contains(problems, p => p.StartsWith("Questionnaire.item[0].colour (line 2): Found unknown element 'colour'", StringComparison.Ordinal));
        Assert.Contains("item 2 (linkId \"b\"): item type 'date' is not supported (integer, choice, boolean, string, text, display and per-member group are)", problems);
        Assert.Contains("instrument extension: the Questionnaire has no instrument extension (https://alliance.example/fhir/StructureDefinition/instrument) with its scoring metadata", problems);
    }

    [Fact]
    public void TextThatIsNotJsonIsRefused()
    {
        var result = InstrumentDefinition.Read("{\"resourceType\": \"Questionnaire\",");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("JSON", problem.Location);
    }

    [Fact]
    public void AnotherResourceTypeIsRefused()
    {
        var result = InstrumentDefinition.Read("""{"resourceType":"Patient","id":"p1"}""");

        Assert.Equal("resourceType: expected Questionnaire, found Patient", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void AQuestionnaireWithoutTheExtensionSaysWhatIsMissing()
    {
        const string json = """
            {"resourceType":"Questionnaire","id":"plain","url":"https://agency.example/q/plain","title":"Plain","status":"active",
             "item":[{"linkId":"q1","text":"Q","type":"string"}]}
            """;

        var result = InstrumentDefinition.Read(json);

        Assert.Equal(
            ["instrument extension: the Questionnaire has no instrument extension (https://alliance.example/fhir/StructureDefinition/instrument) with its scoring metadata"],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void AValidDefinitionIsRead()
    {
        var result = InstrumentDefinition.Read(TestSupport.ReadTestData("imported-licensed-instrument.json"));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(InstrumentOrigin.Imported, result.Instrument!.Origin);
    }

    [Fact]
    public void AQuestionnaireResourceIsReadAsItsFhirJson()
    {
        var builtIn = TestSupport.BuiltIn("observer-family-alliance");

        var result = InstrumentDefinition.Read(builtIn.ToQuestionnaire(), InstrumentOrigin.BuiltIn);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(builtIn with { QuestionnaireJson = "" }, result.Instrument! with { QuestionnaireJson = "" });
        Assert.Equal("observer-family-alliance", JsonNode.Parse(result.Instrument!.QuestionnaireJson)!["id"]!.GetValue<string>());
    }

    // Each case changes one thing in a valid built-in and expects exactly that problem.
    public static TheoryData<string, string, string> SingleDefects => new()
    {
        {
            "reverse-scored free text",
            """{"op":"add-item-extension","linkId":"comment","url":"https://alliance.example/fhir/StructureDefinition/reverse-scored","value":true}""",
            "item 6 (linkId \"comment\"): reverse-scored item is not scored"
        },
        {
            "risk flag on free text",
            """{"op":"add-item-risk","linkId":"comment"}""",
            "item 6 (linkId \"comment\"): a risk-flag needs a scored item with an answer range"
        },
        {
            "scale anchor outside the scale",
            """{"op":"add-item-anchor","linkId":"heard","value":11}""",
            "item 2 (linkId \"heard\"): scale anchor at 11 is outside the scale 0-10"
        },
        {
            "unknown rater",
            """{"op":"add-instrument-field","url":"rater","valueCode":"teacher"}""",
            "instrument extension: rater \"teacher\" is not one of client, caregiver, observer, therapist"
        },
        {
            "reliable change wider than the range",
            """{"op":"set-instrument-field","url":"reliableChange","valueDecimal":41}""",
            "instrument extension: reliableChange 41 must be above 0 and within the range's width"
        },
        {
            "scoreMax given twice",
            """{"op":"add-instrument-field","url":"scoreMax","valueDecimal":40}""",
            "instrument extension: scoreMax is given 2 times"
        },
        {
            "enableWhen",
            """{"op":"add-enable-when","linkId":"goals"}""",
            "item 3 (linkId \"goals\"): conditional items (enableWhen) are not supported"
        },
    };

    [Theory]
    [MemberData(nameof(SingleDefects))]
    public void EachDefectIsNamed(string defect, string change, string expected)
    {
        var json = Apply(TestSupport.BuiltIn("alliance-check").QuestionnaireJson, JsonNode.Parse(change)!);

        var result = InstrumentDefinition.Read(json);

        Assert.True(result.Problems.Count == 1 && result.Problems[0].ToString() == expected,
            $"{defect}: expected only \"{expected}\" but got:{Environment.NewLine}{string.Join(Environment.NewLine, result.Problems)}");
    }

    [Fact]
    public void ThePerMemberGroupNeedsAMemberIdItem()
    {
        var root = JsonNode.Parse(TestSupport.BuiltIn("observer-family-alliance").QuestionnaireJson)!;
        var group = root["item"]!.AsArray().Single(i => (string?)i!["linkId"] == "member-rating")!;
        group["item"]!.AsArray().RemoveAt(0);

        var result = InstrumentDefinition.Read(root.ToJsonString());

        Assert.Contains(result.Problems, p => p.ToString() ==
            "item 2 (linkId \"member-rating\"): a per-member group needs one string item marked member-id, naming the rated member");
    }

    [Fact]
    public void ASumTotalCannotIncludePerMemberItems()
    {
        var root = JsonNode.Parse(TestSupport.BuiltIn("observer-family-alliance").QuestionnaireJson)!;
        var fields = root["extension"]![0]!["extension"]!.AsArray();
        fields.Remove(fields.Single(f => (string?)f!["url"] == "totalMethod"));

        var result = InstrumentDefinition.Read(root.ToJsonString());

        Assert.Contains(result.Problems, p => p.Message.StartsWith("a sum total cannot include items rated per member", StringComparison.Ordinal));
    }

    private static string Apply(string questionnaireJson, JsonNode change)
    {
        var root = JsonNode.Parse(questionnaireJson)!;
        var instrument = root["extension"]!.AsArray().Single(e => (string?)e!["url"] == ExtensionUrls.Instrument)!["extension"]!.AsArray();
        JsonNode Item(string linkId) => root["item"]!.AsArray().Single(i => (string?)i!["linkId"] == linkId)!;
        JsonArray ItemExtensions(string linkId) => (JsonArray)(Item(linkId)["extension"] ??= new JsonArray());

        switch ((string?)change["op"])
        {
            case "add-item-extension":
                ItemExtensions((string)change["linkId"]!).Add(new JsonObject { ["url"] = (string)change["url"]!, ["valueBoolean"] = (bool)change["value"]! });
                break;
            case "add-item-risk":
                ItemExtensions((string)change["linkId"]!).Add(JsonNode.Parse("""
                    {"url":"https://alliance.example/fhir/StructureDefinition/risk-flag","extension":[{"url":"atOrAbove","valueDecimal":1},{"url":"message","valueString":"m"}]}
                    """));
                break;
            case "add-item-anchor":
                ItemExtensions((string)change["linkId"]!).Add(JsonNode.Parse($$"""
                    {"url":"https://alliance.example/fhir/StructureDefinition/scale-anchor","extension":[{"url":"value","valueInteger":{{(int)change["value"]!}}},{"url":"label","valueString":"x"}]}
                    """));
                break;
            case "add-instrument-field":
                instrument.Add(JsonNode.Parse(change.ToJsonString().Replace("\"op\":\"add-instrument-field\",", "", StringComparison.Ordinal)));
                break;
            case "set-instrument-field":
                var field = instrument.Single(f => (string?)f!["url"] == (string?)change["url"])!;
                field["valueDecimal"] = (decimal)change["valueDecimal"]!;
                break;
            case "add-enable-when":
                Item((string)change["linkId"]!)["enableWhen"] = JsonNode.Parse("""[{"question":"heard","operator":"exists","answerBoolean":true}]""");
                break;
        }
        return root.ToJsonString();
    }
}
