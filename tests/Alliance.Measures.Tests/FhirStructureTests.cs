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

    internal static bool IsUnresolvedAllianceExtension(StructureIssue issue) =>
        issue.Severity == StructureSeverity.Warning && issue.Message.Contains(ExtensionUrls.Base, StringComparison.Ordinal)
        && issue.Message.StartsWith("Unable to resolve reference to extension", StringComparison.Ordinal);
}
