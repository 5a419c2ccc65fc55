using System.Text.Json;
using Hl7.Fhir.Model;

namespace Alliance.Measures;

/// <summary>The outcome of reading a FHIR QuestionnaireResponse: the scored response, or every error found.</summary>
/// <param name="Response">The response when it has no error; otherwise null.</param>
/// <param name="Errors">Every error, named by field (a linkId, <c>linkId[memberId]</c>, or a FHIR element).</param>
public sealed record ResponseReadResult(ScoredResponse? Response, ValueList<AnswerError> Errors)
{
    /// <summary>Whether the response was read.</summary>
    public bool Succeeded => Response is not null;
}

/// <summary>
/// Maps scored responses to and from FHIR R4 QuestionnaireResponse resources. Reading recomputes the scores from the
/// answers (a score stored in the resource is checked against them, never trusted). Responses Alliance stored are
/// written and read with System.Text.Json alone (<see cref="ToJson"/>, <see cref="FromStoredJson"/>); responses from
/// elsewhere are first parsed by Firely, which names every structural fault (<see cref="FromJson"/>,
/// <see cref="FromFhir(QuestionnaireResponse, InstrumentCatalog, AnswerEntry)"/>).
/// </summary>
public static class QuestionnaireResponseMapper
{
    /// <summary>Builds the QuestionnaireResponse of a scored response.</summary>
    /// <param name="instrument">The instrument answered.</param>
    /// <param name="response">The scored response.</param>
    /// <returns>A new QuestionnaireResponse.</returns>
    public static QuestionnaireResponse ToFhir(Instrument instrument, ScoredResponse response)
    {
        var errors = new List<(string Location, string Message)>();
        var resource = Fhir.Parse<QuestionnaireResponse>(ToJson(instrument, response), errors);
        return errors.Count == 0 && resource is not null
            ? resource
            : throw new InvalidOperationException($"the response written for {instrument.Id} does not parse: " + string.Join("; ", errors.Select(e => $"{e.Location}: {e.Message}")));
    }

    /// <summary>Writes the QuestionnaireResponse of a scored response as FHIR JSON: the form responses are stored in.</summary>
    /// <param name="instrument">The instrument answered.</param>
    /// <param name="response">The scored response.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(Instrument instrument, ScoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(response);
        if (response.InstrumentId != instrument.Id)
        {
            throw new ArgumentException($"the response is to {response.InstrumentId}, not {instrument.Id}", nameof(response));
        }
        return ResponseWriter.Write(instrument, response);
    }

    /// <summary>
    /// Reads answers Alliance stored (the JSON <see cref="ToJson"/> wrote), finding the instrument in the catalog by the
    /// questionnaire canonical. Read with System.Text.Json alone; a text that is not such a response is refused with
    /// the reason, as by <see cref="FromJson"/>.
    /// </summary>
    /// <param name="json">The stored JSON text.</param>
    /// <param name="catalog">The instruments known.</param>
    /// <returns>The scored response, or every error.</returns>
    public static ResponseReadResult FromStoredJson(string json, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(catalog);
        return ResponseReader.Read(json, catalog, AnswerEntry.Transcribed);
    }

    /// <summary>Reads QuestionnaireResponse JSON from anywhere, finding its instrument in the catalog by the questionnaire canonical.</summary>
    /// <param name="json">The FHIR JSON text.</param>
    /// <param name="catalog">The instruments known.</param>
    /// <param name="entry">Whether unanswered required items are refused (online) or left to the missing-item rule (transcribed).</param>
    /// <returns>The scored response, or every error.</returns>
    public static ResponseReadResult FromJson(string json, InstrumentCatalog catalog, AnswerEntry entry = AnswerEntry.Transcribed)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var parseErrors = new List<(string Location, string Message)>();
        var resource = Fhir.Parse<QuestionnaireResponse>(json, parseErrors);
        if (parseErrors.Count > 0 || resource is null)
        {
            return Failed(parseErrors.Select(e => new AnswerError(e.Location, e.Message)));
        }
        return FromFhir(resource, catalog, entry);
    }

    /// <summary>Reads a QuestionnaireResponse, finding its instrument in the catalog by the questionnaire canonical.</summary>
    /// <param name="resource">The resource (not changed).</param>
    /// <param name="catalog">The instruments known.</param>
    /// <param name="entry">Whether unanswered required items are refused (online) or left to the missing-item rule (transcribed).</param>
    /// <returns>The scored response, or every error.</returns>
    public static ResponseReadResult FromFhir(QuestionnaireResponse resource, InstrumentCatalog catalog, AnswerEntry entry = AnswerEntry.Transcribed)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(catalog);
        return ResponseReader.Read(Fhir.ToJson(resource), catalog, entry);
    }

    /// <summary>Reads a QuestionnaireResponse to a given instrument.</summary>
    /// <param name="resource">The resource (not changed).</param>
    /// <param name="instrument">The instrument it answers.</param>
    /// <param name="entry">Whether unanswered required items are refused (online) or left to the missing-item rule (transcribed).</param>
    /// <returns>The scored response, or every error.</returns>
    public static ResponseReadResult FromFhir(QuestionnaireResponse resource, Instrument instrument, AnswerEntry entry = AnswerEntry.Transcribed)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(instrument);
        using var document = JsonDocument.Parse(Fhir.ToJson(resource));
        return ResponseReader.Read(document.RootElement, instrument, entry);
    }

    private static ResponseReadResult Failed(IEnumerable<AnswerError> errors) => new(null, errors.ToValueList());
}
