using System.Globalization;
using System.Text.Json;

namespace Alliance.Measures;

/// <summary>
/// One problem the reader found. <paramref name="FaultPath"/> is the FHIR path (as Firely's parser writes it, with
/// <c>value</c> for a value[x]) of the JSON value at fault when the problem is about that value's FHIR form: a wrong
/// JSON type, an unknown code, a required element left out. It lets the checked reading leave out one of two reports
/// of the same fault, one from Firely's parser and one from this reader.
/// </summary>
/// <param name="Problem">The problem as reported.</param>
/// <param name="FaultPath">The FHIR path of the value at fault, when the problem is about one value's FHIR form.</param>
/// <param name="Missing">True when the problem says a required element is missing, in Alliance's words.</param>
internal sealed record Finding(DefinitionProblem Problem, string? FaultPath, bool Missing);

/// <summary>What one reading of a definition gave: the instrument, or nothing, and every finding.</summary>
/// <param name="Instrument">The instrument when there was no finding.</param>
/// <param name="Findings">Every finding, in the order found.</param>
internal sealed record DefinitionReading(Instrument? Instrument, IReadOnlyList<Finding> Findings);

/// <summary>
/// Turns Questionnaire JSON with Alliance's extensions into an <see cref="Instrument"/>, collecting every problem. It
/// reads the JSON itself (System.Text.Json), so that a definition already known to be valid FHIR is read without
/// Firely's model; it checks the FHIR form of every element it reads (JSON types, the codes of status and item type),
/// not the elements it does not read. This file holds Alliance's rules; DefinitionReader.Json.cs how FHIR's elements
/// are found in the JSON. One reader reads one definition.
/// </summary>
internal sealed partial class DefinitionReader
{
    private const string InstrumentLocation = "instrument extension";
    private const string Root = "Questionnaire";

    /// <summary>The codes of FHIR R4's PublicationStatus value set.</summary>
    private static readonly string[] PublicationStatuses = ["draft", "active", "retired", "unknown"];

    /// <summary>The codes of FHIR R4's QuestionnaireItemType value set that Firely's parser accepts.</summary>
    private static readonly string[] ItemTypes =
    [
        "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text", "url",
        "choice", "open-choice", "attachment", "reference", "quantity",
    ];

    private static readonly HashSet<string> Answerable = new(StringComparer.Ordinal) { "integer", "choice", "boolean", "string", "text" };

    private readonly List<Finding> findings = [];
    private int itemNumber;

    private DefinitionReader()
    {
    }

    /// <summary>Whether the instrument extension was read without problems.</summary>
    private bool Complete { get; set; }

    private void Problem(string location, string message, string? faultPath = null, bool missing = false) =>
        findings.Add(new Finding(new DefinitionProblem(location, message), faultPath, missing));

    private int ProblemCount => findings.Count;

    private Instrument? Read(JsonElement questionnaire, string json, InstrumentOrigin origin)
    {
        if (questionnaire.ValueKind != JsonValueKind.Object)
        {
            Problem("JSON", $"the text is not a FHIR resource: it is {Describe(questionnaire.ValueKind)}, not an object");
            return null;
        }
        // Unlike element names, resourceType is matched exactly, as Firely's parser does.
        if (!questionnaire.TryGetProperty("resourceType", out var resourceType) || resourceType.ValueKind != JsonValueKind.String)
        {
            Problem("resourceType", "the text is not a FHIR resource: it has no resourceType");
            return null;
        }
        if (!resourceType.ValueEquals(Root))
        {
            Problem("resourceType", $"expected Questionnaire, found {resourceType.GetString()}");
            return null;
        }

        // A value in the wrong JSON type is reported as such (faulty), not as missing too.
        var id = Text(questionnaire, "id", Root, Root, out var idFaulty);
        if (!idFaulty && string.IsNullOrWhiteSpace(id))
        {
            Problem("Questionnaire.id", "the Questionnaire has no id; the id becomes the instrument id");
        }
        else if (id is not null && !InstrumentDefinition.FhirId().IsMatch(id))
        {
            Problem("Questionnaire.id", $"\"{id}\" is not a FHIR id (letters, digits, '-' and '.', at most 64)");
        }
        var url = Text(questionnaire, "url", Root, Root, out var urlFaulty);
        if (!urlFaulty && (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out _)))
        {
            Problem("Questionnaire.url", "the Questionnaire needs an absolute canonical url");
        }
        var title = Text(questionnaire, "title", Root, Root, out var titleFaulty)
            ?? Text(questionnaire, "name", Root, Root, out _);
        if (string.IsNullOrWhiteSpace(title) && !titleFaulty)
        {
            Problem("Questionnaire.title", "the Questionnaire has no title");
        }
        var status = Text(questionnaire, "status", Root, Root, out var statusFaulty);
        if (status is null && !statusFaulty)
        {
            Problem("Questionnaire.status", "the Questionnaire has no status", "Questionnaire.status", missing: true);
        }
        else if (status is not null && !PublicationStatuses.Contains(status, StringComparer.Ordinal))
        {
            Problem("Questionnaire.status", $"\"{status}\" is not a publication status (draft, active, retired or unknown)", "Questionnaire.status");
        }
        else if (status == "retired")
        {
            Problem("Questionnaire.status", "a retired Questionnaire cannot be added");
        }
        var version = Text(questionnaire, "version", Root, Root, out _);

