using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Alliance.Measures;

/// <summary>How serious a structural finding is.</summary>
public enum StructureSeverity
{
    /// <summary>For information only.</summary>
    Information,
    /// <summary>Worth a look; the resource is still valid.</summary>
    Warning,
    /// <summary>The resource breaks the FHIR R4 specification.</summary>
    Error,
}

/// <summary>One finding of Firely's structural validation.</summary>
/// <param name="Severity">How serious it is.</param>
/// <param name="Location">The FHIRPath of the element concerned.</param>
/// <param name="Message">What Firely reports.</param>
public sealed record StructureIssue(StructureSeverity Severity, string Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} at {Location}: {Message}";
}

/// <summary>
/// Firely's validator (Firely.Fhir.Validation.R4) over the FHIR R4 core definitions shipped in specification.zip:
/// cardinalities, types, invariants (such as que-1) and bindings to value sets the core defines. It works offline.
/// It checks a resource's structure, not answers against their Questionnaire (see <see cref="AnswerValidator"/>).
/// Alliance's own extensions have no published StructureDefinition, so Firely reports them as unresolvable (a warning);
/// <see cref="DefinitionReader"/> checks them instead.
/// </summary>
public sealed class FhirStructureValidator
{
    private static readonly Lazy<FhirStructureValidator> SharedInstance = new(() => new FhirStructureValidator());

    private readonly Lazy<Validator> validator;
    private readonly Lock gate = new();

    /// <summary>Creates a validator reading specification.zip from the application's folder.</summary>
    public FhirStructureValidator()
    {
        validator = new Lazy<Validator>(() =>
        {
            var path = Path.Combine(AppContext.BaseDirectory, "specification.zip");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    "The FHIR R4 definitions (specification.zip, from the package Hl7.Fhir.Specification.Data.R4) are not beside the application.", path);
            }
            var zip = ZipSource.CreateValidationSource(path);
            using (MachineWideLock())
            {
                // Listing the resources makes Firely extract specification.zip into its cache in the temp folder now,
                // under the lock, rather than during a validation.
                _ = zip.ListResourceUris().FirstOrDefault();
            }
            var source = new CachedResolver(zip);
            return new Validator(source, new LocalTerminologyService(source));
        });
    }

    /// <summary>
    /// Firely extracts specification.zip into one cache folder in the temp directory shared by every process of the
    /// machine; two processes extracting at once (test projects run in parallel, or several web nodes on one host)
    /// corrupt it, and validation then fails to load the core definitions. A lock file serialises the extraction.
    /// </summary>
    private static FileStream MachineWideLock()
    {
        var lockPath = Path.Combine(Path.GetTempPath(), "alliance-fhir-specification.lock");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>One validator for the whole process: loading the definitions takes seconds, validating then milliseconds.</summary>
    public static FhirStructureValidator Shared => SharedInstance.Value;

    /// <summary>Validates a resource.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>Every finding, errors first.</returns>
    public ValueList<StructureIssue> Validate(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        OperationOutcome outcome;
        lock (gate)
        {
            // The validator caches compiled schemas; one call at a time keeps that cache simple and safe.
            outcome = validator.Value.Validate(resource);
        }
        // A definition that cannot be loaded means a broken installation, not an invalid resource: say so loudly
        // rather than let a resource pass unchecked.
        if (outcome.Issue.FirstOrDefault(i => i.Details?.Text?.Contains("Encountered an error while loading schema", StringComparison.Ordinal) == true) is { } broken)
        {
            throw new InvalidOperationException($"Firely's validator could not load the FHIR core definitions: {broken.Details?.Text}");
        }
        return outcome.Issue
            .Select(issue => new StructureIssue(
                issue.Severity switch
                {
                    OperationOutcome.IssueSeverity.Fatal or OperationOutcome.IssueSeverity.Error => StructureSeverity.Error,
                    OperationOutcome.IssueSeverity.Warning => StructureSeverity.Warning,
                    _ => StructureSeverity.Information,
                },
                string.Join(", ", issue.Expression.DefaultIfEmpty(issue.Location.FirstOrDefault() ?? resource.TypeName)),
                issue.Details?.Text ?? issue.Diagnostics ?? issue.Code?.ToString() ?? "(no message)"))
            .OrderByDescending(i => i.Severity)
            .ToValueList();
    }

    /// <summary>The errors only.</summary>
    /// <param name="resource">The resource.</param>
    /// <returns>Every error; empty when the resource is structurally valid.</returns>
    public ValueList<StructureIssue> Errors(Resource resource) =>
        Validate(resource).Where(i => i.Severity == StructureSeverity.Error).ToValueList();
}
