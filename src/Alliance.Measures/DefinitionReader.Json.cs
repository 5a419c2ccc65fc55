using System.Text;
using System.Text.Json;

namespace Alliance.Measures;

/// <summary>FHIR R4's JSON form of the elements the reader reads, and the reporting of values not in that form.</summary>
internal sealed partial class DefinitionReader
{
    // Firely's parser reads comments and trailing commas, and so does this reader: a definition Firely accepted when it
    // was imported is stored as it was given, and must read the same here.
    private static readonly JsonReaderOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads one definition.</summary>
    /// <param name="json">The Questionnaire JSON text.</param>
    /// <param name="origin">Built-in or imported.</param>
    /// <returns>The instrument, or every finding.</returns>
    public static DefinitionReading Read(string json, InstrumentOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        var reader = new DefinitionReader();
        JsonDocument document;
        try
        {
            // As Firely's parser: the text's UTF-8 bytes (a lone surrogate replaced), its first JSON value (what follows
            // it is not read).
            var bytes = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), JsonOptions);
            document = JsonDocument.ParseValue(ref bytes);
        }
        catch (JsonException e)
        {
            reader.Problem("JSON", e.Message);
            return new DefinitionReading(null, reader.findings);
        }
        using (document)
        {
            if (Unreadable(document.RootElement) is { } reason)
            {
                reader.Problem("JSON", reason);
                return new DefinitionReading(null, reader.findings);
            }
            var instrument = reader.Read(document.RootElement, json, origin);
            return new DefinitionReading(reader.findings.Count == 0 ? instrument : null, reader.findings);
        }
    }

    /// <summary>
    /// Why the text cannot be read although it is JSON: a string or member name escaping a lone surrogate
    /// (<c>"\udfff"</c>) is JSON but not text. Firely's parser refuses such a text whole; so does this reader, and
    /// every string of the document can be read afterwards.
    /// </summary>
    private static string? Unreadable(JsonElement element)
    {
        try
        {
            Visit(element);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return "the text cannot be read as FHIR JSON: " + e.Message.TrimEnd('.');
        }

        static void Visit(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        Visit(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var value in element.EnumerateArray())
                    {
                        Visit(value);
                    }
                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }
    }

    // ---- members ----

    /// <summary>
    /// A member of an object. Firely's parser matches element names whatever their case (<c>LinkId</c> reads as
    /// linkId, <c>valueinteger</c> as valueInteger); so does this reader, so that a definition Firely accepted reads
    /// the same here. An exact match comes first.
    /// </summary>
    private static bool Member(JsonElement owner, string name, out JsonElement value)
    {
        if (owner.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }
        if (owner.TryGetProperty(name, out value))
        {
            return true;
        }
        foreach (var property in owner.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the object has a member of that name with a value other than null.</summary>
    private static bool Given(JsonElement owner, string name) =>
        Member(owner, name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static bool IsEmptyArray(JsonElement owner, string name) =>
        Member(owner, name, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0;

    /// <summary>
    /// A string member (FHIR's string, code, id, uri...): null when it is absent or null. A value of another JSON type
    /// is reported, and <paramref name="faulty"/> says so, so that the caller does not report it missing as well.
    /// </summary>
    private string? Text(JsonElement owner, string name, string ownerPath, string where, out bool faulty, string relative = "")
    {
        faulty = false;
        if (!Member(owner, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (AsText(value) is { } text)
        {
            return text;
        }
        faulty = true;
        Problem(where, $"{relative}{name} must be a string, not {Describe(value.ValueKind)}", $"{ownerPath}.{name}");
        return null;
    }

    /// <summary>A boolean member: null when absent or null; a value of another JSON type is reported.</summary>
    private bool? Boolean(JsonElement owner, string name, string ownerPath, string where)
    {
        if (!Member(owner, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }
        Problem(where, $"{name} must be true or false, not {Describe(value.ValueKind)}", $"{ownerPath}.{name}");
        return null;
    }

    /// <summary>An integer member: null when absent or null; anything but a whole number within FHIR's range is reported.</summary>
    private int? Integer(JsonElement owner, string name, string ownerPath, string where)
    {
        if (!Member(owner, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }
        Problem(where, value.ValueKind == JsonValueKind.Number
            ? $"{name} must be a whole number, not {value.GetRawText()}"
            : $"{name} must be a whole number, not {Describe(value.ValueKind)}", $"{ownerPath}.{name}");
        return null;
    }

    /// <summary>
    /// Every element of an array member (FHIR's repeating complex elements), each with its FHIR path, so that positions
    /// count as in the definition. A member that is not an array, and elements that are not objects, are reported.
    /// </summary>
    private List<Node> Elements(JsonElement owner, string name, string ownerPath, string where, string relative = "")
    {
        var nodes = new List<Node>();
        if (!Member(owner, name, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return nodes;
        }
        var path = $"{ownerPath}.{name}";
        if (array.ValueKind != JsonValueKind.Array)
        {
            Problem(where, $"{relative}{name} must be an array, not {Describe(array.ValueKind)}", path);
            return nodes;
        }
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var elementPath = $"{path}[{index}]";
            if (element.ValueKind != JsonValueKind.Object)
            {
                // Firely's parser numbers a null in an array differently; the array's path names the fault for both.
                Problem(where, $"{relative}{name}[{index}] must be an object, not {Describe(element.ValueKind)}",
                    element.ValueKind == JsonValueKind.Null ? path : elementPath);
            }
            nodes.Add(new Node(element, elementPath));
            index++;
        }
        return nodes;
    }

    /// <summary>The elements of an array member that are objects (the others are reported).</summary>
    private List<Node> Objects(JsonElement owner, string name, string ownerPath, string where, string relative = "") =>
        [.. Elements(owner, name, ownerPath, where, relative).Where(n => n.IsObject)];

    /// <summary>
    /// A JSON value read as FHIR text: a string, or a number too large for a decimal, which Firely's parser reads as the
    /// text it is written with (<c>1e400</c>), so a definition it accepted may hold one where text belongs.
    /// </summary>
    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when !value.TryGetDecimal(out _) => value.GetRawText(),
        _ => null,
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true or false",
        _ => "null",
    };

    // ---- extensions and value[x] ----

    /// <summary>Whether the object has an extension with this url (read without reporting anything).</summary>
    private static bool HasExtension(JsonElement owner, string url) =>
        Member(owner, "extension", out var extensions) && extensions.ValueKind == JsonValueKind.Array
        && extensions.EnumerateArray().Any(e => Member(e, "url", out var given) && AsText(given) == url);

    /// <summary>
    /// The extensions of an element, with their sub-extensions, each with the one value it carries. Whatever is not in
    /// FHIR's form for an extension (an extension that is not an object, a url that is not text, two values) is reported.
    /// </summary>
    private List<Ext> Extensions(JsonElement owner, string ownerPath, string where, string relative = "")
    {
        var extensions = new List<Ext>();
        foreach (var element in Objects(owner, "extension", ownerPath, where, relative))
        {
            var name = relative + element.Path[(ownerPath.Length + 1)..];
            var url = Text(element.Element, "url", element.Path, where, out _, name + ".");
            var value = ChoiceValue(element, where, name);
            var children = Extensions(element.Element, element.Path, where, name + ".");
            extensions.Add(new Ext(url, value, children, element.Path));
        }
        return extensions;
    }

    /// <summary>
    /// The value[x] of an extension or answer option: the member named value followed by a type (<c>valueInteger</c>).
    /// Two such members are reported; the first is read.
    /// </summary>
    private ChoiceOfType? ChoiceValue(Node owner, string where, string label)
    {
        const string prefix = "value";
        ChoiceOfType? value = null;
        foreach (var property in owner.Element.EnumerateObject())
        {
            var name = property.Name;
            if (name.Length <= prefix.Length || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (value is not null)
            {
                Problem(where, $"{label} has more than one value ({value.Name} and {name})", owner.Path);
                continue;
            }
            value = new ChoiceOfType(name, name[prefix.Length..].ToUpperInvariant(), property.Value, owner.Path + ".value");
        }
        return value;
    }

    /// <summary>A JSON value of the definition with its FHIR path (<c>Questionnaire.item[2]</c>).</summary>
    private readonly record struct Node(JsonElement Element, string Path)
    {
        public bool IsObject => Element.ValueKind == JsonValueKind.Object;
    }

    /// <summary>An extension: its url, its value when it has one, its sub-extensions, its FHIR path.</summary>
    private sealed record Ext(string? Url, ChoiceOfType? Value, List<Ext> Extensions, string Path);

    /// <summary>A FHIR value[x]: <c>valueInteger</c> is of the type INTEGER (type names are compared in capitals).</summary>
    /// <param name="Name">The member's name (<c>valueInteger</c>).</param>
    /// <param name="Type">The FHIR type in the name, in capitals (<c>INTEGER</c>).</param>
    /// <param name="Element">The value.</param>
    /// <param name="Path">The FHIR path of the value, as Firely's parser names it (<c>...extension[0].value</c>).</param>
    private sealed record ChoiceOfType(string Name, string Type, JsonElement Element, string Path)
    {
        /// <summary>A valueInteger holding a whole number within FHIR's range.</summary>
        public int? Integer() =>
            Type == "INTEGER" && Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var value) ? value : null;

        /// <summary>A valueDecimal holding a number, or a valueInteger holding a whole number.</summary>
        public decimal? Decimal() =>
            Type == "DECIMAL" && Element.ValueKind == JsonValueKind.Number && Element.TryGetDecimal(out var value) ? value : Integer();

        /// <summary>A valueBoolean holding true or false.</summary>
        public bool? Boolean() =>
            Type == "BOOLEAN" && Element.ValueKind is JsonValueKind.True or JsonValueKind.False ? Element.GetBoolean() : null;

        /// <summary>The text of a value of one of the given types (a valueCode, valueString or valueMarkdown).</summary>
        public string? Text(params string[] types) => types.Contains(Type) ? AsText(Element) : null;

        /// <summary>A valueCoding holding an object.</summary>
        public bool IsCoding => Type == "CODING" && Element.ValueKind == JsonValueKind.Object;
    }
}
