using System.Reflection;

namespace Alliance.Measures;

/// <summary>
/// The instruments an agency can use: the built-ins, loaded from the files embedded in this library, and those the
/// agency imported. Safe to read from several threads; imports are serialised.
/// </summary>
public sealed class InstrumentCatalog
{
    private const string ResourcePrefix = "Alliance.Measures.Instruments.";

    private static readonly Lazy<ValueList<Instrument>> BuiltInInstruments = new(LoadBuiltIns);

    private readonly FhirStructureValidator? structureValidator;
    private readonly Lock gate = new();
    private volatile Dictionary<string, Instrument> byId;

    private InstrumentCatalog(IEnumerable<Instrument> instruments, FhirStructureValidator? structureValidator)
    {
        byId = instruments.ToDictionary(i => i.Id, StringComparer.Ordinal);
        this.structureValidator = structureValidator;
    }

    /// <summary>The built-in instruments (parsed once per process).</summary>
    /// <exception cref="InstrumentDefinitionException">A built-in file is malformed (a defect of the release).</exception>
    public static ValueList<Instrument> BuiltIns => BuiltInInstruments.Value;

    /// <summary>
    /// A catalog holding the built-in instruments. With a structural validator (pass
    /// <see cref="FhirStructureValidator.Shared"/>) every import is checked as a file from outside Alliance: Firely's
    /// parser and structural validation, and Alliance's own definition checks. Without one, imports are definitions
    /// already checked so (an agency's stored imports): they are read with Alliance's checks alone, without Firely.
    /// </summary>
    /// <param name="structureValidator">The structural validator for new imports, or null for a catalog of known definitions.</param>
    /// <returns>A new catalog.</returns>
    public static InstrumentCatalog CreateWithBuiltIns(FhirStructureValidator? structureValidator = null) =>
        new(BuiltIns, structureValidator);

    /// <summary>Every instrument, built-ins first, then imports in the order they were added.</summary>
    public IReadOnlyList<Instrument> All => [.. byId.Values];

    /// <summary>Finds an instrument by id.</summary>
    /// <param name="id">The instrument id (<c>phq-9</c>).</param>
    /// <returns>The instrument, or null.</returns>
    public Instrument? Find(string id) => byId.GetValueOrDefault(id);

    /// <summary>Gets an instrument by id.</summary>
    /// <param name="id">The instrument id.</param>
    /// <returns>The instrument.</returns>
    /// <exception cref="KeyNotFoundException">No instrument has that id.</exception>
    public Instrument Get(string id) => Find(id) ?? throw new KeyNotFoundException($"no instrument has the id \"{id}\"");

    /// <summary>Finds an instrument by a Questionnaire canonical (<c>url</c> or <c>url|version</c>).</summary>
    /// <param name="canonical">The canonical reference.</param>
    /// <returns>The instrument, or null.</returns>
    public Instrument? FindByCanonical(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar >= 0 ? canonical[..bar] : canonical;
        var version = bar >= 0 ? canonical[(bar + 1)..] : null;
        return byId.Values.FirstOrDefault(i => i.Url == url && (version is null || i.Version is null || i.Version == version));
    }

    /// <summary>
    /// Imports an agency's instrument from Questionnaire JSON carrying Alliance's extensions (for example a licensed
    /// SRS or WAI-SR the agency holds). A malformed definition is refused with every reason; an id or url already in
    /// the catalog is refused too (built-ins cannot be replaced). How much is checked depends on the catalog: see
    /// <see cref="CreateWithBuiltIns"/>.
    /// </summary>
    /// <param name="questionnaireJson">The FHIR JSON text.</param>
    /// <returns>The imported instrument, or every problem found.</returns>
    public InstrumentReadResult Import(string questionnaireJson)
    {
        ArgumentNullException.ThrowIfNull(questionnaireJson);
        var read = structureValidator is null
            ? InstrumentDefinition.ReadKnown(questionnaireJson, InstrumentOrigin.Imported)
            : InstrumentDefinition.ReadChecked(questionnaireJson, InstrumentOrigin.Imported, structureValidator);
        var problems = new List<DefinitionProblem>(read.Problems);

        lock (gate)
        {
            if (read.Instrument is { } instrument)
            {
                if (byId.TryGetValue(instrument.Id, out var existing))
                {
                    problems.Add(new DefinitionProblem("Questionnaire.id", existing.Origin == InstrumentOrigin.BuiltIn
                        ? $"\"{instrument.Id}\" is a built-in instrument and cannot be replaced; give the Questionnaire another id"
                        : $"an instrument with the id \"{instrument.Id}\" was already imported"));
                }
                if (byId.Values.FirstOrDefault(i => i.Url == instrument.Url && i.Id != instrument.Id) is { } sameUrl)
                {
                    problems.Add(new DefinitionProblem("Questionnaire.url", $"{instrument.Url} is already the url of {sameUrl.Id}"));
                }
            }
            if (problems.Count > 0 || read.Instrument is null)
            {
                return new InstrumentReadResult(null, problems.ToValueList());
            }
            byId = new Dictionary<string, Instrument>(byId, StringComparer.Ordinal) { [read.Instrument.Id] = read.Instrument };
            return read;
        }
    }

    private static ValueList<Instrument> LoadBuiltIns()
    {
        var assembly = typeof(InstrumentCatalog).Assembly;
        var instruments = new List<Instrument>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var json = ReadResource(assembly, name);
            var result = InstrumentDefinition.ReadKnown(json, InstrumentOrigin.BuiltIn);
            if (result.Instrument is null)
            {
                throw new InstrumentDefinitionException(name, result.Problems);
            }
            var expected = name[ResourcePrefix.Length..^".json".Length];
            if (result.Instrument.Id != expected)
            {
                throw new InstrumentDefinitionException(name, [new DefinitionProblem("Questionnaire.id", $"the id \"{result.Instrument.Id}\" does not match the file name")]);
            }
            instruments.Add(result.Instrument);
        }
        return instruments.ToValueList();
    }

    internal static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
