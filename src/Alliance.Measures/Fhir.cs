using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Alliance.Measures;

/// <summary>Parsing and writing FHIR JSON with the Firely SDK, collecting every parse error instead of the first.</summary>
internal static partial class Fhir
{
    public static Questionnaire ParseQuestionnaire(string json) =>
        new FhirJsonDeserializer().Deserialize<Questionnaire>(json);

    public static string ToJson(Resource resource) => resource.ToJson(pretty: true);

    /// <summary>
    /// Parses a resource of type <typeparamref name="T"/>. Every parse-time problem Firely reports (unknown elements,
    /// wrong value types, invalid codes) is added to <paramref name="errors"/> as "path: message". When the JSON parses
    /// with errors, the partial resource is still returned so that further checks can run on what was read.
    /// </summary>
    public static T? Parse<T>(string json, List<(string Location, string Message)> errors)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(json);
        Resource? resource;
        try
        {
            resource = new FhirJsonDeserializer().DeserializeResource(json);
        }
        catch (DeserializationFailedException e)
        {
            foreach (var inner in e.Exceptions)
            {
                errors.Add(Describe(inner));
            }
            resource = e.PartialResult as Resource;
        }
        catch (JsonException e)
        {
            errors.Add(("JSON", e.Message));
            return null;
        }
        catch (Exception e) when (IsParserFailure(e))
        {
            errors.Add(("JSON", Unreadable(e)));
            return null;
        }

        if (resource is null)
        {
            if (errors.Count == 0)
            {
                errors.Add(("JSON", "the text is not a FHIR resource"));
            }
            return null;
        }
        if (resource is not T typed)
        {
            errors.Add(("resourceType", $"expected {typeof(T).Name}, found {resource.TypeName}"));
            return null;
        }
        return typed;
    }

    /// <summary>
    /// Firely's parser throws more than its own exception on some malformed texts (found by fuzzing): an invalid UTF-16
    /// escape, a member with an empty name, a value where an object belongs. Each is a text that cannot be read.
    /// </summary>
    internal static bool IsParserFailure(Exception e) =>
        e is InvalidOperationException or IndexOutOfRangeException or ArgumentException or FormatException or OverflowException or InvalidCastException;

    /// <summary>The sentence for a text the parser failed on.</summary>
    internal static string Unreadable(Exception e) => e is InvalidOperationException or FormatException or OverflowException
        ? "the text cannot be read as FHIR JSON: " + e.Message.TrimEnd('.')
        : "the text cannot be read as FHIR JSON: a member name or value is malformed";

    // Firely's parse messages read "Found unknown element 'foo'. At Questionnaire.item[0].foo, line 1, position 93.";
    // split them so that the path can name the field.
    [GeneratedRegex(@"^(?<message>.*?)\.? At (?<path>[^,]+), line (?<line>\d+), position \d+\.?$", RegexOptions.Singleline)]
    private static partial Regex FirelyMessage();

    private static (string Location, string Message) Describe(Exception e)
    {
        var match = FirelyMessage().Match(e.Message);
        return match.Success
            ? ($"{match.Groups["path"].Value} (line {match.Groups["line"].Value})", match.Groups["message"].Value)
            : ("JSON", e.Message.TrimEnd('.'));
    }
}
