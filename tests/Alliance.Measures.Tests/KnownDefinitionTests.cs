using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using static Alliance.Measures.Tests.TestSupport;

namespace Alliance.Measures.Tests;

/// <summary>
/// Definitions Alliance already knows to be FHIR (the built-ins, an agency's stored imports) are read from their JSON
/// without Firely's model; whatever the reader meets in the wrong form is a problem with a place and a sentence.
/// </summary>
[Trait("Capability", "Measures")]
public sealed class KnownDefinitionTests
{
    /// <summary>A catalog without a structural validator: how an agency's stored imports are loaded again.</summary>
    private static InstrumentReadResult ReadStored(string json) => InstrumentCatalog.CreateWithBuiltIns().Import(json);

    private static string Licensed(Action<JsonNode> change)
    {
        var root = JsonNode.Parse(ReadTestData("imported-licensed-instrument.json"))!;
        change(root);
        return root.ToJsonString();
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public void BuiltInsStoredImportsAndStoredAnswersAreReadWithoutFirelysModel()
    {
        // Alliance.Measures is loaded afresh into a context of its own, with every library it uses: the libraries this
        // process has loaded already do not count, and any use of Firely's model on the way loads Firely's assemblies
        // into the context (their static constructors, Firely's ModelInspector, can only run after that).
        var context = new IsolatedContext(AppContext.BaseDirectory);
        try
        {
            var measures = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "Alliance.Measures.dll"));
            var catalogType = measures.GetType("Alliance.Measures.InstrumentCatalog", throwOnError: true)!;
            var catalog = catalogType.GetMethod(nameof(InstrumentCatalog.CreateWithBuiltIns))!.Invoke(null, [null])!;
            var imported = catalogType.GetMethod(nameof(InstrumentCatalog.Import))!.Invoke(catalog, [ReadTestData("imported-licensed-instrument.json")])!;

            Assert.True((bool)imported.GetType().GetProperty(nameof(InstrumentReadResult.Succeeded))!.GetValue(imported)!);
            var all = (System.Collections.IEnumerable)catalogType.GetProperty(nameof(InstrumentCatalog.All))!.GetValue(catalog)!;
            Assert.Equal(11, all.Cast<object>().Count());

            // Stored answers are read and written again, as the feedback engine and the answer pages do.
            var mapper = measures.GetType("Alliance.Measures.QuestionnaireResponseMapper", throwOnError: true)!;
            var read = mapper.GetMethod(nameof(QuestionnaireResponseMapper.FromStoredJson))!
                .Invoke(null, [ReadTestData(Path.Combine("stored", "observer-family.json")), catalog])!;
            var response = read.GetType().GetProperty(nameof(ResponseReadResult.Response))!.GetValue(read)!;
            var instrument = catalogType.GetMethod(nameof(InstrumentCatalog.Get))!.Invoke(catalog, ["observer-family-alliance"])!;
            var written = (string)mapper.GetMethod(nameof(QuestionnaireResponseMapper.ToJson))!.Invoke(null, [instrument, response])!;
            Assert.Equal(ReadTestData(Path.Combine("stored", "observer-family.json")), written);
            Assert.Empty(FirelyAssemblies(context));

            // The check can fail: reading a file from outside Alliance, with Firely's checks, loads Firely's model.
            var definition = measures.GetType("Alliance.Measures.InstrumentDefinition", throwOnError: true)!;
            var origin = measures.GetType("Alliance.Measures.InstrumentOrigin", throwOnError: true)!;
            definition.GetMethod(nameof(InstrumentDefinition.Read), [typeof(string), origin])!
                .Invoke(null, [ReadTestData("imported-yes-no-checklist.json"), Enum.Parse(origin, nameof(InstrumentOrigin.Imported))]);
            Assert.Contains("Hl7.Fhir.R4", FirelyAssemblies(context));
        }
        finally
        {
            context.Unload();
        }
    }

    private static List<string> FirelyAssemblies(AssemblyLoadContext context) =>
        [.. context.Assemblies.Select(a => a.GetName().Name ?? "")
            .Where(name => name.StartsWith("Hl7.Fhir", StringComparison.Ordinal) || name.StartsWith("Firely", StringComparison.Ordinal))];

    /// <summary>Loads every library found beside the tests into itself; the framework's come from the default context.</summary>
    private sealed class IsolatedContext(string directory) : AssemblyLoadContext("known-definitions", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    public static TheoryData<string, string, string> WrongJsonTypes => new()
    {
        {
            "items in an object",
            """{"at":"","set":"item","to":{"linkId":"i9","text":"Q","type":"string"}}""",
            "Questionnaire: item must be an array, not an object"
        },
        {
            "an item that is text",
            """{"at":"item","index":0,"to":"i1"}""",
            "Questionnaire: item[0] must be an object, not a string"
        },
        {
            "a linkId that is a number",
            """{"at":"item/0","set":"linkId","to":1}""",
            "item 1: linkId must be a string, not a number"
        },
        {
            "required as text",
            """{"at":"item/0","set":"required","to":"yes"}""",
            "item 1 (linkId \"i1\"): required must be true or false, not a string"
        },
        {
            "a title that is an object",
            """{"at":"","set":"title","to":{"en":"Short form"}}""",
            "Questionnaire: title must be a string, not an object"
        },
        {
            "extensions in a string",
            """{"at":"","set":"extension","to":"instrument"}""",
            "Questionnaire: extension must be an array, not a string"
        },
        {
            "an extension that is null",
            """{"at":"extension","index":0,"to":null}""",
            "Questionnaire: extension[0] must be an object, not null"
        },
        {
            "an answer option that is a number",
            """{"at":"item/0/answerOption","index":0,"to":1}""",
            "item 1 (linkId \"i1\"): answerOption[0] must be an object, not a number"
        },
        {
            "a coding that is text",
            """{"at":"item/0/answerOption/0","set":"valueCoding","to":"1"}""",
            "item 1 (linkId \"i1\"): option 1: answer options must be codings (valueCoding)"
        },
        {
            "a code that is a number",
            """{"at":"item/0/answerOption/0/valueCoding","set":"code","to":1}""",
            "item 1 (linkId \"i1\"): option 1: code must be a string, not a number"
        },
        {
            "a score that is text",
            """{"at":"extension/0/extension/3","set":"valueDecimal","to":"4"}""",
            "instrument extension: scoreMin must be a number (valueDecimal)"
        },
        {
            "an extension's url that is a number",
            """{"at":"extension/0/extension/0","set":"url","to":7}""",
            "Questionnaire: extension[0].extension[0].url must be a string, not a number"
        },
    };

    [Theory]
    [MemberData(nameof(WrongJsonTypes))]
    public void AValueOfTheWrongJsonTypeInAStoredDefinitionIsAProblemNotAnException(string what, string change, string expected)
    {
        var json = Licensed(root => Apply(root, JsonNode.Parse(change)!));

        var result = ReadStored(json);

        Assert.False(result.Succeeded, what);
        Assert.True(result.Problems.Any(p => p.ToString() == expected),
            $"{what}: expected \"{expected}\" among:{Environment.NewLine}{string.Join(Environment.NewLine, result.Problems)}");
    }

    [Fact]
    public void AnUnknownStatusInAStoredDefinitionIsReported()
    {
        var json = Licensed(root => root["status"] = "bogus");

        var result = ReadStored(json);

        Assert.Equal(
            ["Questionnaire.status: \"bogus\" is not a publication status (draft, active, retired or unknown)"],
            result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void AnUnknownItemTypeInAStoredDefinitionIsReported()
    {
        var json = Licensed(root => root["item"]![0]!["type"] = "likert");

        var result = ReadStored(json);

        Assert.Contains(result.Problems, p => p.ToString() ==
            "item 1 (linkId \"i1\"): item type 'likert' is not a FHIR item type (integer, choice, boolean, string, text, display and per-member group are supported)");
    }

    [Fact]
    public void AnItemWithoutATypeValueIsReported()
    {
        // A primitive's extensions (_type) without its value give no type to read.
        var json = Licensed(root =>
        {
            var item = root["item"]![0]!.AsObject();
            item.Remove("type");
            item["_type"] = JsonNode.Parse("""{"id":"t"}""");
        });

        var result = ReadStored(json);

        Assert.Contains(result.Problems, p => p.ToString() == "item 1 (linkId \"i1\"): the item has no type");
    }

    [Fact]
    public void TextThatIsNotJsonIsAProblemOfTheJson()
    {
        var result = ReadStored("{\"resourceType\": \"Questionnaire\",");

        Assert.Equal("JSON", Assert.Single(result.Problems).Location);
    }

    [Fact]
    public void AnotherResourceIsRefusedAsTheCheckedReadingRefusesIt()
    {
        var result = ReadStored("""{"resourceType":"Patient","id":"p1"}""");

        Assert.Equal("resourceType: expected Questionnaire, found Patient", Assert.Single(result.Problems).ToString());
    }

    [Theory]
    [InlineData("an escaped lone surrogate", "{\"resourceType\":\"Questionnaire\",\"id\":\"x\",\"title\":\"\\udfff\"}")]
    [InlineData("a member without a name", "{\"resourceType\":\"Questionnaire\",\"id\":\"x\",\"\":1,\"item\":[{\"\":2}]}")]
    [InlineData("an array at the top", "[{\"resourceType\":\"Questionnaire\"}]")]
    [InlineData("nothing", "")]
    public void ATextNoReaderCanUseIsRefusedWithAReason(string what, string json)
    {
        var result = ReadStored(json);

        Assert.False(result.Succeeded, what);
        Assert.All(result.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Location) || string.IsNullOrWhiteSpace(p.Message), what));
    }

    public static TheoryData<string, string> TextsFirelyReads => new()
    {
        { "comments", ReadTestData("imported-licensed-instrument.json").Replace("\"status\": \"active\",", "\"status\": \"active\", /* checked */", StringComparison.Ordinal) },
        { "a trailing comma", ReadTestData("imported-licensed-instrument.json").TrimEnd()[..^1] + ",}" },
        { "element names in another case", ReadTestData("imported-licensed-instrument.json").Replace("\"linkId\": \"i1\"", "\"LinkId\": \"i1\"", StringComparison.Ordinal) },
        { "text after the resource", ReadTestData("imported-licensed-instrument.json") + "\n}" },
        { "a number where text belongs", ReadTestData("imported-licensed-instrument.json").Replace("\"display\": \"Rarely\"", "\"display\": 1e400", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(TextsFirelyReads))]
    public void WhatFirelysParserAcceptsAStoredDefinitionMayHoldAndReadsTheSame(string what, string json)
    {
        // Stored imports were accepted by the checked reading; read again without Firely, they must still load.
        var checkedReading = InstrumentDefinition.Read(json);
        var stored = ReadStored(json);

        Assert.True(checkedReading.Succeeded, $"{what}: {string.Join(Environment.NewLine, checkedReading.Problems)}");
        Assert.True(stored.Succeeded, $"{what}: {string.Join(Environment.NewLine, stored.Problems)}");
        Assert.Equal(checkedReading.Instrument, stored.Instrument);
    }

    [Fact]
    public void EveryBuiltInReadsTheSameWithTheCheckedReading()
    {
        var assembly = typeof(InstrumentCatalog).Assembly;
        foreach (var builtIn in InstrumentCatalog.BuiltIns)
        {
            var json = InstrumentCatalog.ReadResource(assembly, $"Alliance.Measures.Instruments.{builtIn.Id}.json");

            var checkedReading = InstrumentDefinition.Read(json, InstrumentOrigin.BuiltIn);

            Assert.True(checkedReading.Succeeded, string.Join(Environment.NewLine, checkedReading.Problems));
            Assert.Equal(builtIn, checkedReading.Instrument);
        }
    }

    [Fact]
    public void QuestionnaireJsonIsTheDefinitionAsGiven()
    {
        var json = ReadTestData("imported-licensed-instrument.json");

        var instrument = ReadStored(json).Instrument!;

        Assert.Equal(json, instrument.QuestionnaireJson);
        Assert.Equal("agency-alliance-short", instrument.ToQuestionnaire().Id);
    }

    /// <summary>Sets a member of the object at a path (<c>item/0</c>), or replaces an element of the array there.</summary>
    private static void Apply(JsonNode root, JsonNode change)
    {
        var at = (string)change["at"]!;
        var node = root;
        foreach (var step in at.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = int.TryParse(step, out var index) ? node[index]! : node[step]!;
        }
        var to = change["to"]?.DeepClone();
        if (change["set"] is { } member)
        {
            node[(string)member!] = to;
        }
        else
        {
            node.AsArray()[(int)change["index"]!] = to;
        }
    }
}
