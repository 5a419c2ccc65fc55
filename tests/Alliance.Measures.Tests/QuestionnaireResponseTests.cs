using System.Text.Json.Nodes;
using static Alliance.Measures.Tests.TestSupport;

namespace Alliance.Measures.Tests;

/// <summary>
/// Scored responses map to FHIR QuestionnaireResponse and back without loss (golden files in TestData), and every
/// exported response passes Firely's validator.
/// </summary>
[Trait("Capability", "Measures")]
public sealed class QuestionnaireResponseTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();
    private static readonly DateTimeOffset Authored = new(2025, 3, 4, 10, 15, 0, TimeSpan.FromHours(1));

    private static ScoredResponse Example(string name) => name switch
    {
        // PHQ-9 with item 5 missing (prorated: 2+2+2+1+1+2+1+1 = 12 over 8; 12 x 9 / 8 = 13.5, rounded 14) and item 9 at 1.
        "phq-9" => ScoredResponse.Create(
            BuiltIn("phq-9"),
            [
                .. Options(BuiltIn("phq-9"), "phq9-", 2, 2, 2, 1, null, 1, 2, 1, 1),
                new ItemAnswer("difficulty", AnswerValue.Option("somewhat")),
            ],
            new ResponseDetails(Rater.Client, Authored) { Id = "r-phq9-1", Subject = "Patient/m-204", Encounter = "Encounter/s-88" }),
        "alliance-check" => ScoredResponse.Create(
            BuiltIn("alliance-check"),
            [
                new ItemAnswer("comment", AnswerValue.FreeText("I could not say everything with my dad there.")) { IsPrivate = true },
                Scale("overall", 7), Scale("heard", 8), Scale("goals", 6), Scale("approach", 7),
            ],
            new ResponseDetails(Rater.Client, Authored) { Id = "r-ac-1", Subject = "Patient/m-205", Encounter = "Encounter/s-88" }),
        "family-alliance" => ScoredResponse.Create(
            BuiltIn("family-alliance"),
            [
                Option(BuiltIn("family-alliance"), "engagement-helping", 4), Option(BuiltIn("family-alliance"), "engagement-say", 3),
                Option(BuiltIn("family-alliance"), "connection-trust", 5), Option(BuiltIn("family-alliance"), "connection-care", 5),
                Option(BuiltIn("family-alliance"), "safety-speak", 2), Option(BuiltIn("family-alliance"), "safety-holding-back", 4),
                Option(BuiltIn("family-alliance"), "purpose-together", 4), Option(BuiltIn("family-alliance"), "purpose-different", 2),
            ],
            new ResponseDetails(Rater.Client, Authored) { Id = "r-fa-1", Subject = "Patient/m-204", Encounter = "Encounter/s-88" }),
        "observer-family-alliance" => ScoredResponse.Create(
            BuiltIn("observer-family-alliance"),
            [
                Scale("shared-purpose", 1),
                Scale("engagement", 2, "m-204"), Scale("connection", 1, "m-204"), Scale("safety", 0, "m-204"),
                Scale("engagement", -1, "m-205"), Scale("safety", -2, "m-205"), Scale("connection", 1, "m-205"),
            ],
            new ResponseDetails(Rater.Observer, Authored) { Id = "r-ofa-1", Subject = "Group/case-17", Author = "Practitioner/sup-3", Encounter = "Encounter/s-88" }),
        // Transcribed from paper with an item missing: kept, but unscorable.
        "wellbeing-check-unscorable" => ScoredResponse.Create(
            BuiltIn("wellbeing-check"),
            [Scale("personal", 3), Scale("relationships", 4), Scale("overall", 5)],
            new ResponseDetails(Rater.Client, Authored) { Id = "r-wb-1", Subject = "Patient/m-204" }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Instrument InstrumentOf(ScoredResponse response) => Catalog.Get(response.InstrumentId);

    public static TheoryData<string> Examples =>
        ["phq-9", "alliance-check", "family-alliance", "observer-family-alliance", "wellbeing-check-unscorable"];

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExportMatchesTheGoldenFile(string name)
    {
        var response = Example(name);

        AssertMatchesGolden($"response-{name}.json", QuestionnaireResponseMapper.ToJson(InstrumentOf(response), response));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void TheGoldenFileReadsBackToTheSameResponse(string name)
    {
        var result = QuestionnaireResponseMapper.FromJson(ReadTestData($"response-{name}.json"), Catalog);

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(Example(name), result.Response);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExportedResponsesPassFirelyValidation(string name)
    {
        var response = Example(name);

        var issues = FhirStructureValidator.Shared.Validate(QuestionnaireResponseMapper.ToFhir(InstrumentOf(response), response));

        var unexpected = issues.Where(i => !FhirStructureTests.IsUnresolvedAllianceExtension(i)).ToList();
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected));
    }

    [Fact]
    public void TheExampleScoresAreThoseWorkedByHand()
    {
        var phq9 = Example("phq-9").Score;
        Assert.Equal(14m, phq9.Total);
        Assert.True(phq9.Prorated);
        Assert.Equal("moderate", phq9.Band!.Code);
        Assert.Single(phq9.RiskFlags);

        // engagement 4 + 3 = 7, connection 5 + 5 = 10, safety 2 + (6 - 4) = 4, shared purpose 4 + (6 - 2) = 8; total 29.
        var family = Example("family-alliance").Score;
        Assert.Equal(29m, family.Total);
        Assert.Equal([7m, 10m, 4m, 8m], family.Subscales.Select(s => s.Score!.Value));

        // engagement (2 - 1) / 2 = 0.5, connection (1 + 1) / 2 = 1, safety (0 - 2) / 2 = -1, shared purpose 1;
        // total (0.5 + 1 - 1 + 1) / 4 = 0.375, rounded 0.4.
        Assert.Equal(0.4m, Example("observer-family-alliance").Score.Total);

        Assert.Null(Example("wellbeing-check-unscorable").Score.Total);
    }

    [Fact]
    public void AnswersAreKeptInTheInstrumentsOrder()
    {
        var answers = Example("alliance-check").Answers.Select(a => a.LinkId);

        Assert.Equal(["heard", "goals", "approach", "overall", "comment"], answers);
    }

    [Fact]
    public void PrivateTextIsKeptFromTheFamilyButNotFromTheTherapist()
    {
        var response = Example("alliance-check");

        Assert.Contains(response.Answers, a => a.LinkId == "comment" && a.IsPrivate);
        Assert.DoesNotContain(response.AnswersForFamily, a => a.LinkId == "comment");
        Assert.Equal(4, response.AnswersForFamily.Count());
    }

    [Fact]
    public void AStoredScoreThatDoesNotMatchTheAnswersIsRefused()
    {
        var root = JsonNode.Parse(ReadTestData("response-phq-9.json"))!;
        var score = root["extension"]!.AsArray().Single(e => (string?)e!["url"] == ExtensionUrls.Score)!;
        score["extension"]!.AsArray().Single(e => (string?)e!["url"] == "total")!["valueDecimal"] = 4;

        var result = QuestionnaireResponseMapper.FromJson(root.ToJsonString(), Catalog);

        Assert.Equal(["score: the stored total (4) does not match the total of the answers (14)"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void AResponseWithoutStoredScoreIsScoredOnReading()
    {
        var root = JsonNode.Parse(ReadTestData("response-phq-9.json"))!;
        var extensions = root["extension"]!.AsArray();
        extensions.Remove(extensions.Single(e => (string?)e!["url"] == ExtensionUrls.Score));

        var result = QuestionnaireResponseMapper.FromJson(root.ToJsonString(), Catalog);

        Assert.Equal(14m, result.Response!.Score.Total);
    }

    [Fact]
    public void OnlineEntryRefusesAResponseWithRequiredItemsMissing()
    {
        var json = ReadTestData("response-wellbeing-check-unscorable.json");

        var result = QuestionnaireResponseMapper.FromJson(json, Catalog, AnswerEntry.Online);

        Assert.Equal(["social: is required"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void StructuralProblemsOfAResponseAreAllReported()
    {
        const string json = """
            {"resourceType":"QuestionnaireResponse",
             "extension":[{"url":"https://alliance.example/fhir/StructureDefinition/rater","valueCode":"therapist"}],
             "questionnaire":"https://alliance.example/fhir/Questionnaire/alliance-check|1.0.0","status":"in-progress",
             "item":[{"linkId":"heard","answer":[{"valueInteger":8},{"valueInteger":9}]},
                     {"linkId":"goals","answer":[{"valueString":"eight"}]},
                     {"linkId":"mood","answer":[{"valueInteger":3}]},
                     {"linkId":"approach","answer":[{"valueInteger":12}]}]}
            """;

        var result = QuestionnaireResponseMapper.FromJson(json, Catalog, AnswerEntry.Transcribed);

        Assert.Equal(
            [
                "status: only completed or amended responses are scored, not in-progress",
                "authored: the response does not say when it was answered",
                "rater: alliance-check is not rated by therapist",
                "heard: has more than one answer",
                "mood: is not an item of alliance-check",
                "goals: expects a whole number from 0 to 10, not text",
                "approach: 12 is outside the scale 0 to 10",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void AResponseToAnUnknownQuestionnaireIsRefused()
    {
        const string json = """
            {"resourceType":"QuestionnaireResponse","questionnaire":"https://elsewhere.example/Questionnaire/x","status":"completed","authored":"2025-03-04"}
            """;

        var result = QuestionnaireResponseMapper.FromJson(json, Catalog);

        Assert.Equal(
            ["questionnaire: https://elsewhere.example/Questionnaire/x is not an instrument this agency knows"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ResponsesFromOtherSystemsWithoutTheRaterExtensionTakeTheInstrumentsFirstRater()
    {
        // A plain FHIR response using LOINC codes, as another system would send it: no Alliance extension.
        const string json = """
            {"resourceType":"QuestionnaireResponse","questionnaire":"https://alliance.example/fhir/Questionnaire/gad-7","status":"completed",
             "authored":"2025-03-04T09:00:00Z","subject":{"reference":"Patient/m-9"},
             "item":[
               {"linkId":"gad7-1","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6569-3"}}]},
               {"linkId":"gad7-2","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6570-1"}}]},
               {"linkId":"gad7-3","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6569-3"}}]},
               {"linkId":"gad7-4","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6568-5"}}]},
               {"linkId":"gad7-5","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6571-9"}}]},
               {"linkId":"gad7-6","answer":[{"valueCoding":{"code":"LA6569-3"}}]},
               {"linkId":"gad7-7","answer":[{"valueCoding":{"system":"http://loinc.org","code":"LA6568-5"}}]}]}
            """;

        var result = QuestionnaireResponseMapper.FromJson(json, Catalog);

        // 1 + 2 + 1 + 0 + 3 + 1 + 0 = 8
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Equal(Rater.Client, result.Response!.Details.Rater);
        Assert.Equal(8m, result.Response.Score.Total);
        Assert.Equal("Patient/m-9", result.Response.Details.Subject);
    }

    [Fact]
    public void ACodingFromAnotherSystemIsRefused()
    {
        const string json = """
            {"resourceType":"QuestionnaireResponse","questionnaire":"https://alliance.example/fhir/Questionnaire/gad-7","status":"completed",
             "authored":"2025-03-04T09:00:00Z",
             "item":[{"linkId":"gad7-1","answer":[{"valueCoding":{"system":"http://snomed.info/sct","code":"LA6569-3"}}]}]}
            """;

        var result = QuestionnaireResponseMapper.FromJson(json, Catalog);

        Assert.Equal(["gad7-1: code http://snomed.info/sct|LA6569-3 is not one of the item's options"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void APerMemberGroupWithoutItsMemberIsRefused()
    {
        var root = JsonNode.Parse(ReadTestData("response-observer-family-alliance.json"))!;
        var group = root["item"]!.AsArray().First(i => (string?)i!["linkId"] == "member-rating")!;
        group["item"]!.AsArray().RemoveAt(0);

        var result = QuestionnaireResponseMapper.FromJson(root.ToJsonString(), Catalog);

        Assert.Contains(result.Errors, e => e.ToString() ==
            "member-rating (item[0]): names no member: item member needs one text answer with the member's id");
    }
}
