using System.Globalization;
using Hl7.Fhir.Model;

namespace Alliance.Measures;

/// <summary>
/// Turns a Questionnaire with Alliance's extensions into an <see cref="Instrument"/>, collecting every problem.
/// One reader reads one definition.
/// </summary>
internal sealed class DefinitionReader
{
    private const string InstrumentLocation = "instrument extension";

    private static readonly HashSet<Questionnaire.QuestionnaireItemType> Answerable =
    [
        Questionnaire.QuestionnaireItemType.Integer,
        Questionnaire.QuestionnaireItemType.Choice,
        Questionnaire.QuestionnaireItemType.Boolean,
        Questionnaire.QuestionnaireItemType.String,
        Questionnaire.QuestionnaireItemType.Text,
    ];

    private readonly List<DefinitionProblem> problems = [];
    private int itemNumber;

    /// <summary>Whether the instrument extension was read without problems.</summary>
    private bool Complete { get; set; }

    public IReadOnlyList<DefinitionProblem> Problems => problems;

    public void Problem(string location, string message) => problems.Add(new DefinitionProblem(location, message));

    public Instrument? Read(Questionnaire questionnaire, InstrumentOrigin origin)
    {
        var id = questionnaire.Id;
        if (string.IsNullOrWhiteSpace(id))
        {
            Problem("Questionnaire.id", "the Questionnaire has no id; the id becomes the instrument id");
        }
        else if (!InstrumentDefinition.FhirId().IsMatch(id))
        {
            Problem("Questionnaire.id", $"\"{id}\" is not a FHIR id (letters, digits, '-' and '.', at most 64)");
        }
        if (string.IsNullOrWhiteSpace(questionnaire.Url) || !Uri.TryCreate(questionnaire.Url, UriKind.Absolute, out _))
        {
            Problem("Questionnaire.url", "the Questionnaire needs an absolute canonical url");
        }
        var title = questionnaire.Title ?? questionnaire.Name;
        if (string.IsNullOrWhiteSpace(title))
        {
            Problem("Questionnaire.title", "the Questionnaire has no title");
        }
        if (questionnaire.StatusElement is null)
        {
            Problem("Questionnaire.status", "the Questionnaire has no status");
        }
        else if (Known(() => questionnaire.Status) == PublicationStatus.Retired)
        {
            Problem("Questionnaire.status", "a retired Questionnaire cannot be added");
        }

        CheckForeignAllianceExtensions(questionnaire.Extension, "Questionnaire",
            [ExtensionUrls.Instrument, ExtensionUrls.Subscale, ExtensionUrls.SeverityBand]);

        var metadata = ReadInstrumentExtension(questionnaire);
        var items = new List<InstrumentItem>();
        var linkIds = new HashSet<string>(StringComparer.Ordinal);
        MemberGroup? memberGroup = null;
        foreach (var item in questionnaire.Item)
        {
            ReadItem(item, items, linkIds, ref memberGroup, perMember: false);
        }
        if (items.Count == 0 && memberGroup is null)
        {
            Problem("Questionnaire.item", "the Questionnaire has no items");
        }

        var subscales = ReadSubscales(questionnaire, items);
        var precision = metadata?.Precision ?? 0;
        var bands = ReadBands(questionnaire, metadata, precision);
        if (metadata is not null)
        {
            CheckScoringConsistency(metadata, items, subscales);
        }

        if (problems.Count > 0 || !Complete || metadata is null || id is null || title is null || questionnaire.Url is null)
        {
            return null;
        }
        return new Instrument
        {
            Id = id,
            Url = questionnaire.Url,
            Version = questionnaire.Version,
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
            QuestionnaireJson = Fhir.ToJson(questionnaire),
        };
    }

    // ---- items ----

    private static string ItemLocation(int number, string? linkId) =>
        string.IsNullOrEmpty(linkId) ? $"item {number}" : $"item {number} (linkId \"{linkId}\")";

