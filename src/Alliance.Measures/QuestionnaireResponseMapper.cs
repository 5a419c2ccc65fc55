using System.Globalization;
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
/// answers (a score stored in the resource is checked against them, never trusted).
/// </summary>
public static class QuestionnaireResponseMapper
{
    /// <summary>Builds the QuestionnaireResponse of a scored response.</summary>
    /// <param name="instrument">The instrument answered.</param>
    /// <param name="response">The scored response.</param>
    /// <returns>A new QuestionnaireResponse.</returns>
    public static QuestionnaireResponse ToFhir(Instrument instrument, ScoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(response);
        if (response.InstrumentId != instrument.Id)
        {
            throw new ArgumentException($"the response is to {response.InstrumentId}, not {instrument.Id}", nameof(response));
        }
        var details = response.Details;
        var resource = new QuestionnaireResponse
        {
            Id = details.Id,
            Questionnaire = instrument.Version is null ? instrument.Url : $"{instrument.Url}|{instrument.Version}",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            AuthoredElement = new FhirDateTime(details.Authored),
            Subject = details.Subject is null ? null : new ResourceReference(details.Subject),
            Author = details.Author is null ? null : new ResourceReference(details.Author),
            Encounter = details.Encounter is null ? null : new ResourceReference(details.Encounter),
        };
        resource.Extension.Add(new Extension(ExtensionUrls.ResponseRater, new Code(Codes.Of(details.Rater))));
        resource.Extension.Add(ScoreExtension(response.Score));

        var answers = ScoredResponse.InInstrumentOrder(instrument, [.. response.Answers]);
        var groupWritten = false;
        foreach (var item in instrument.Items)
        {
            if (!item.PerMember)
            {
                foreach (var answer in answers.Where(a => a.LinkId == item.LinkId && a.MemberId is null))
                {
                    resource.Item.Add(ResponseItem(item, answer));
                }
                continue;
            }
            if (groupWritten || instrument.MemberGroup is not { } group)
            {
                continue;
            }
            groupWritten = true;
            foreach (var member in answers.Where(a => a.MemberId is not null).Select(a => a.MemberId!).Distinct())
            {
                var groupItem = new QuestionnaireResponse.ItemComponent { LinkId = group.LinkId, Text = group.Text };
                groupItem.Item.Add(new QuestionnaireResponse.ItemComponent
                {
                    LinkId = group.MemberIdLinkId,
                    Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirString(member) }],
                });
                foreach (var answer in answers.Where(a => a.MemberId == member))
                {
                    groupItem.Item.Add(ResponseItem(instrument.FindItem(answer.LinkId)!, answer));
                }
                resource.Item.Add(groupItem);
            }
        }
        return resource;
    }

    /// <summary>Writes the QuestionnaireResponse of a scored response as FHIR JSON.</summary>
    /// <param name="instrument">The instrument answered.</param>
    /// <param name="response">The scored response.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(Instrument instrument, ScoredResponse response) => Fhir.ToJson(ToFhir(instrument, response));

    /// <summary>Reads QuestionnaireResponse JSON, finding its instrument in the catalog by the questionnaire canonical.</summary>
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
        if (string.IsNullOrWhiteSpace(resource.Questionnaire))
        {
            return Failed([new AnswerError("questionnaire", "the response does not name its Questionnaire")]);
        }
        var instrument = catalog.FindByCanonical(resource.Questionnaire);
        return instrument is null
            ? Failed([new AnswerError("questionnaire", $"{resource.Questionnaire} is not an instrument this agency knows")])
            : FromFhir(resource, instrument, entry);
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
        var errors = new List<AnswerError>();

        if (resource.Questionnaire is { } canonical && CanonicalUrl(canonical) != instrument.Url)
        {
            errors.Add(new AnswerError("questionnaire", $"{canonical} is not {instrument.Id} ({instrument.Url})"));
        }
        if (resource.Status is not (QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended))
        {
            errors.Add(new AnswerError("status", $"only completed or amended responses are scored, not {(resource.Status is { } status ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(status) : "a response without status")}"));
        }
        DateTimeOffset? authored = null;
        if (resource.AuthoredElement is null)
        {
            errors.Add(new AnswerError("authored", "the response does not say when it was answered"));
        }
        else if (resource.AuthoredElement.TryToDateTimeOffset(out var when))
        {
            authored = when;
        }
        else
        {
            errors.Add(new AnswerError("authored", $"\"{resource.Authored}\" is not a date and time"));
        }

        var rater = instrument.Raters[0];
        if (resource.GetExtension(ExtensionUrls.ResponseRater) is { } raterExtension)
        {
            if (raterExtension.Value is Code { Value: var code } && Codes.TryParse(code, out var parsed))
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

        var answers = ReadItems(resource, instrument, errors);
        errors.AddRange(AnswerValidator.Validate(instrument, answers, entry));
        if (errors.Count > 0 || authored is null)
        {
            return Failed(errors);
        }

        var details = new ResponseDetails(rater, authored.Value)
        {
            Id = resource.Id,
            Subject = resource.Subject?.Reference,
            Author = resource.Author?.Reference,
            Encounter = resource.Encounter?.Reference,
        };
        var response = ScoredResponse.Create(instrument, answers, details);
        if (resource.GetExtension(ExtensionUrls.Score) is { } stored && StoredScoreMismatch(stored, response.Score) is { } mismatch)
        {
            return Failed([new AnswerError("score", mismatch)]);
        }
        return new ResponseReadResult(response, ValueList.Empty<AnswerError>());
    }

    private static ResponseReadResult Failed(IEnumerable<AnswerError> errors) => new(null, errors.ToValueList());

    private static string CanonicalUrl(string canonical) =>
        canonical.IndexOf('|', StringComparison.Ordinal) is var bar and >= 0 ? canonical[..bar] : canonical;

    // ---- writing ----

    private static QuestionnaireResponse.ItemComponent ResponseItem(InstrumentItem item, ItemAnswer answer)
    {
        var responseItem = new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId, Text = item.Text };
        if (answer.IsPrivate)
        {
            responseItem.Extension.Add(new Extension(ExtensionUrls.PrivateAnswer, new FhirBoolean(true)));
        }
        DataType value = answer.Value switch
        {
            IntegerAnswer i => new Integer(i.Value),
            CodedAnswer c => item.Options.FirstOrDefault(o => o.Code == c.Code) is { } option
                ? new Coding(option.System, option.Code, option.Display)
                : new Coding(null, c.Code),
            YesNoAnswer y => new FhirBoolean(y.Yes),
            TextAnswer t => new FhirString(t.Text),
            _ => throw new InvalidOperationException($"unknown answer type {answer.Value.GetType().Name}"),
        };
        responseItem.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = value });
        return responseItem;
    }

    private static Extension ScoreExtension(ScoreResult score)
    {
        var extension = new Extension { Url = ExtensionUrls.Score };
        if (score.Total is { } total)
        {
            extension.AddExtension("total", new FhirDecimal(total));
        }
        else
        {
            extension.AddExtension("unscorable", new FhirString(score.UnscorableReason ?? "not scorable"));
        }
        if (score.Prorated)
        {
            extension.AddExtension("prorated", new FhirBoolean(true));
        }
        extension.AddExtension("missingItems", new Integer(score.MissingItems));
        if (score.Band is { } band)
        {
            extension.AddExtension("band", new Code(band.Code));
        }
        foreach (var subscale in score.Subscales)
        {
            var sub = new Extension { Url = "subscale" };
            sub.AddExtension("code", new Code(subscale.Code));
            if (subscale.Score is { } value)
            {
                sub.AddExtension("value", new FhirDecimal(value));
            }
            else
            {
                sub.AddExtension("unscorable", new FhirString(subscale.UnscorableReason ?? "not scorable"));
            }
            if (subscale.Prorated)
            {
                sub.AddExtension("prorated", new FhirBoolean(true));
            }
            extension.Extension.Add(sub);
        }
        foreach (var flag in score.RiskFlags)
        {
            var risk = new Extension { Url = "risk" };
            risk.AddExtension("linkId", new FhirString(flag.LinkId));
            if (flag.MemberId is not null)
            {
                risk.AddExtension("member", new FhirString(flag.MemberId));
            }
            risk.AddExtension("value", new FhirDecimal(flag.Value));
            risk.AddExtension("message", new FhirString(flag.Message));
            extension.Extension.Add(risk);
        }
        return extension;
    }

    // ---- reading ----

    private static List<ItemAnswer> ReadItems(QuestionnaireResponse resource, Instrument instrument, List<AnswerError> errors)
    {
        var answers = new List<ItemAnswer>();
        for (var index = 0; index < resource.Item.Count; index++)
        {
            var responseItem = resource.Item[index];
            var path = $"item[{index}]";
            if (instrument.MemberGroup is { } group && responseItem.LinkId == group.LinkId)
            {
                ReadMemberGroup(responseItem, group, instrument, path, answers, errors);
                continue;
            }
            if (responseItem.Item.Count > 0)
            {
                errors.Add(new AnswerError(Field(responseItem, path), "has nested items, which this instrument does not have"));
            }
            ReadAnswer(responseItem, instrument, null, path, answers, errors);
        }
        return answers;
    }

    private static void ReadMemberGroup(
        QuestionnaireResponse.ItemComponent groupItem,
        MemberGroup group,
        Instrument instrument,
        string path,
        List<ItemAnswer> answers,
        List<AnswerError> errors)
    {
        if (groupItem.Answer.Count > 0)
        {
            errors.Add(new AnswerError(group.LinkId, "a group takes no answer of its own"));
        }
        var memberItem = groupItem.Item.FirstOrDefault(i => i.LinkId == group.MemberIdLinkId);
        var memberId = memberItem?.Answer.Count == 1 && memberItem.Answer[0].Value is FhirString { Value: { } id } && !string.IsNullOrWhiteSpace(id)
            ? id
            : null;
        if (memberId is null)
        {
            errors.Add(new AnswerError($"{group.LinkId} ({path})", $"names no member: item {group.MemberIdLinkId} needs one text answer with the member's id"));
            return;
        }
        for (var index = 0; index < groupItem.Item.Count; index++)
        {
            var child = groupItem.Item[index];
            if (child.LinkId == group.MemberIdLinkId)
            {
                continue;
            }
            ReadAnswer(child, instrument, memberId, $"{path}.item[{index}]", answers, errors);
        }
    }

    private static void ReadAnswer(
        QuestionnaireResponse.ItemComponent responseItem,
        Instrument instrument,
        string? memberId,
        string path,
        List<ItemAnswer> answers,
        List<AnswerError> errors)
    {
        var field = Field(responseItem, path, memberId);
        if (string.IsNullOrWhiteSpace(responseItem.LinkId))
        {
            errors.Add(new AnswerError(path, "the item has no linkId"));
            return;
        }
        var item = instrument.FindItem(responseItem.LinkId);
        if (item is null)
        {
            errors.Add(new AnswerError(field, $"is not an item of {instrument.Id}"));
            return;
        }
        if (responseItem.Answer.Count == 0)
        {
            return;
        }
        if (responseItem.Answer.Count > 1)
        {
            errors.Add(new AnswerError(field, "has more than one answer"));
            return;
        }
        var fhirValue = responseItem.Answer[0].Value;
        AnswerValue? value = fhirValue switch
        {
            Integer { Value: { } i } => new IntegerAnswer(i),
            Coding { Code: { } code } coding => CodingMatches(item, coding) ? new CodedAnswer(code) : null,
            FhirBoolean { Value: { } b } => new YesNoAnswer(b),
            FhirString { Value: { } s } => new TextAnswer(s),
            _ => null,
        };
        if (value is null)
        {
            errors.Add(new AnswerError(field, fhirValue is Coding c
                ? $"code {c.System}|{c.Code} is not one of the item's options"
                : $"an answer of type {fhirValue?.TypeName ?? "(none)"} is not accepted here"));
            return;
        }
        var isPrivate = false;
        if (responseItem.GetExtension(ExtensionUrls.PrivateAnswer) is { } privateExtension)
        {
            if (privateExtension.Value is FhirBoolean { Value: { } flag })
            {
                isPrivate = flag;
            }
            else
            {
                errors.Add(new AnswerError(field, "private-answer must be a boolean (valueBoolean)"));
            }
        }
        answers.Add(new ItemAnswer(item.LinkId, value) { MemberId = memberId, IsPrivate = isPrivate });
    }

    private static bool CodingMatches(InstrumentItem item, Coding coding)
    {
        // A coding without a system is matched on its code; one with a system must match the option's system too.
        var option = item.Options.FirstOrDefault(o => o.Code == coding.Code);
        return option is null || coding.System is null || option.System is null || option.System == coding.System;
    }

    private static string Field(QuestionnaireResponse.ItemComponent item, string path, string? memberId = null) =>
        string.IsNullOrWhiteSpace(item.LinkId) ? path : FieldNames.For(item.LinkId, memberId);

    private static string? StoredScoreMismatch(Extension stored, ScoreResult computed)
    {
        static decimal? DecimalOf(Extension? e) => e?.Value switch
        {
            FhirDecimal { Value: var d } => d,
            Integer { Value: var i } => i,
            _ => null,
        };

        var total = DecimalOf(stored.GetExtension("total"));
        if (total != computed.Total)
        {
            return $"the stored total ({Show(total)}) does not match the total of the answers ({Show(computed.Total)})";
        }
        var band = (stored.GetExtension("band")?.Value as Code)?.Value;
        if (band != computed.Band?.Code)
        {
            return $"the stored band ({band ?? "none"}) does not match the answers ({computed.Band?.Code ?? "none"})";
        }
        foreach (var sub in stored.Extension.Where(e => e.Url == "subscale"))
        {
            var code = (sub.GetExtension("code")?.Value as Code)?.Value;
            var value = DecimalOf(sub.GetExtension("value"));
            var match = computed.Subscale(code ?? "");
            if (match is null || match.Score != value)
            {
                return $"the stored {code} subscale ({Show(value)}) does not match the answers ({Show(match?.Score)})";
            }
        }
        return null;

        static string Show(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "unscorable";
    }
}
