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
/// definition is reported, not only the first: Firely's parse errors, then the checks of the extensions and items.
/// </summary>
public static partial class InstrumentDefinition
{
    /// <summary>Reads an instrument from Questionnaire JSON.</summary>
    /// <param name="questionnaireJson">The FHIR JSON text.</param>
    /// <param name="origin">Built-in or imported.</param>
    /// <returns>The instrument, or every problem found.</returns>
    public static InstrumentReadResult Read(string questionnaireJson, InstrumentOrigin origin = InstrumentOrigin.Imported)
    {
        ArgumentNullException.ThrowIfNull(questionnaireJson);
        var parseErrors = new List<(string Location, string Message)>();
        var questionnaire = Fhir.Parse<Questionnaire>(questionnaireJson, parseErrors);
        var reader = new DefinitionReader();
        foreach (var (location, message) in parseErrors)
        {
            reader.Problem(location, message);
        }
        if (questionnaire is null)
        {
            return new InstrumentReadResult(null, reader.Problems.ToValueList());
        }
        Instrument? instrument;
        try
        {
            instrument = reader.Read(questionnaire, origin);
        }
        catch (Exception e) when (parseErrors.Count > 0 && e is Hl7.Fhir.Validation.CodedValidationException
            or NullReferenceException or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            // A partially parsed resource throws when a value the parser rejected is read (or left as a null in a
            // list); those errors are reported already, and the checks made before this point are kept.
            instrument = null;
        }
        return reader.Problems.Count == 0
            ? new InstrumentReadResult(instrument, ValueList.Empty<DefinitionProblem>())
            : new InstrumentReadResult(null, reader.Problems.ToValueList());
    }

    /// <summary>Reads an instrument from a Questionnaire resource (which is not changed).</summary>
    /// <param name="questionnaire">The Questionnaire.</param>
    /// <param name="origin">Built-in or imported.</param>
    /// <returns>The instrument, or every problem found.</returns>
    public static InstrumentReadResult Read(Questionnaire questionnaire, InstrumentOrigin origin = InstrumentOrigin.Imported)
    {
        ArgumentNullException.ThrowIfNull(questionnaire);
        var reader = new DefinitionReader();
        var instrument = reader.Read((Questionnaire)questionnaire.DeepCopy(), origin);
        return reader.Problems.Count == 0
            ? new InstrumentReadResult(instrument, ValueList.Empty<DefinitionProblem>())
            : new InstrumentReadResult(null, reader.Problems.ToValueList());
    }

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$")]
    internal static partial Regex FhirId();
}