    private void ReadItem(
        Questionnaire.ItemComponent item,
        List<InstrumentItem> items,
        HashSet<string> linkIds,
        ref MemberGroup? memberGroup,
        bool perMember)
    {
        var number = ++itemNumber;
        var linkId = item.LinkId;
        var where = ItemLocation(number, linkId);
        if (string.IsNullOrWhiteSpace(linkId))
        {
            Problem(where, "the item has no linkId");
        }
        else if (!linkIds.Add(linkId))
        {
            Problem(where, $"linkId \"{linkId}\" is used by an earlier item");
        }
        if (item.EnableWhen.Count > 0)
        {
            Problem(where, "conditional items (enableWhen) are not supported");
        }
        if (item.AnswerValueSet is not null)
        {
            Problem(where, "answer options must be listed in the item (answerOption); answerValueSet is not supported");
        }

        CheckForeignAllianceExtensions(item.Extension, where,
        [
            ExtensionUrls.ReverseScored, ExtensionUrls.Scored, ExtensionUrls.RiskFlag, ExtensionUrls.PrivateAllowed,
            ExtensionUrls.ScaleAnchor, ExtensionUrls.PerMember, ExtensionUrls.MemberId,
        ]);

        if (item.TypeElement is null)
        {
            Problem(where, "the item has no type");
            return;
        }
        if (Known(() => item.Type) is not { } type)
        {
            // An unknown type code was already reported by the parser.
            return;
        }
        if (type == Questionnaire.QuestionnaireItemType.Group)
        {
            ReadGroup(item, where, items, linkIds, ref memberGroup, perMember);
            return;
        }
        if (item.Item.Count > 0)
        {
            Problem(where, "only per-member groups may contain items");
        }
        if (item.Repeats == true)
        {
            Problem(where, "items that take several answers (repeats) are not supported");
        }
        if (BooleanExtension(item, ExtensionUrls.PerMember, where) is not null)
        {
            Problem(where, "per-member applies to groups only");
        }
        if (BooleanExtension(item, ExtensionUrls.MemberId, where) is not null)
        {
            Problem(where, "member-id applies only to a string item inside a per-member group");
        }

        if (type != Questionnaire.QuestionnaireItemType.Display && !Answerable.Contains(type))
        {
            Problem(where, $"item type '{Hl7.Fhir.Utility.EnumUtility.GetLiteral(type)}' is not supported " +
                           "(integer, choice, boolean, string, text, display and per-member group are)");
            return;
        }
        if (string.IsNullOrWhiteSpace(item.Text))
        {
            Problem(where, "the item has no text");
        }

        var kind = type switch
        {
            Questionnaire.QuestionnaireItemType.Display => ItemKind.Display,
            Questionnaire.QuestionnaireItemType.Integer => ItemKind.Scale,
            Questionnaire.QuestionnaireItemType.Choice => ItemKind.Choice,
            Questionnaire.QuestionnaireItemType.Boolean => ItemKind.YesNo,
            _ => ItemKind.FreeText,
        };

        var scoredFlag = BooleanExtension(item, ExtensionUrls.Scored, where);
        var scorable = kind is ItemKind.Scale or ItemKind.Choice or ItemKind.YesNo;
        if (scoredFlag == true && !scorable)
        {
            Problem(where, $"a {Describe(kind)} item cannot be scored");
        }
        var scored = scorable && scoredFlag != false;
        var reverse = BooleanExtension(item, ExtensionUrls.ReverseScored, where) == true;

        decimal? min = null, max = null;
        var options = new List<AnswerOption>();
        var anchors = new List<ScaleAnchor>();
        switch (kind)
        {
            case ItemKind.Scale:
                (min, max) = ReadScaleRange(item, where);
                anchors = ReadAnchors(item, where, min, max);
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
        if (kind != ItemKind.Scale && item.Extension.Any(e => e.Url == ExtensionUrls.ScaleAnchor))
        {
            Problem(where, "scale anchors apply to integer (scale) items only");
        }
        if (kind != ItemKind.Scale && item.Extension.Any(e => e.Url is ExtensionUrls.MinValue or ExtensionUrls.MaxValue))
        {
            Problem(where, "minValue and maxValue apply to integer (scale) items only");
        }

        if (reverse && (!scored || min is null || max is null))
        {
            Problem(where, scored ? "reverse-scored item has no answer range" : "reverse-scored item is not scored");
        }

        var privateAllowed = BooleanExtension(item, ExtensionUrls.PrivateAllowed, where) == true;
        if (privateAllowed && kind != ItemKind.FreeText)
        {
            Problem(where, "only free-text items can be kept private (private-allowed)");
        }
        if (item.MaxLength is { } maxLength && (kind != ItemKind.FreeText || maxLength < 1))
        {
            Problem(where, kind != ItemKind.FreeText ? "maxLength applies to free-text items only" : "maxLength must be at least 1");
        }

        var risk = ReadRisk(item, where, scored, min, max);
        if (kind == ItemKind.Display && item.Required == true)
        {
            Problem(where, "a display item cannot be required");
        }

        items.Add(new InstrumentItem
        {
            LinkId = linkId ?? "",
            Number = number,
            Text = item.Text ?? "",
            Kind = kind,
            Required = item.Required == true,
            Scored = scored,
            ReverseScored = reverse,
            Min = min,
            Max = max,
            Options = options.ToValueList(),
            Anchors = anchors.ToValueList(),
            PrivateAllowed = privateAllowed,
            MaxLength = kind == ItemKind.FreeText ? item.MaxLength : null,
            Risk = risk,
            PerMember = perMember,
        });
    }

    private void ReadGroup(
        Questionnaire.ItemComponent group,
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
        if (BooleanExtension(group, ExtensionUrls.PerMember, where) != true)
        {
            Problem(where, "groups are supported only as per-member groups (extension per-member set to true)");
            return;
        }
        if (group.Repeats != true)
        {
            Problem(where, "a per-member group must repeat (repeats: true), once for each member");
        }
        if (memberGroup is not null)
        {
            Problem(where, "an instrument can have only one per-member group");
        }
        if (string.IsNullOrWhiteSpace(group.Text))
        {
            Problem(where, "the group has no text");
        }

        string? memberIdLinkId = null;
        var memberIdItems = 0;
        var before = items.Count;
        foreach (var child in group.Item)
        {
            if (child.Extension.Any(e => e.Url == ExtensionUrls.MemberId))
            {
                var number = ++itemNumber;
                var childWhere = ItemLocation(number, child.LinkId);
                memberIdItems++;
                if (BooleanExtension(child, ExtensionUrls.MemberId, childWhere) != true)
                {
                    continue;
                }
                if (Known(() => child.Type) != Questionnaire.QuestionnaireItemType.String)
                {
                    Problem(childWhere, "the member-id item must be of type string");
                }
                if (string.IsNullOrWhiteSpace(child.LinkId))
                {
                    Problem(childWhere, "the item has no linkId");
                }
                else if (!linkIds.Add(child.LinkId))
                {
                    Problem(childWhere, $"linkId \"{child.LinkId}\" is used by an earlier item");
                }
                memberIdLinkId = child.LinkId;
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
        memberGroup ??= new MemberGroup(group.LinkId ?? "", group.Text ?? "", memberIdLinkId ?? "");
    }

    private (decimal? Min, decimal? Max) ReadScaleRange(Questionnaire.ItemComponent item, string where)
    {
        var min = IntegerExtension(item, ExtensionUrls.MinValue, where);
        var max = IntegerExtension(item, ExtensionUrls.MaxValue, where);
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

    private List<ScaleAnchor> ReadAnchors(Questionnaire.ItemComponent item, string where, decimal? min, decimal? max)
    {
        var anchors = new List<ScaleAnchor>();
        foreach (var extension in item.Extension.Where(e => e.Url == ExtensionUrls.ScaleAnchor))
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

    private List<AnswerOption> ReadOptions(Questionnaire.ItemComponent item, string where, bool scored)
    {
        var options = new List<AnswerOption>();
        if (item.AnswerOption.Count == 0)
        {
            Problem(where, "a choice item needs answer options (answerOption)");
            return options;
        }
        var position = 0;
        foreach (var option in item.AnswerOption)
        {
            position++;
            var optionWhere = $"{where}: option {position}";
            if (option.Value is not Coding coding)
            {
                Problem(optionWhere, "answer options must be codings (valueCoding)");
                continue;
            }
            if (string.IsNullOrWhiteSpace(coding.Code))
            {
                Problem(optionWhere, "the option has no code");
                continue;
            }
            if (options.Any(o => o.Code == coding.Code))
            {
                Problem(optionWhere, $"code \"{coding.Code}\" is used by an earlier option");
            }
            if (string.IsNullOrWhiteSpace(coding.Display))
            {
                Problem(optionWhere, "the option has no display text");
            }
            decimal? score = null;
            var ordinal = coding.Extension.FirstOrDefault(e => e.Url == ExtensionUrls.OrdinalValue);
            if (ordinal is not null)
            {
                score = ordinal.Value switch
                {
                    FhirDecimal d => d.Value,
                    Integer i => i.Value,
                    _ => null,
                };
                if (score is null)
                {
                    Problem(optionWhere, "ordinalValue must be a decimal (valueDecimal)");
                }
            }
            else if (scored)
            {
                Problem(optionWhere, "an option of a scored item needs its score (ordinalValue extension on the coding)");
            }
            options.Add(new AnswerOption(coding.Code, coding.System, coding.Display ?? "", score));
        }
        return options;
    }

    private RiskRule? ReadRisk(Questionnaire.ItemComponent item, string where, bool scored, decimal? min, decimal? max)
    {
        var extensions = item.Extension.Where(e => e.Url == ExtensionUrls.RiskFlag).ToList();
        if (extensions.Count == 0)
        {
            return null;
        }
        if (extensions.Count > 1)
        {
            Problem(where, "an item can have only one risk-flag");
        }
        var fields = new Fields(this, extensions[0], $"{where}: risk-flag", ["atOrAbove", "message"]);
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

    private Metadata? ReadInstrumentExtension(Questionnaire questionnaire)
    {
        var extensions = questionnaire.Extension.Where(e => e.Url == ExtensionUrls.Instrument).ToList();
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
        var before = problems.Count;

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

        Complete = problems.Count == before && construct is not null && direction is not null && missing is not null
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

    private List<Subscale> ReadSubscales(Questionnaire questionnaire, List<InstrumentItem> items)
    {
        var subscales = new List<Subscale>();
        var position = 0;
        foreach (var extension in questionnaire.Extension.Where(e => e.Url == ExtensionUrls.Subscale))
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

    private List<SeverityBand> ReadBands(Questionnaire questionnaire, Metadata? metadata, int precision)
    {
        var bands = new List<SeverityBand>();
        var position = 0;
        foreach (var extension in questionnaire.Extension.Where(e => e.Url == ExtensionUrls.SeverityBand))
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

    // ---- helpers ----

    private void CheckForeignAllianceExtensions(IEnumerable<Extension> extensions, string where, string[] allowed)
    {
        foreach (var extension in extensions)
        {
            if (extension?.Url is { } url && url.StartsWith(ExtensionUrls.Base, StringComparison.Ordinal) && !allowed.Contains(url))
            {
                Problem(where, $"unknown or misplaced Alliance extension {url}");
            }
        }
    }

    private bool? BooleanExtension(Questionnaire.ItemComponent item, string url, string where)
    {
        var extension = item.Extension.FirstOrDefault(e => e.Url == url);
        if (extension is null)
        {
            return null;
        }
        if (extension.Value is FhirBoolean { Value: { } value })
        {
            return value;
        }
        Problem(where, $"{ShortName(url)} must be a boolean (valueBoolean)");
        return null;
    }

    private int? IntegerExtension(Questionnaire.ItemComponent item, string url, string where)
    {
        var extension = item.Extension.FirstOrDefault(e => e.Url == url);
        if (extension is null)
        {
            return null;
        }
        if (extension.Value is Integer { Value: { } value })
        {
            return value;
        }
        Problem(where, $"{ShortName(url)} must be an integer (valueInteger)");
        return null;
    }

    /// <summary>
    /// Reads a coded element of a partially parsed resource: when the JSON held an invalid code, Firely keeps it and
    /// throws on access. The parser has already reported it, so it reads as unknown here.
    /// </summary>
    private static T? Known<T>(Func<T?> read)
        where T : struct
    {
        try
        {
            return read();
        }
        catch (Hl7.Fhir.Validation.CodedValidationException)
        {
            return null;
        }
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
        private readonly ILookup<string, Extension> byName;

        public Fields(DefinitionReader reader, Extension extension, string where, string[] known, string[]? repeating = null)
        {
            this.reader = reader;
            this.where = where;
            if (extension.Value is not null)
            {
                reader.Problem(where, "a complex extension carries its fields as sub-extensions, not a value");
            }
            foreach (var sub in extension.Extension)
            {
                if (string.IsNullOrEmpty(sub.Url) || !known.Contains(sub.Url))
                {
                    reader.Problem(where, $"unknown field \"{sub.Url}\" (known: {string.Join(", ", known)})");
                }
            }
            byName = extension.Extension.Where(e => e.Url is not null).ToLookup(e => e.Url!, StringComparer.Ordinal);
            foreach (var group in byName)
            {
                if (group.Count() > 1 && (repeating is null || !repeating.Contains(group.Key)))
                {
                    reader.Problem(where, $"{group.Key} is given {group.Count()} times");
                }
            }
        }

        public bool Has(string name) => byName.Contains(name);

        private Extension? Single(string name, bool required, string expected)
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
            return extension is null ? null : AsText(extension, name, "a code (valueCode)", v => v is Hl7.Fhir.Model.Code);
        }

        public string? String(string name, bool required)
        {
            var extension = Single(name, required, "valueString");
            return extension is null ? null : AsText(extension, name, "text (valueString)", v => v is FhirString or Markdown);
        }

        public List<string> Strings(string name) =>
            [.. byName[name].Select(e => AsText(e, name, "text (valueString)", v => v is FhirString or Hl7.Fhir.Model.Code)).OfType<string>()];

        public int? Integer(string name, bool required)
        {
            var extension = Single(name, required, "valueInteger");
            switch (extension?.Value)
            {
                case null when extension is null:
                    return null;
                case Hl7.Fhir.Model.Integer { Value: { } value }:
                    return value;
                default:
                    reader.Problem(where, $"{name} must be a whole number (valueInteger)");
                    return null;
            }
        }

        public decimal? Decimal(string name, bool required)
        {
            var extension = Single(name, required, "valueDecimal");
            switch (extension?.Value)
            {
                case null when extension is null:
                    return null;
                case FhirDecimal { Value: { } value }:
                    return value;
                case Hl7.Fhir.Model.Integer { Value: { } value }:
                    return value;
                default:
                    reader.Problem(where, $"{name} must be a number (valueDecimal)");
                    return null;
            }
        }

        public Extension? Complex(string name) => byName[name].FirstOrDefault();

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
                var code = AsText(extension, name, "a code (valueCode)", v => v is Hl7.Fhir.Model.Code);
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

        private string? AsText(Extension extension, string name, string expected, Func<DataType, bool> accepts)
        {
            var text = extension.Value switch
            {
                Hl7.Fhir.Model.Code code => code.Value,
                FhirString plain => plain.Value,
                Markdown markdown => markdown.Value,
                _ => null,
            };
            if (extension.Value is { } given && accepts(given) && !string.IsNullOrWhiteSpace(text))
            {
                return text;
            }
            reader.Problem(where, $"{name} must be {expected}");
            return null;
        }
    }
}
