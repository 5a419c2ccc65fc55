using Alliance.Measures;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Alliance.Application.Import;

/// <summary>
/// The QuestionnaireResponse kept for a score that arrived without its answers (a spreadsheet holds totals only):
/// which questionnaire, about whom, at which session, who rated, and Alliance's <c>score</c> extension with the total.
/// It has no items, so it is never read back through <see cref="QuestionnaireResponseMapper"/> (which recomputes
/// scores from answers); the stored score is the one the agency recorded.
/// </summary>
public static class ImportedResponse
{
    /// <summary>Builds the resource.</summary>
    /// <param name="questionnaire">The instrument's canonical (<c>url|version</c>), or null when the instrument is unknown.</param>
    /// <param name="memberId">The member the score is about.</param>
    /// <param name="sessionId">The session.</param>
    /// <param name="rater">Who rated.</param>
    /// <param name="total">The total, or null.</param>
    /// <param name="authored">When the session took place.</param>
    public static QuestionnaireResponse Build(string? questionnaire, Guid memberId, Guid sessionId, Rater rater, decimal? total, DateTimeOffset authored)
    {
        var resource = new QuestionnaireResponse
        {
            Questionnaire = questionnaire,
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            AuthoredElement = new FhirDateTime(authored),
            Subject = new ResourceReference($"Patient/{memberId}"),
            Encounter = new ResourceReference($"Encounter/{sessionId}"),
        };
        resource.Extension.Add(new Extension(ExtensionUrls.ResponseRater, new Code(Codes.Of(rater))));
        var score = new Extension { Url = ExtensionUrls.Score };
        if (total is { } value) score.AddExtension("total", new FhirDecimal(value));
        else score.AddExtension("unscorable", new FhirString("no total was recorded"));
        resource.Extension.Add(score);
        return resource;
    }

    /// <summary>The canonical of an instrument, as responses name it.</summary>
    public static string Canonical(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument.Version is null ? instrument.Url : $"{instrument.Url}|{instrument.Version}";
    }

    /// <summary>The resource as FHIR JSON.</summary>
    public static string ToJson(QuestionnaireResponse resource) => resource.ToJson();
}
