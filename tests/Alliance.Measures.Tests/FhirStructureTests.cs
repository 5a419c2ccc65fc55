using Hl7.Fhir.Model;

namespace Alliance.Measures.Tests;

/// <summary>
/// Every built-in Questionnaire and every exported QuestionnaireResponse passes Firely's validator
/// (Firely.Fhir.Validation.R4 over the R4 core definitions in specification.zip, offline).
/// </summary>
[Trait("Capability", "Measures")]
public sealed class FhirStructureTests
{
    public static TheoryData<string> BuiltInIds => [.. InstrumentCatalog.BuiltIns.Select(i => i.Id)];

    [Theory]
    [MemberData(nameof(BuiltInIds))]
    public void BuiltInQuestionnairePassesFirelyValidation(string id)
    {
        var questionnaire = InstrumentCatalog.BuiltIns.Single(i => i.Id == id).ToQuestionnaire();

        var issues = FhirStructureValidator.Shared.Validate(questionnaire);

        // Errors fail the test; so does any warning other than Firely not knowing Alliance's own extensions.
        var unexpected = issues.Where(i => !IsUnresolvedAllianceExtension(i)).ToList();
        Assert.True(unexpected.Count == 0, string.Join(Environment.NewLine, unexpected));
    }

    [Fact]
    public void TheValidatorReallyRunsOverTheBuiltIns()
    {
        // Firely does not know Alliance's extensions and says so: proof that the validator walked the resource.
        var issues = FhirStructureValidator.Shared.Validate(InstrumentCatalog.BuiltIns[0].ToQuestionnaire());

        Assert.Contains(issues, IsUnresolvedAllianceExtension);
    }

    [Fact]
    public void TheValidatorReportsStructuralErrors()
    {
        var questionnaire = new Questionnaire
        {
            Status = PublicationStatus.Active,
            Item = [new Questionnaire.ItemComponent { Text = "No linkId, no type" }],
        };

        var errors = FhirStructureValidator.Shared.Errors(questionnaire);

        Assert.Contains(errors, e => e.Location == "Questionnaire.item[0]" && e.Message.Contains("linkId", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Location == "Questionnaire.item[0]" && e.Message.Contains("type", StringComparison.Ordinal));
    }

    internal static bool IsUnresolvedAllianceExtension(StructureIssue issue) =>
        issue.Severity == StructureSeverity.Warning && issue.Message.Contains(ExtensionUrls.Base, StringComparison.Ordinal)
        && issue.Message.StartsWith("Unable to resolve reference to extension", StringComparison.Ordinal);
}
