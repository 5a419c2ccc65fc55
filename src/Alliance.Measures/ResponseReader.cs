using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Alliance.Measures;

/// <summary>
/// Reads a FHIR R4 QuestionnaireResponse in JSON with System.Text.Json alone, recomputing the scores from the answers
/// (a stored score is checked against them, never trusted). Elements Alliance does not use are passed over. Every
/// error is named by field: a linkId, <c>linkId[memberId]</c>, or the element (<c>status</c>, <c>item[2]</c>).
/// </summary>
internal static partial class ResponseReader
{
    // The answer types whose FHIR names start with a capital; the primitives (integer, dateTime...) start lower case.
    private static readonly HashSet<string> ComplexAnswerTypes = new(StringComparer.Ordinal) { "Attachment", "Coding", "Quantity", "Reference" };

    /// <summary>Reads the text, finding its instrument in the catalog by the questionnaire canonical.</summary>
    public static ResponseReadResult Read(string json, InstrumentCatalog catalog, AnswerEntry entry)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object ? Text(root, "resourceType") : null;
            if (type != "QuestionnaireResponse")
            {
                return Failed([new AnswerError("resourceType", $"expected QuestionnaireResponse, found {type ?? "no resource type"}")]);
            }
            if (Text(root, "questionnaire") is not { } canonical || string.IsNullOrWhiteSpace(canonical))
            {
                return Failed([new AnswerError("questionnaire", "the response does not name its Questionnaire")]);
            }
            return catalog.FindByCanonical(canonical) is { } instrument
                ? ReadResponse(root, instrument, entry)
                : Failed([new AnswerError("questionnaire", $"{canonical} is not an instrument this agency knows")]);
        }
        catch (JsonException e)
        {
            return Failed([new AnswerError("JSON", "the text cannot be read as JSON: " + e.Message.TrimEnd('.'))]);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Half of a UTF-16 surrogate pair: raw in the text, it cannot become UTF-8 (ArgumentException); escaped
            // (\ud800), System.Text.Json refuses to read the string (InvalidOperationException).
            return Failed([Unreadable]);
        }
    }

    /// <summary>Reads a response to a given instrument.</summary>
    public static ResponseReadResult Read(JsonElement root, Instrument instrument, AnswerEntry entry)
    {
        try
        {
            return ReadResponse(root, instrument, entry);
        }
        catch (InvalidOperationException)
        {
            return Failed([Unreadable]);
        }
    }

    private static readonly AnswerError Unreadable = new("JSON", "the text cannot be read: a string in it holds half of a UTF-16 surrogate pair");

    private static ResponseReadResult ReadResponse(JsonElement root, Instrument instrument, AnswerEntry entry)
    {
        var errors = new List<AnswerError>();
        if (Text(root, "questionnaire") is { } canonical && CanonicalUrl(canonical) != instrument.Url)
        {
            errors.Add(new AnswerError("questionnaire", $"{canonical} is not {instrument.Id} ({instrument.Url})"));
        }
        var status = Text(root, "status");
        if (status is not ("completed" or "amended"))
        {
            errors.Add(new AnswerError("status", $"only completed or amended responses are scored, not {status ?? "a response without status"}"));
        }
        DateTimeOffset? authored = null;
        if (Text(root, "authored") is not { } authoredText)
        {
            errors.Add(new AnswerError("authored", "the response does not say when it was answered"));
        }
        else if (TryDateTime(authoredText, out var when))
        {
            authored = when;
        }
        else
        {
            errors.Add(new AnswerError("authored", $"\"{authoredText}\" is not a date and time"));
        }

        var rater = instrument.Raters[0];
        if (Extension(root, ExtensionUrls.ResponseRater) is { } raterExtension)
        {
            if (Text(raterExtension, "valueCode") is { } code && Codes.TryParse(code, out var parsed))
            {
                rater = parsed;
            }
            else
            {
                errors.Add(new AnswerError("rater", "the rater extension must be client, caregiver, observer or therapist (valueCode)"));
            }
        }
        if (!instrument.Raters.Contains(rater))
        {
            errors.Add(new AnswerError("rater", $"{instrument.Id} is not rated by {Codes.Of(rater)}"));
        }

        var answers = ReadItems(root, instrument, errors);
        errors.AddRange(AnswerValidator.Validate(instrument, answers, entry));
        if (errors.Count > 0 || authored is null)
        {
            return Failed(errors);
        }

        var details = new ResponseDetails(rater, authored.Value)
        {
            Id = Text(root, "id"),
            Subject = Reference(root, "subject"),
            Author = Reference(root, "author"),
            Encounter = Reference(root, "encounter"),
        };
        var response = ScoredResponse.Create(instrument, answers, details);
        if (Extension(root, ExtensionUrls.Score) is { } stored && StoredScoreMismatch(stored, response.Score) is { } mismatch)
        {
            return Failed([new AnswerError("score", mismatch)]);
        }
        return new ResponseReadResult(response, ValueList.Empty<AnswerError>());
    }

    /// <summary>
    /// Reads a FHIR dateTime as Firely's <c>TryToDateTimeOffset</c> does: a moment to the second at least, with its
    /// offset (<c>Z</c> or <c>±hh:mm</c>), which is kept. A date alone, or a time without seconds or offset, is not one.
    /// Digits beyond the tenth of a microsecond are rounded.
    /// </summary>
    internal static bool TryDateTime(string text, out DateTimeOffset value)
    {
        value = default;
        return FhirInstant().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirInstant();

    private static ResponseReadResult Failed(IEnumerable<AnswerError> errors) => new(null, errors.ToValueList());

    private static string CanonicalUrl(string canonical) =>
        canonical.IndexOf('|', StringComparison.Ordinal) is var bar and >= 0 ? canonical[..bar] : canonical;

    private static List<ItemAnswer> ReadItems(JsonElement root, Instrument instrument, List<AnswerError> errors)
    {
        var answers = new List<ItemAnswer>();
        var index = 0;
        foreach (var responseItem in Array(root, "item"))
        {
            var path = $"item[{index++}]";
            if (responseItem.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new AnswerError(path, "an item must be an object"));
                continue;
            }
            var linkId = Text(responseItem, "linkId");
            if (instrument.MemberGroup is { } group && linkId == group.LinkId)
            {
                ReadMemberGroup(responseItem, group, instrument, path, answers, errors);
                continue;
            }
            if (Array(responseItem, "item").Any())
            {
                errors.Add(new AnswerError(Field(linkId, path), "has nested items, which this instrument does not have"));
            }
            ReadAnswer(responseItem, instrument, null, path, answers, errors);
        }
        return answers;
    }

    private static void ReadMemberGroup(JsonElement groupItem, MemberGroup group, Instrument instrument, string path,
        List<ItemAnswer> answers, List<AnswerError> errors)
    {
        if (Array(groupItem, "answer").Any())
        {
            errors.Add(new AnswerError(group.LinkId, "a group takes no answer of its own"));
        }
        var children = Array(groupItem, "item").Where(c => c.ValueKind == JsonValueKind.Object).ToList();
        var memberItem = children.FirstOrDefault(c => Text(c, "linkId") == group.MemberIdLinkId);
        var memberAnswers = memberItem.ValueKind == JsonValueKind.Object ? Array(memberItem, "answer").ToList() : [];
        var memberId = memberAnswers.Count == 1 && memberAnswers[0].ValueKind == JsonValueKind.Object
            && Text(memberAnswers[0], "valueString") is { } id && !string.IsNullOrWhiteSpace(id)
            ? id
            : null;
        if (memberId is null)
        {
            errors.Add(new AnswerError($"{group.LinkId} ({path})", $"names no member: item {group.MemberIdLinkId} needs one text answer with the member's id"));
            return;
        }
        var index = 0;
        foreach (var child in Array(groupItem, "item"))
        {
            var childPath = $"{path}.item[{index++}]";
            if (child.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new AnswerError(childPath, "an item must be an object"));
                continue;
            }
            if (Text(child, "linkId") == group.MemberIdLinkId)
            {
                continue;
            }
            ReadAnswer(child, instrument, memberId, childPath, answers, errors);
        }
    }

    private static void ReadAnswer(JsonElement responseItem, Instrument instrument, string? memberId, string path,
        List<ItemAnswer> answers, List<AnswerError> errors)
    {
        var linkId = Text(responseItem, "linkId");
        var field = Field(linkId, path, memberId);
        if (string.IsNullOrWhiteSpace(linkId))
        {
            errors.Add(new AnswerError(path, "the item has no linkId"));
            return;
        }
        var item = instrument.FindItem(linkId);
        if (item is null)
        {
            errors.Add(new AnswerError(field, $"is not an item of {instrument.Id}"));
            return;
        }
        var given = Array(responseItem, "answer").ToList();
        if (given.Count == 0)
        {
            return;
        }
        if (given.Count > 1)
        {
            errors.Add(new AnswerError(field, "has more than one answer"));
            return;
        }
        var (typeName, element) = given[0].ValueKind == JsonValueKind.Object ? AnswerValueOf(given[0]) : (null, default);
        AnswerValue? value = typeName switch
        {
            "integer" when element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var i) => new IntegerAnswer(i),
            "Coding" when element.ValueKind == JsonValueKind.Object && Text(element, "code") is { } code =>
                CodingMatches(item, Text(element, "system"), code) ? new CodedAnswer(code) : null,
            "boolean" when element.ValueKind is JsonValueKind.True or JsonValueKind.False => new YesNoAnswer(element.GetBoolean()),
            "string" when element.ValueKind == JsonValueKind.String => new TextAnswer(element.GetString()!),
            _ => null,
        };
        if (value is null)
        {
            errors.Add(new AnswerError(field, typeName == "Coding" && element.ValueKind == JsonValueKind.Object
                ? $"code {Text(element, "system")}|{Text(element, "code")} is not one of the item's options"
                : $"an answer of type {typeName ?? "(none)"} is not accepted here"));
            return;
        }
        var isPrivate = false;
        if (Extension(responseItem, ExtensionUrls.PrivateAnswer) is { } privateExtension)
        {
            if (privateExtension.TryGetProperty("valueBoolean", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                isPrivate = flag.GetBoolean();
            }
            else
            {
                errors.Add(new AnswerError(field, "private-answer must be a boolean (valueBoolean)"));
            }
        }
        answers.Add(new ItemAnswer(item.LinkId, value) { MemberId = memberId, IsPrivate = isPrivate });
    }

    /// <summary>
    /// The FHIR type and value of an answer's <c>value[x]</c>: <c>valueInteger</c> is an integer, <c>valueCoding</c> a
    /// Coding. A value given only by its <c>_value[x]</c> element (extensions, no value) has a type and no value.
    /// </summary>
    private static (string? TypeName, JsonElement Value) AnswerValueOf(JsonElement answer)
    {
        foreach (var property in answer.EnumerateObject())
        {
            var name = property.Name;
            var primitiveOnly = name.StartsWith("_value", StringComparison.Ordinal);
            if (!(primitiveOnly || name.StartsWith("value", StringComparison.Ordinal)) || name.Length <= (primitiveOnly ? 6 : 5))
            {
                continue;
            }
            var suffix = name[(primitiveOnly ? 6 : 5)..];
            var typeName = ComplexAnswerTypes.Contains(suffix) ? suffix : char.ToLowerInvariant(suffix[0]) + suffix[1..];
            if (!primitiveOnly)
            {
                return (typeName, property.Value);
            }
            if (!answer.TryGetProperty("value" + suffix, out _))
            {
                return (typeName, default);
            }
        }
        return (null, default);
    }

    private static bool CodingMatches(InstrumentItem item, string? system, string code)
    {
        // A coding without a system is matched on its code; one with a system must match the option's system too.
        var option = item.Options.FirstOrDefault(o => o.Code == code);
        return option is null || system is null || option.System is null || option.System == system;
    }

    private static string Field(string? linkId, string path, string? memberId = null) =>
        string.IsNullOrWhiteSpace(linkId) ? path : FieldNames.For(linkId, memberId);

    private static string? StoredScoreMismatch(JsonElement stored, ScoreResult computed)
    {
        static decimal? DecimalOf(JsonElement? e) =>
            e is { } x && (x.TryGetProperty("valueDecimal", out var v) || x.TryGetProperty("valueInteger", out v))
                && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d)
                ? d
                : null;

        var total = DecimalOf(Extension(stored, "total"));
        if (total != computed.Total)
        {
            return $"the stored total ({Show(total)}) does not match the total of the answers ({Show(computed.Total)})";
        }
        var band = Extension(stored, "band") is { } bandExtension ? Text(bandExtension, "valueCode") : null;
        if (band != computed.Band?.Code)
        {
            return $"the stored band ({band ?? "none"}) does not match the answers ({computed.Band?.Code ?? "none"})";
        }
        foreach (var sub in Array(stored, "extension").Where(e => e.ValueKind == JsonValueKind.Object && Text(e, "url") == "subscale"))
        {
            var code = Extension(sub, "code") is { } codeExtension ? Text(codeExtension, "valueCode") : null;
            var value = DecimalOf(Extension(sub, "value"));
            var match = computed.Subscale(code ?? "");
            if (match is null || match.Score != value)
            {
                return $"the stored {code} subscale ({Show(value)}) does not match the answers ({Show(match?.Score)})";
            }
        }
        return null;

        static string Show(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "unscorable";
    }

    // ---- reading JSON leniently: a member of the wrong JSON kind reads as absent ----

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : Enumerable.Empty<JsonElement>();

    private static string? Reference(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? Text(value, "reference") : null;

    /// <summary>The first extension with the url, as FHIR's <c>GetExtension</c> finds it.</summary>
    private static JsonElement? Extension(JsonElement element, string url)
    {
        foreach (var extension in Array(element, "extension"))
        {
            if (extension.ValueKind == JsonValueKind.Object && Text(extension, "url") == url)
            {
                return extension;
            }
        }
        return null;
    }
}
