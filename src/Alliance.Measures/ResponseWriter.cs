using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Alliance.Measures;

/// <summary>
/// Writes the FHIR R4 QuestionnaireResponse of a scored response with System.Text.Json alone: the form every response
/// is stored in. The text is the one Firely's serialiser gives for the same resource (elements in FHIR's order,
/// indented by two spaces, the same escaping), so answers stored before and after read and compare alike.
/// </summary>
internal static class ResponseWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static string Write(Instrument instrument, ScoredResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            var details = response.Details;
            json.WriteStartObject();
            json.WriteString("resourceType", "QuestionnaireResponse");
            if (details.Id is { } id)
            {
                json.WriteString("id", id);
            }
            json.WriteStartArray("extension");
            WriteExtension(json, ExtensionUrls.ResponseRater, "valueCode", Codes.Of(details.Rater));
            WriteScore(json, response.Score);
            json.WriteEndArray();
            json.WriteString("questionnaire", instrument.Version is null ? instrument.Url : $"{instrument.Url}|{instrument.Version}");
            json.WriteString("status", "completed");
            WriteReference(json, "subject", details.Subject);
            WriteReference(json, "encounter", details.Encounter);
            json.WriteString("authored", DateTimeText(details.Authored));
            WriteReference(json, "author", details.Author);
            WriteItems(json, instrument, response);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A FHIR dateTime to the tick, with its offset (<c>2026-03-14T09:26:53.5897932-05:00</c>).</summary>
    internal static string DateTimeText(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static void WriteItems(Utf8JsonWriter json, Instrument instrument, ScoredResponse response)
    {
        var answers = ScoredResponse.InInstrumentOrder(instrument, [.. response.Answers]);
        var started = false;
        void Start()
        {
            if (!started)
            {
                json.WriteStartArray("item");
                started = true;
            }
        }

        var groupWritten = false;
        foreach (var item in instrument.Items)
        {
            if (!item.PerMember)
            {
                foreach (var answer in answers.Where(a => a.LinkId == item.LinkId && a.MemberId is null))
                {
                    Start();
                    WriteAnswerItem(json, item, answer);
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
                Start();
                json.WriteStartObject();
                json.WriteString("linkId", group.LinkId);
                json.WriteString("text", group.Text);
                json.WriteStartArray("item");
                json.WriteStartObject();
                json.WriteString("linkId", group.MemberIdLinkId);
                json.WriteStartArray("answer");
                json.WriteStartObject();
                json.WriteString("valueString", member);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                foreach (var answer in answers.Where(a => a.MemberId == member))
                {
                    WriteAnswerItem(json, instrument.FindItem(answer.LinkId)!, answer);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
        }
        if (started)
        {
            json.WriteEndArray();
        }
    }

    private static void WriteAnswerItem(Utf8JsonWriter json, InstrumentItem item, ItemAnswer answer)
    {
        json.WriteStartObject();
        if (answer.IsPrivate)
        {
            json.WriteStartArray("extension");
            json.WriteStartObject();
            json.WriteString("url", ExtensionUrls.PrivateAnswer);
            json.WriteBoolean("valueBoolean", true);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteString("linkId", item.LinkId);
        json.WriteString("text", item.Text);
        json.WriteStartArray("answer");
        json.WriteStartObject();
        switch (answer.Value)
        {
            case IntegerAnswer i:
                json.WriteNumber("valueInteger", i.Value);
                break;
            case CodedAnswer c:
                var option = item.Options.FirstOrDefault(o => o.Code == c.Code);
                json.WriteStartObject("valueCoding");
                if (option?.System is { } system)
                {
                    json.WriteString("system", system);
                }
                json.WriteString("code", option?.Code ?? c.Code);
                if (option?.Display is { } display)
                {
                    json.WriteString("display", display);
                }
                json.WriteEndObject();
                break;
            case YesNoAnswer y:
                json.WriteBoolean("valueBoolean", y.Yes);
                break;
            case TextAnswer t:
                json.WriteString("valueString", t.Text);
                break;
            default:
                throw new InvalidOperationException($"unknown answer type {answer.Value.GetType().Name}");
        }
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteScore(Utf8JsonWriter json, ScoreResult score)
    {
        json.WriteStartObject();
        json.WriteStartArray("extension");
        WriteScored(json, "total", score.Total, score.UnscorableReason, score.Prorated);
        WriteExtension(json, "missingItems", score.MissingItems);
        if (score.Band is { } band)
        {
            WriteExtension(json, "band", "valueCode", band.Code);
        }
        foreach (var subscale in score.Subscales)
        {
            json.WriteStartObject();
            json.WriteStartArray("extension");
            WriteExtension(json, "code", "valueCode", subscale.Code);
            WriteScored(json, "value", subscale.Score, subscale.UnscorableReason, subscale.Prorated);
            json.WriteEndArray();
            json.WriteString("url", "subscale");
            json.WriteEndObject();
        }
        foreach (var flag in score.RiskFlags)
        {
            json.WriteStartObject();
            json.WriteStartArray("extension");
            WriteExtension(json, "linkId", "valueString", flag.LinkId);
            if (flag.MemberId is not null)
            {
                WriteExtension(json, "member", "valueString", flag.MemberId);
            }
            WriteExtension(json, "value", flag.Value);
            WriteExtension(json, "message", "valueString", flag.Message);
            json.WriteEndArray();
            json.WriteString("url", "risk");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("url", ExtensionUrls.Score);
        json.WriteEndObject();
    }

    /// <summary>A score under <paramref name="url"/>, or the reason it has none (<c>unscorable</c>); then <c>prorated</c> when it was.</summary>
    private static void WriteScored(Utf8JsonWriter json, string url, decimal? score, string? unscorableReason, bool prorated)
    {
        if (score is { } value)
        {
            WriteExtension(json, url, value);
        }
        else
        {
            WriteExtension(json, "unscorable", "valueString", unscorableReason ?? "not scorable");
        }
        if (prorated)
        {
            WriteExtension(json, "prorated", true);
        }
    }

    private static void WriteExtension(Utf8JsonWriter json, string url, string valueName, string value)
    {
        json.WriteStartObject();
        json.WriteString("url", url);
        json.WriteString(valueName, value);
        json.WriteEndObject();
    }

    private static void WriteExtension(Utf8JsonWriter json, string url, decimal value)
    {
        json.WriteStartObject();
        json.WriteString("url", url);
        json.WriteNumber("valueDecimal", value);
        json.WriteEndObject();
    }

    private static void WriteExtension(Utf8JsonWriter json, string url, int value)
    {
        json.WriteStartObject();
        json.WriteString("url", url);
        json.WriteNumber("valueInteger", value);
        json.WriteEndObject();
    }

    private static void WriteExtension(Utf8JsonWriter json, string url, bool value)
    {
        json.WriteStartObject();
        json.WriteString("url", url);
        json.WriteBoolean("valueBoolean", value);
        json.WriteEndObject();
    }

    private static void WriteReference(Utf8JsonWriter json, string name, string? reference)
    {
        if (reference is null)
        {
            return;
        }
        json.WriteStartObject(name);
        json.WriteString("reference", reference);
        json.WriteEndObject();
    }
}