        var extensions = Extensions(questionnaire, Root, Root);
        CheckForeignAllianceExtensions(extensions, "Questionnaire",
            [ExtensionUrls.Instrument, ExtensionUrls.Subscale, ExtensionUrls.SeverityBand]);

        var metadata = ReadInstrumentExtension(extensions);
        var items = new List<InstrumentItem>();
        var linkIds = new HashSet<string>(StringComparer.Ordinal);
        MemberGroup? memberGroup = null;
        foreach (var item in Elements(questionnaire, "item", Root, Root))
        {
            ReadItem(item, items, linkIds, ref memberGroup, perMember: false);
        }
        if (items.Count == 0 && memberGroup is null)
        {
            Problem("Questionnaire.item", "the Questionnaire has no items");
        }

        var subscales = ReadSubscales(extensions, items);
        var precision = metadata?.Precision ?? 0;
        var bands = ReadBands(extensions, metadata, precision);
        if (metadata is not null)
        {
            CheckScoringConsistency(metadata, items, subscales);
        }

        if (ProblemCount > 0 || !Complete || metadata is null || id is null || title is null || url is null)
        {
            return null;
        }
        return new Instrument
        {
            Id = id,
            Url = url,
            Version = version,
            Title = title,
            Origin = origin,
            Construct = metadata.Construct,
            Raters = metadata.Raters.ToValueList(),
            Series = metadata.Series ?? id,
            MinAge = metadata.MinAge,
            MaxAge = metadata.MaxAge,
            ScoreMin = metadata.ScoreMin,
            ScoreMax = metadata.ScoreMax,
            Precision = precision,
            BetterDirection = metadata.Direction,
            TotalMethod = metadata.TotalMethod,
            ClinicalCutoff = metadata.ClinicalCutoff,
            ChildClinicalCutoff = metadata.ChildClinicalCutoff,
            ReliableChange = metadata.ReliableChange,
            MissingItems = metadata.MissingItems,
            Source = metadata.Source,
            Licence = metadata.Licence,
            ValidationNote = metadata.ValidationNote,
            Items = items.ToValueList(),
            MemberGroup = memberGroup,
            Subscales = subscales.ToValueList(),
            Bands = bands.ToValueList(),
            QuestionnaireJson = json,
        };
    }

    // ---- items ----

    private static string ItemLocation(int number, string? linkId) =>
        string.IsNullOrEmpty(linkId) ? $"item {number}" : $"item {number} (linkId \"{linkId}\")";

    private void ReadItem(
        Node item,
        List<InstrumentItem> items,
        HashSet<string> linkIds,
        ref MemberGroup? memberGroup,
        bool perMember)
    {
        var number = ++itemNumber;
        if (!item.IsObject)
        {
            // Reported with its array; it keeps its number, so that the items after it are numbered as in the definition.
            return;
        }
        var linkId = Text(item.Element, "linkId", item.Path, ItemLocation(number, null), out var linkIdFaulty);
        var where = ItemLocation(number, linkId);
        CheckLinkId(linkId, linkIdFaulty, where, item.Path, linkIds);
        if (Given(item.Element, "enableWhen") && !IsEmptyArray(item.Element, "enableWhen"))
        {
            Problem(where, "conditional items (enableWhen) are not supported");
        }
        if (Given(item.Element, "answerValueSet"))
        {
            Problem(where, "answer options must be listed in the item (answerOption); answerValueSet is not supported");
        }

        var extensions = Extensions(item.Element, item.Path, where);
        CheckForeignAllianceExtensions(extensions, where,
        [
            ExtensionUrls.ReverseScored, ExtensionUrls.Scored, ExtensionUrls.RiskFlag, ExtensionUrls.PrivateAllowed,
            ExtensionUrls.ScaleAnchor, ExtensionUrls.PerMember, ExtensionUrls.MemberId,
        ]);

        if (ItemType(item, where) is not { } type)
        {
            return;
        }
        if (type == "group")
        {
            ReadGroup(item, linkId, extensions, where, items, linkIds, ref memberGroup, perMember);
            return;
        }
        if (Given(item.Element, "item") && !IsEmptyArray(item.Element, "item"))
        {
            Problem(where, "only per-member groups may contain items");
        }
        if (Boolean(item.Element, "repeats", item.Path, where) == true)
        {
            Problem(where, "items that take several answers (repeats) are not supported");
        }
        if (BooleanExtension(extensions, ExtensionUrls.PerMember, where) is not null)
        {
            Problem(where, "per-member applies to groups only");
        }
        if (BooleanExtension(extensions, ExtensionUrls.MemberId, where) is not null)
        {
            Problem(where, "member-id applies only to a string item inside a per-member group");
        }

        if (type != "display" && !Answerable.Contains(type))
        {
            Problem(where, $"item type '{type}' is not supported " +
                           "(integer, choice, boolean, string, text, display and per-member group are)");
            return;
        }
        var text = Text(item.Element, "text", item.Path, where, out var textFaulty);
        if (string.IsNullOrWhiteSpace(text) && !textFaulty)
        {
            Problem(where, "the item has no text");
        }

        var kind = type switch
        {
            "display" => ItemKind.Display,
            "integer" => ItemKind.Scale,
            "choice" => ItemKind.Choice,
            "boolean" => ItemKind.YesNo,
            _ => ItemKind.FreeText,
        };

        var scoredFlag = BooleanExtension(extensions, ExtensionUrls.Scored, where);
        var scorable = kind is ItemKind.Scale or ItemKind.Choice or ItemKind.YesNo;
        if (scoredFlag == true && !scorable)
        {
            Problem(where, $"a {Describe(kind)} item cannot be scored");
        }
        var scored = scorable && scoredFlag != false;
        var reverse = BooleanExtension(extensions, ExtensionUrls.ReverseScored, where) == true;

        decimal? min = null, max = null;
        var options = new List<AnswerOption>();
        var anchors = new List<ScaleAnchor>();
        switch (kind)
        {
            case ItemKind.Scale:
                (min, max) = ReadScaleRange(extensions, where);
                anchors = ReadAnchors(extensions, where, min, max);
                break;
            case ItemKind.Choice:
                options = ReadOptions(item, where, scored);
                var scores = options.Where(o => o.Score is not null).Select(o => o.Score!.Value).ToList();
                if (scores.Count > 0 && scores.Count == options.Count)
                {
                    min = scores.Min();
                    max = scores.Max();
                }
                break;
            case ItemKind.YesNo:
                min = 0;
                max = 1;
                break;
        }
        if (kind != ItemKind.Scale && extensions.Any(e => e.Url == ExtensionUrls.ScaleAnchor))
        {
            Problem(where, "scale anchors apply to integer (scale) items only");
        }
        if (kind != ItemKind.Scale && extensions.Any(e => e.Url is ExtensionUrls.MinValue or ExtensionUrls.MaxValue))
        {
            Problem(where, "minValue and maxValue apply to integer (scale) items only");
        }

        if (reverse && (!scored || min is null || max is null))
        {
            Problem(where, scored ? "reverse-scored item has no answer range" : "reverse-scored item is not scored");
        }

        var privateAllowed = BooleanExtension(extensions, ExtensionUrls.PrivateAllowed, where) == true;
        if (privateAllowed && kind != ItemKind.FreeText)
        {
            Problem(where, "only free-text items can be kept private (private-allowed)");
        }
        var maxLength = Integer(item.Element, "maxLength", item.Path, where);
        if (maxLength is { } length && (kind != ItemKind.FreeText || length < 1))
        {
            Problem(where, kind != ItemKind.FreeText ? "maxLength applies to free-text items only" : "maxLength must be at least 1");
        }

        var risk = ReadRisk(extensions, where, scored, min, max);
        var required = Boolean(item.Element, "required", item.Path, where) == true;
        if (kind == ItemKind.Display && required)
        {
            Problem(where, "a display item cannot be required");
        }

        items.Add(new InstrumentItem
        {
            LinkId = linkId ?? "",
            Number = number,
            Text = text ?? "",
            Kind = kind,
            Required = required,
            Scored = scored,
            ReverseScored = reverse,
            Min = min,
            Max = max,
            Options = options.ToValueList(),
            Anchors = anchors.ToValueList(),
            PrivateAllowed = privateAllowed,
            MaxLength = kind == ItemKind.FreeText ? maxLength : null,
            Risk = risk,
            PerMember = perMember,
        });
    }

    /// <summary>A linkId is given (a value in the wrong JSON type is reported already) and unique.</summary>
    private void CheckLinkId(string? linkId, bool faulty, string where, string itemPath, HashSet<string> linkIds)
    {
        if (faulty)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(linkId))
        {
            Problem(where, "the item has no linkId", itemPath + ".linkId", missing: true);
        }
        else if (!linkIds.Add(linkId))
        {
            Problem(where, $"linkId \"{linkId}\" is used by an earlier item");
        }
    }

    /// <summary>
    /// The item's type code, or null when it has none or one FHIR R4 does not define (reported here, as Firely's parser
    /// reports it, so that a definition read without Firely is refused for it too).
    /// </summary>
    private string? ItemType(Node item, string where)
    {
        var type = Text(item.Element, "type", item.Path, where, out var faulty);
        if (faulty)
        {
            return null;
        }
        if (type is null)
        {
            Problem(where, "the item has no type", item.Path + ".type", missing: true);
            return null;
        }
        if (!ItemTypes.Contains(type, StringComparer.Ordinal))
        {
            Problem(where, $"item type '{type}' is not a FHIR item type (integer, choice, boolean, string, text, display and per-member group are supported)",
                item.Path + ".type");
            return null;
        }
        return type;
    }

    private void ReadGroup(
        Node group,
        string? groupLinkId,
        List<Ext> extensions,
        string where,
        List<InstrumentItem> items,
        HashSet<string> linkIds,
        ref MemberGroup? memberGroup,
        bool nested)
    {
        if (nested)
        {
            Problem(where, "groups cannot be nested");
            return;
        }
        if (BooleanExtension(extensions, ExtensionUrls.PerMember, where) != true)
        {
            Problem(where, "groups are supported only as per-member groups (extension per-member set to true)");
            return;
        }
        if (Boolean(group.Element, "repeats", group.Path, where) != true)
        {
            Problem(where, "a per-member group must repeat (repeats: true), once for each member");
        }
        if (memberGroup is not null)
        {
            Problem(where, "an instrument can have only one per-member group");
        }
        var text = Text(group.Element, "text", group.Path, where, out var textFaulty);
        if (string.IsNullOrWhiteSpace(text) && !textFaulty)
        {
            Problem(where, "the group has no text");
        }

        string? memberIdLinkId = null;
        var memberIdItems = 0;
        var before = items.Count;
        foreach (var child in Elements(group.Element, "item", group.Path, where))
        {
            if (HasExtension(child.Element, ExtensionUrls.MemberId))
            {
                var number = ++itemNumber;
                var childLinkId = Text(child.Element, "linkId", child.Path, ItemLocation(number, null), out var childLinkIdFaulty);
                var childWhere = ItemLocation(number, childLinkId);
                memberIdItems++;
                var childExtensions = Extensions(child.Element, child.Path, childWhere);
                if (BooleanExtension(childExtensions, ExtensionUrls.MemberId, childWhere) != true)
                {
                    continue;
                }
                var childType = Text(child.Element, "type", child.Path, childWhere, out var childTypeFaulty);
                if (childType != "string" && !childTypeFaulty)
                {
                    Problem(childWhere, "the member-id item must be of type string");
                }
                CheckLinkId(childLinkId, childLinkIdFaulty, childWhere, child.Path, linkIds);
                memberIdLinkId = childLinkId;
                continue;
            }
            ReadItem(child, items, linkIds, ref memberGroup, perMember: true);
        }
        if (memberIdItems != 1)
        {
            Problem(where, memberIdItems == 0
                ? "a per-member group needs one string item marked member-id, naming the rated member"
                : "a per-member group can have only one member-id item");
        }
        if (items.Count == before)
        {
            Problem(where, "the per-member group has no rated items");
        }
        memberGroup ??= new MemberGroup(groupLinkId ?? "", text ?? "", memberIdLinkId ?? "");
    }

    private (decimal? Min, decimal? Max) ReadScaleRange(List<Ext> extensions, string where)
    {
        var min = IntegerExtension(extensions, ExtensionUrls.MinValue, where);
        var max = IntegerExtension(extensions, ExtensionUrls.MaxValue, where);
        if (min is null || max is null)
        {
            Problem(where, "a scale (integer) item needs minValue and maxValue extensions (valueInteger)");
            return (null, null);
        }
        if (min >= max)
        {
            Problem(where, $"minValue {min} must be below maxValue {max}");
            return (null, null);
        }
        return (min, max);
    }

    private List<ScaleAnchor> ReadAnchors(List<Ext> extensions, string where, decimal? min, decimal? max)
    {
        var anchors = new List<ScaleAnchor>();
        foreach (var extension in extensions.Where(e => e.Url == ExtensionUrls.ScaleAnchor))
        {
            var fields = new Fields(this, extension, $"{where}: scale-anchor", ["value", "label"]);
            var value = fields.Integer("value", required: true);
            var label = fields.String("label", required: true);
            if (value is null || label is null)
            {
                continue;
            }
            if (min is not null && max is not null && (value < min || value > max))
            {
                Problem(where, $"scale anchor at {value} is outside the scale {Format(min.Value)}-{Format(max.Value)}");
            }
            if (anchors.Any(a => a.Value == value))
            {
                Problem(where, $"two scale anchors at {value}");
            }
            anchors.Add(new ScaleAnchor(value.Value, label));
        }
        return [.. anchors.OrderBy(a => a.Value)];
    }

    private List<AnswerOption> ReadOptions(Node item, string where, bool scored)
    {
        var options = new List<AnswerOption>();
        var answerOptions = Elements(item.Element, "answerOption", item.Path, where);
        if (answerOptions.Count == 0)
        {
            Problem(where, "a choice item needs answer options (answerOption)");
            return options;
        }
        var position = 0;
        foreach (var option in answerOptions)
        {
            position++;
            var optionWhere = $"{where}: option {position}";
            if (!option.IsObject)
            {
                continue;
            }
            var value = ChoiceValue(option, optionWhere, "the option");
            if (value is not { IsCoding: true })
            {
                Problem(optionWhere, "answer options must be codings (valueCoding)", value?.Path);
                continue;
            }
            var coding = new Node(value.Element, value.Path);
            var code = Text(coding.Element, "code", coding.Path, optionWhere, out var codeFaulty);
            if (string.IsNullOrWhiteSpace(code))
            {
                if (!codeFaulty)
                {
                    Problem(optionWhere, "the option has no code");
                }
                continue;
            }
            if (options.Any(o => o.Code == code))
            {
                Problem(optionWhere, $"code \"{code}\" is used by an earlier option");
            }
            var display = Text(coding.Element, "display", coding.Path, optionWhere, out var displayFaulty);
            if (string.IsNullOrWhiteSpace(display) && !displayFaulty)
            {
                Problem(optionWhere, "the option has no display text");
            }
            var system = Text(coding.Element, "system", coding.Path, optionWhere, out _);
            decimal? score = null;
            var ordinal = Extensions(coding.Element, coding.Path, optionWhere).FirstOrDefault(e => e.Url == ExtensionUrls.OrdinalValue);
            if (ordinal is not null)
            {
                score = ordinal.Value?.Decimal();
                if (score is null)
                {
                    Problem(optionWhere, "ordinalValue must be a decimal (valueDecimal)", ordinal.Value?.Path);
                }
            }
            else if (scored)
            {
                Problem(optionWhere, "an option of a scored item needs its score (ordinalValue extension on the coding)");
            }
            options.Add(new AnswerOption(code, system, display ?? "", score));
        }
        return options;
    }

    private RiskRule? ReadRisk(List<Ext> extensions, string where, bool scored, decimal? min, decimal? max)
    {
        var risks = extensions.Where(e => e.Url == ExtensionUrls.RiskFlag).ToList();
        if (risks.Count == 0)
        {
            return null;
        }
        if (risks.Count > 1)
        {
            Problem(where, "an item can have only one risk-flag");
        }
        var fields = new Fields(this, risks[0], $"{where}: risk-flag", ["atOrAbove", "message"]);
        var threshold = fields.Decimal("atOrAbove", required: true);
        var message = fields.String("message", required: true);
        if (!scored || min is null || max is null)
        {
            Problem(where, "a risk-flag needs a scored item with an answer range");
            return null;
        }
        if (threshold is null || message is null)
        {
            return null;
        }
        if (threshold <= min || threshold > max)
        {
            Problem(where, $"risk-flag atOrAbove {Format(threshold.Value)} must be above {Format(min.Value)} and at most {Format(max.Value)}");
        }
        return new RiskRule(threshold.Value, message);
    }

    // ---- the instrument extension ----

    private sealed record Metadata(
        Construct Construct,
        List<Rater> Raters,
        string? Series,
        int? MinAge,
        int? MaxAge,
        decimal ScoreMin,
        decimal ScoreMax,
        int Precision,
        BetterDirection Direction,
        TotalMethod TotalMethod,
        decimal? ClinicalCutoff,
        decimal? ChildClinicalCutoff,
        decimal? ReliableChange,
        MissingItemRule MissingItems,
        string Source,
        string Licence,
        string? ValidationNote);

    private static readonly string[] InstrumentFields =
    [
        "construct", "rater", "series", "minAge", "maxAge", "scoreMin", "scoreMax", "precision", "betterDirection",
        "totalMethod", "clinicalCutoff", "childClinicalCutoff", "reliableChange", "missingItems", "source", "licence",
        "validationNote",
    ];

    private Metadata? ReadInstrumentExtension(List<Ext> questionnaireExtensions)
    {
        var extensions = questionnaireExtensions.Where(e => e.Url == ExtensionUrls.Instrument).ToList();
        if (extensions.Count == 0)
        {
            Problem(InstrumentLocation, $"the Questionnaire has no instrument extension ({ExtensionUrls.Instrument}) with its scoring metadata");
            return null;
        }
        if (extensions.Count > 1)
        {
            Problem(InstrumentLocation, "the Questionnaire has more than one instrument extension");
        }
        var fields = new Fields(this, extensions[0], InstrumentLocation, InstrumentFields, repeating: ["rater"]);
        var before = ProblemCount;

        var construct = fields.Enum("construct", Codes.ConstructCodes, required: true);
        var raters = fields.Enums("rater", Codes.RaterCodes);
        if (raters.Count == 0 && !fields.Has("rater"))
        {
            Problem(InstrumentLocation, "rater is missing (client, caregiver, observer or therapist; one or more)");
        }
        var series = fields.Code("series", required: false);
        if (series is not null && !InstrumentDefinition.FhirId().IsMatch(series))
        {
            Problem(InstrumentLocation, $"series \"{series}\" is not an instrument id");
        }
        var minAge = fields.Integer("minAge", required: false);
        var maxAge = fields.Integer("maxAge", required: false);
        if (minAge < 0 || maxAge < 0)
        {
            Problem(InstrumentLocation, "ages cannot be negative");
        }
        if (minAge is not null && maxAge is not null && minAge > maxAge)
        {
            Problem(InstrumentLocation, $"minAge {minAge} is above maxAge {maxAge}");
        }
        var scoreMin = fields.Decimal("scoreMin", required: true);
        var scoreMax = fields.Decimal("scoreMax", required: true);
        var rangeKnown = scoreMin is not null && scoreMax is not null;
        if (rangeKnown && scoreMin >= scoreMax)
        {
            Problem(InstrumentLocation, $"scoreMin {Format(scoreMin!.Value)} must be below scoreMax {Format(scoreMax!.Value)}");
            rangeKnown = false;
        }
        var precision = fields.Integer("precision", required: false) ?? 0;
        if (precision is < 0 or > 4)
        {
            Problem(InstrumentLocation, $"precision {precision} must be between 0 and 4 decimal places");
            precision = 0;
        }
        var direction = fields.Enum("betterDirection", Codes.DirectionCodes, required: true);
        var totalMethod = fields.Enum("totalMethod", Codes.TotalMethodCodes, required: false) ?? TotalMethod.Sum;

        var cutoff = fields.Decimal("clinicalCutoff", required: false);
        var childCutoff = fields.Decimal("childClinicalCutoff", required: false);
        foreach (var (name, value) in new[] { ("clinicalCutoff", cutoff), ("childClinicalCutoff", childCutoff) })
        {
            if (rangeKnown && value is not null && (value < scoreMin || value > scoreMax))
            {
                Problem(InstrumentLocation, $"{name} {Format(value.Value)} is outside the range {Format(scoreMin!.Value)}-{Format(scoreMax!.Value)}");
            }
        }
        var reliableChange = fields.Decimal("reliableChange", required: false);
        if (reliableChange is not null && (reliableChange <= 0 || (rangeKnown && reliableChange > scoreMax - scoreMin)))
        {
            Problem(InstrumentLocation, $"reliableChange {Format(reliableChange.Value)} must be above 0 and within the range's width");
        }

        var missing = ReadMissingItemRule(fields);
        var source = fields.String("source", required: true);
        var licence = fields.String("licence", required: true);
        var validationNote = fields.String("validationNote", required: false);

        Complete = ProblemCount == before && construct is not null && direction is not null && missing is not null
            && source is not null && licence is not null;
        if (scoreMin is null || scoreMax is null)
        {
            return null;
        }
        // With other problems the metadata is still returned, filled with placeholders, so that the checks of items,
        // subscales and bands against the range still run and report their own problems; the definition is refused.
        return new Metadata(construct ?? Construct.Alliance, raters, series, minAge, maxAge, scoreMin.Value, scoreMax.Value, precision,
            direction ?? BetterDirection.Higher, totalMethod, cutoff, childCutoff, reliableChange,
            missing ?? new MissingItemRule(MissingItemMethod.AllRequired, 0, ""), source ?? "", licence ?? "", validationNote);
    }

    private MissingItemRule? ReadMissingItemRule(Fields instrumentFields)
    {
        var extension = instrumentFields.Complex("missingItems");
        if (extension is null)
        {
            Problem(InstrumentLocation, "missingItems is missing: every instrument states its missing-item rule");
            return null;
        }
        const string where = InstrumentLocation + ": missingItems";
        var fields = new Fields(this, extension, where, ["method", "maxMissing", "note"]);
        var method = fields.Enum("method", Codes.MissingMethodCodes, required: true);
        var maxMissing = fields.Integer("maxMissing", required: false);
        var note = fields.String("note", required: true);
        if (method == MissingItemMethod.Prorate && (maxMissing is null || maxMissing < 1))
        {
            Problem(where, "the prorate rule needs maxMissing of at least 1");
        }
        if (method != MissingItemMethod.Prorate && maxMissing is not null)
        {
            Problem(where, "maxMissing applies to the prorate rule only");
        }
        return method is null || note is null ? null : new MissingItemRule(method.Value, maxMissing ?? 0, note);
    }

    // ---- subscales and bands ----

    private List<Subscale> ReadSubscales(List<Ext> questionnaireExtensions, List<InstrumentItem> items)
    {
        var subscales = new List<Subscale>();
        var position = 0;
        foreach (var extension in questionnaireExtensions.Where(e => e.Url == ExtensionUrls.Subscale))
        {
            position++;
            var where = $"subscale {position}";
            var fields = new Fields(this, extension, where, ["code", "title", "method", "item"], repeating: ["item"]);
            var code = fields.Code("code", required: true);
            if (code is not null)
            {
                where = $"subscale {position} (\"{code}\")";
                if (subscales.Any(s => s.Code == code))
                {
                    Problem(where, $"code \"{code}\" is used by an earlier subscale");
                }
            }
            var title = fields.String("title", required: true);
            var method = fields.Enum("method", Codes.SubscaleMethodCodes, required: false) ?? SubscaleMethod.Sum;
            var linkIds = fields.Strings("item");
            if (linkIds.Count == 0)
            {
                Problem(where, "the subscale lists no items");
            }
            foreach (var linkId in linkIds.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key))
            {
                Problem(where, $"item \"{linkId}\" is listed twice");
            }
            foreach (var linkId in linkIds.Distinct())
            {
                var item = items.FirstOrDefault(i => i.LinkId == linkId);
                if (item is null)
                {
                    Problem(where, $"item \"{linkId}\" is not in the Questionnaire");
                }
                else if (!item.Scored)
                {
                    Problem(where, $"item \"{linkId}\" is not scored");
                }
            }
            if (code is not null && title is not null)
            {
                subscales.Add(new Subscale(code, title, method, linkIds.Distinct().ToValueList()));
            }
        }
        return subscales;
    }

    private List<SeverityBand> ReadBands(List<Ext> questionnaireExtensions, Metadata? metadata, int precision)
    {
        var bands = new List<SeverityBand>();
        var position = 0;
        foreach (var extension in questionnaireExtensions.Where(e => e.Url == ExtensionUrls.SeverityBand))
        {
            position++;
            var where = $"severity band {position}";
            var fields = new Fields(this, extension, where, ["code", "label", "low", "high"]);
            var code = fields.Code("code", required: true);
            var label = fields.String("label", required: true);
            var low = fields.Decimal("low", required: true);
            var high = fields.Decimal("high", required: true);
            if (low is null || high is null || code is null || label is null)
            {
                continue;
            }
            where = $"severity band {position} (\"{code}\")";
            if (low > high)
            {
                Problem(where, $"low {Format(low.Value)} is above high {Format(high.Value)}");
            }
            if (metadata is not null && (low < metadata.ScoreMin || high > metadata.ScoreMax))
            {
                Problem(where, $"{Format(low.Value)}-{Format(high.Value)} is outside the range {Format(metadata.ScoreMin)}-{Format(metadata.ScoreMax)}");
            }
            if (bands.Count > 0)
            {
                // Bands run from low to high without gaps or overlaps, so that every total has exactly one band.
                var previous = bands[^1];
                var step = Step(precision);
                if (low != previous.High + step)
                {
                    Problem(where, $"starts at {Format(low.Value)} but the band before ends at {Format(previous.High)}; bands must follow each other without gap or overlap");
                }
            }
            bands.Add(new SeverityBand(code, label, low.Value, high.Value));
        }
        if (bands.Count > 0 && metadata is not null && (bands[0].Low != metadata.ScoreMin || bands[^1].High != metadata.ScoreMax))
        {
            Problem("severity bands", $"the bands cover {Format(bands[0].Low)}-{Format(bands[^1].High)}, not the whole range {Format(metadata.ScoreMin)}-{Format(metadata.ScoreMax)}");
        }
        return bands;
    }

    // ---- consistency between metadata, items and subscales ----

    private void CheckScoringConsistency(Metadata metadata, List<InstrumentItem> items, List<Subscale> subscales)
    {
        var scored = items.Where(i => i.Scored && i.Min is not null && i.Max is not null).ToList();
        if (scored.Count == 0)
        {
            Problem(InstrumentLocation, "the instrument has no scored item");
            return;
        }
        if (metadata.MissingItems.Method == MissingItemMethod.Prorate && metadata.MissingItems.MaxMissing >= scored.Count)
        {
            Problem(InstrumentLocation + ": missingItems", $"maxMissing {metadata.MissingItems.MaxMissing} leaves no item to score (the instrument has {scored.Count} scored items)");
        }

        (decimal Min, decimal Max)? implied = null;
        switch (metadata.TotalMethod)
        {
            case TotalMethod.Sum:
                if (scored.Any(i => i.PerMember))
                {
                    Problem(InstrumentLocation, "a sum total cannot include items rated per member, since the number of members varies; use totalMethod mean-of-subscales");
                    break;
                }
                if (metadata.MissingItems.Method == MissingItemMethod.MeanOfAnswered)
                {
                    Problem(InstrumentLocation + ": missingItems", "mean-of-answered applies to a mean-of-subscales total");
                }
                implied = (scored.Sum(i => i.Min!.Value), scored.Sum(i => i.Max!.Value));
                break;
            case TotalMethod.MeanOfSubscales:
                if (subscales.Count == 0)
                {
                    Problem(InstrumentLocation, "totalMethod mean-of-subscales needs at least one subscale");
                    break;
                }
                foreach (var item in scored.Where(i => !subscales.Any(s => s.ItemLinkIds.Contains(i.LinkId))))
                {
                    Problem(ItemLocation(item.Number, item.LinkId), "the item is scored but in no subscale, so it would not count towards a mean-of-subscales total");
                }
                var ranges = subscales.Select(s => SubscaleRange(s, scored)).ToList();
                if (ranges.Any(r => r is null))
                {
                    break;
                }
                implied = (ranges.Average(r => r!.Value.Min), ranges.Average(r => r!.Value.Max));
                break;
        }
        foreach (var subscale in subscales.Where(s => s.Method == SubscaleMethod.Sum))
        {
            if (subscale.ItemLinkIds.Any(l => scored.Any(i => i.LinkId == l && i.PerMember)))
            {
                Problem($"subscale \"{subscale.Code}\"", "a sum subscale cannot include items rated per member; use method mean");
            }
        }
        if (implied is { } range && (range.Min != metadata.ScoreMin || range.Max != metadata.ScoreMax))
        {
            Problem(InstrumentLocation, $"scoreMin-scoreMax {Format(metadata.ScoreMin)}-{Format(metadata.ScoreMax)} does not match the items, which give {Format(range.Min)}-{Format(range.Max)}");
        }
    }

    private static (decimal Min, decimal Max)? SubscaleRange(Subscale subscale, List<InstrumentItem> scored)
    {
        var members = scored.Where(i => subscale.ItemLinkIds.Contains(i.LinkId)).ToList();
        if (members.Count == 0)
        {
            return null;
        }
        return subscale.Method == SubscaleMethod.Sum
            ? (members.Sum(i => i.Min!.Value), members.Sum(i => i.Max!.Value))
            : (members.Min(i => i.Min!.Value), members.Max(i => i.Max!.Value));
    }

    // ---- extensions ----

    private void CheckForeignAllianceExtensions(List<Ext> extensions, string where, string[] allowed)
    {
        foreach (var extension in extensions)
        {
            if (extension.Url is { } url && url.StartsWith(ExtensionUrls.Base, StringComparison.Ordinal) && !allowed.Contains(url))
            {
                Problem(where, $"unknown or misplaced Alliance extension {url}");
            }
        }
    }

    private bool? BooleanExtension(List<Ext> extensions, string url, string where)
    {
        var extension = extensions.FirstOrDefault(e => e.Url == url);
        if (extension is null)
        {
            return null;
        }
        if (extension.Value?.Boolean() is { } value)
        {
            return value;
        }
        Problem(where, $"{ShortName(url)} must be a boolean (valueBoolean)", extension.Value?.Path);
        return null;
    }

    private int? IntegerExtension(List<Ext> extensions, string url, string where)
    {
        var extension = extensions.FirstOrDefault(e => e.Url == url);
        if (extension is null)
        {
            return null;
        }
        if (extension.Value?.Integer() is { } value)
        {
            return value;
        }
        Problem(where, $"{ShortName(url)} must be an integer (valueInteger)", extension.Value?.Path);
        return null;
    }

    private static string ShortName(string url) => url[(url.LastIndexOf('/') + 1)..];

    private static string Describe(ItemKind kind) => kind switch
    {
        ItemKind.FreeText => "free-text",
        ItemKind.Display => "display",
        _ => kind.ToString().ToLowerInvariant(),
    };

    internal static string Format(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    internal static decimal Step(int precision)
    {
        var step = 1m;
        for (var i = 0; i < precision; i++)
        {
            step /= 10;
        }
        return step;
    }

    /// <summary>Reads the sub-extensions of one complex extension, reporting unknown, repeated and mistyped ones.</summary>
    private sealed class Fields
    {
        private readonly DefinitionReader reader;
        private readonly string where;
        private readonly ILookup<string, Ext> byName;

        public Fields(DefinitionReader reader, Ext extension, string where, string[] known, string[]? repeating = null)
        {
            this.reader = reader;
            this.where = where;
            if (extension.Value is not null)
            {
                reader.Problem(where, "a complex extension carries its fields as sub-extensions, not a value");
            }
            foreach (var sub in extension.Extensions)
            {
                if (string.IsNullOrEmpty(sub.Url) || !known.Contains(sub.Url))
                {
                    // A field without a url is the same fault as Firely's report of the missing url.
                    reader.Problem(where, $"unknown field \"{sub.Url}\" (known: {string.Join(", ", known)})",
                        string.IsNullOrEmpty(sub.Url) ? sub.Path + ".url" : null);
                }
            }
            byName = extension.Extensions.Where(e => e.Url is not null).ToLookup(e => e.Url!, StringComparer.Ordinal);
            foreach (var group in byName)
            {
                if (group.Count() > 1 && (repeating is null || !repeating.Contains(group.Key)))
                {
                    reader.Problem(where, $"{group.Key} is given {group.Count()} times");
                }
            }
        }

        public bool Has(string name) => byName.Contains(name);

        private Ext? Single(string name, bool required, string expected)
        {
            var extension = byName[name].FirstOrDefault();
            if (extension is null && required)
            {
                reader.Problem(where, $"{name} is missing ({expected})");
            }
            return extension;
        }

        public string? Code(string name, bool required)
        {
            var extension = Single(name, required, "valueCode");
            return extension is null ? null : AsText(extension, name, "a code (valueCode)", "CODE");
        }

        public string? String(string name, bool required)
        {
            var extension = Single(name, required, "valueString");
            return extension is null ? null : AsText(extension, name, "text (valueString)", "STRING", "MARKDOWN");
        }

        public List<string> Strings(string name) =>
            [.. byName[name].Select(e => AsText(e, name, "text (valueString)", "STRING", "CODE")).OfType<string>()];

        public int? Integer(string name, bool required)
        {
            var extension = Single(name, required, "valueInteger");
            if (extension is null)
            {
                return null;
            }
            if (extension.Value?.Integer() is { } value)
            {
                return value;
            }
            reader.Problem(where, $"{name} must be a whole number (valueInteger)", extension.Value?.Path);
            return null;
        }

        public decimal? Decimal(string name, bool required)
        {
            var extension = Single(name, required, "valueDecimal");
            if (extension is null)
            {
                return null;
            }
            if (extension.Value?.Decimal() is { } value)
            {
                return value;
            }
            reader.Problem(where, $"{name} must be a number (valueDecimal)", extension.Value?.Path);
            return null;
        }

        public Ext? Complex(string name) => byName[name].FirstOrDefault();

        public T? Enum<T>(string name, IReadOnlyDictionary<string, T> codes, bool required)
            where T : struct
        {
            var code = Code(name, required);
            if (code is null)
            {
                return null;
            }
            if (codes.TryGetValue(code, out var value))
            {
                return value;
            }
            reader.Problem(where, $"{name} \"{code}\" is not one of {string.Join(", ", codes.Keys)}");
            return null;
        }

        public List<T> Enums<T>(string name, IReadOnlyDictionary<string, T> codes)
            where T : struct
        {
            var values = new List<T>();
            foreach (var extension in byName[name])
            {
                var code = AsText(extension, name, "a code (valueCode)", "CODE");
                if (code is null)
                {
                    continue;
                }
                if (!codes.TryGetValue(code, out var value))
                {
                    reader.Problem(where, $"{name} \"{code}\" is not one of {string.Join(", ", codes.Keys)}");
                }
                else if (values.Contains(value))
                {
                    reader.Problem(where, $"{name} \"{code}\" is given twice");
                }
                else
                {
                    values.Add(value);
                }
            }
            return values;
        }

        private string? AsText(Ext extension, string name, string expected, params string[] accepted)
        {
            var text = extension.Value?.Text(accepted);
            if (!string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
            reader.Problem(where, $"{name} must be {expected}", extension.Value?.Path);
            return null;
        }
    }
}
