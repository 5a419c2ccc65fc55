using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Alliance.Measures;

/// <summary>One reason an instrument definition is refused.</summary>
/// <param name="Location">Where: <c>item 3 (linkId "a3")</c>, <c>instrument extension</c>, a FHIR path...</param>
/// <param name="Message">What is wrong, in a sentence.</param>
public sealed record DefinitionProblem(string Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>The outcome of reading an instrument definition: the instrument, or every reason it was refused.</summary>
/// <param name="Instrument">The instrument when the definition has no problem; otherwise null.</param>
/// <param name="Problems">Every problem found (empty when the instrument was read).</param>
public sealed record InstrumentReadResult(Instrument? Instrument, ValueList<DefinitionProblem> Problems)
{
    /// <summary>Whether the definition was accepted.</summary>
    public bool Succeeded => Instrument is not null;
}

/// <summary>Thrown when a built-in instrument file is malformed (a defect of the release, never of user input).</summary>
public sealed class InstrumentDefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InstrumentDefinitionException()
    {
        Problems = ValueList.Empty<DefinitionProblem>();
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public InstrumentDefinitionException(string message) : base(message)
    {
        Problems = ValueList.Empty<DefinitionProblem>();
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InstrumentDefinitionException(string message, Exception innerException) : base(message, innerException)
    {
        Problems = ValueList.Empty<DefinitionProblem>();
    }

    /// <summary>Creates the exception for a file and its problems.</summary>
    /// <param name="source">The file or resource name.</param>
    /// <param name="problems">Every problem found.</param>
    public InstrumentDefinitionException(string source, IReadOnlyList<DefinitionProblem> problems)
        : base($"{source} is not a valid instrument definition:{Environment.NewLine}" + string.Join(Environment.NewLine, problems))
    {
        Problems = problems.ToValueList();
    }

    /// <summary>Every problem found.</summary>
    public ValueList<DefinitionProblem> Problems { get; }
}

/// <summary>
/// Reads an instrument from a FHIR R4 Questionnaire carrying Alliance's scoring extensions. Every problem in the
/// definition is reported, not only the first.
/// </summary>
/// <remarks>
/// A definition from outside Alliance (a file an agency imports) is read with <see cref="Read(string, InstrumentOrigin)"/>:
/// Firely's parser checks that it is FHIR R4, and Alliance's reader checks its extensions and items. A definition
/// already known to be valid FHIR (a built-in, or an import stored after that check) is read by Alliance's reader
/// alone, on the JSON, without loading Firely's model: <see cref="InstrumentCatalog"/> does so for its built-ins and
/// for imports into a catalog without a structural validator.
/// </remarks>
public static partial class InstrumentDefinition
{
    /// <summary>
    /// Reads an instrument from Questionnaire JSON from outside Alliance, with every check: Firely's parse errors
    /// (unknown elements, wrong value types, invalid codes, each with its path and line), then Alliance's checks of the
    /// extensions and items. A fault that both find is reported once, in Firely's words with its line, except a required
    /// element left out, which is reported in Alliance's words.
    /// </summary>
    /// <param name="questionnaireJson">The FHIR JSON text.</param>
    /// <param name="origin">Built-in or imported.</param>
    /// <returns>The instrument, or every problem found.</returns>
    public static InstrumentReadResult Read(string questionnaireJson, InstrumentOrigin origin = InstrumentOrigin.Imported) =>
        ReadChecked(questionnaireJson, origin, structureValidator: null);

    /// <summary>Reads an instrument from a Questionnaire resource (which is not changed).</summary>
    /// <param name="questionnaire">The Questionnaire.</param>
    /// <param name="origin">Built-in or imported.</param>
    /// <returns>The instrument, or every problem found.</returns>
    public static InstrumentReadResult Read(Questionnaire questionnaire, InstrumentOrigin origin = InstrumentOrigin.Imported)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        // A resource in Firely's model is FHIR already; its JSON needs Alliance's checks only.
        return ReadKnown(Fhir.ToJson(questionnaire), origin);
    }

    /// <summary>
    /// Reads a definition known to be valid FHIR R4 (a built-in, or an agency's import stored after
    /// <see cref="Read(string, InstrumentOrigin)"/> accepted it) with Alliance's reader alone, without Firely's model.
    /// The reader still reports what it reads in the wrong form (a wrong JSON type, an unknown status or item type) and
    /// every check of the extensions and items; it does not look for elements it does not read.
    /// </summary>
    /// <param name="questionnaireJson">The FHIR JSON text.</param>
    /// <param name="origin">Built-in or imported.</param>
    /// <returns>The instrument, or every problem found.</returns>
    internal static InstrumentReadResult ReadKnown(string questionnaireJson, InstrumentOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(questionnaireJson);
        var reading = DefinitionReader.Read(questionnaireJson, origin);
        return reading.Instrument is { } instrument
            ? new InstrumentReadResult(instrument, ValueList.Empty<DefinitionProblem>())
            : new InstrumentReadResult(null, reading.Findings.Select(f => f.Problem).ToValueList());
    }

    /// <summary>
    /// The reading with every check (<see cref="Read(string, InstrumentOrigin)"/>), and Firely's structural validation
    /// when a validator is given and the text parsed without error. Kept out of line so that compiling a caller that
    /// reads only known definitions never loads Firely's assemblies.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static InstrumentReadResult ReadChecked(string questionnaireJson, InstrumentOrigin origin, FhirStructureValidator? structureValidator)
    {
        ArgumentNullException.ThrowIfNull(questionnaireJson);
        var parseErrors = new List<(string Location, string Message)>();
        var questionnaire = Fhir.Parse<Questionnaire>(questionnaireJson, parseErrors);
        if (questionnaire is null)
        {
            return new InstrumentReadResult(null, parseErrors.Select(e => new DefinitionProblem(e.Location, e.Message)).ToValueList());
        }
        // Alliance's reader runs on the text even when Firely's parser found errors, so that every problem is reported at once.
        var reading = DefinitionReader.Read(questionnaireJson, origin);
        var problems = Merge(parseErrors, reading.Findings);
        if (structureValidator is not null && parseErrors.Count == 0)
        {
            // A resource parsed only in part is not validated: its errors are reported already, and Firely's validator
            // can fail on the values the parser left out.
            problems.AddRange(structureValidator.Errors(questionnaire).Select(issue => new DefinitionProblem(issue.Location, issue.Message)));
        }
        return problems.Count == 0 && reading.Instrument is { } instrument
            ? new InstrumentReadResult(instrument, ValueList.Empty<DefinitionProblem>())
            : new InstrumentReadResult(null, problems.ToValueList());
    }

    /// <summary>
    /// Firely's parse errors, then the reader's findings, with a fault both report given once: a value in the wrong
    /// form in Firely's words (they carry the line), a required element left out in Alliance's.
    /// </summary>
    private static List<DefinitionProblem> Merge(List<(string Location, string Message)> parseErrors, IReadOnlyList<Finding> findings)
    {
        var parsePaths = parseErrors.Select(e => PathOf(e.Location)).ToList();
        var problems = new List<DefinitionProblem>();
        for (var i = 0; i < parseErrors.Count; i++)
        {
            if (parsePaths[i] is { } path && findings.Any(f => f.Missing && f.FaultPath == path))
            {
                continue;
            }
            problems.Add(new DefinitionProblem(parseErrors[i].Location, parseErrors[i].Message));
        }
        foreach (var finding in findings)
        {
            if (!finding.Missing && finding.FaultPath is { } fault && parsePaths.Any(path => path is not null && Overlap(path, fault)))
            {
                continue;
            }
            problems.Add(finding.Problem);
        }
        return problems;
    }

    /// <summary>
    /// The FHIR path of a parse error's location (<c>Questionnaire.item[0].linkId (line 2)</c>), when it has one. Firely
    /// names the resource <c>$this</c> in some messages (<c>$this.status</c> for a missing status).
    /// </summary>
    private static string? PathOf(string location)
    {
        var line = location.IndexOf(" (line ", StringComparison.Ordinal);
        if (line <= 0)
        {
            return null;
        }
        var path = location[..line];
        return path.StartsWith("$this", StringComparison.Ordinal) ? "Questionnaire" + path["$this".Length..] : path;
    }

    /// <summary>Whether two FHIR paths name the same element, or one lies inside the other.</summary>
    private static bool Overlap(string a, string b) => Inside(a, b) || Inside(b, a);

    private static bool Inside(string inner, string outer) =>
        inner.StartsWith(outer, StringComparison.Ordinal)
        && (inner.Length == outer.Length || inner[outer.Length] is '.' or '[');

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    internal static partial Regex FhirId();
}
