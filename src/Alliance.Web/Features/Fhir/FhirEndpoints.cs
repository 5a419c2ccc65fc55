using System.Security.Claims;
using Alliance.Application.Measures;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace Alliance.Web.Features.Fhir;

/// <summary>
/// FHIR R4 endpoints under <c>/fhir</c>, in <c>application/fhir+json</c>: the agency's instruments as Questionnaires,
/// and QuestionnaireResponses in and out. Every one needs a signed-in staff member (the fallback policy); responses
/// need a clinician (posting) or a case reader (reading), and the care relationship. Every error is an OperationOutcome.
/// </summary>
internal static class FhirEndpoints
{
    /// <summary>The largest body accepted: a QuestionnaireResponse is a few kilobytes.</summary>
    private const int MaxBodyBytes = 1024 * 1024;

    public static void MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir").WithTags("FHIR").AddEndpointFilter(FhirOutcomes.Filter);

        fhir.MapGet("/Questionnaire", async Task<IResult> (HttpRequest request, ClaimsPrincipal user, AgencyInstruments instruments, CancellationToken ct) =>
        {
            var catalog = await instruments.ForAgencyAsync(user.RequireActor().AgencyId, ct);
            var bundle = SearchSet(request, catalog.All.Select(i => (Resource)i.ToQuestionnaire()).ToList());
            return new FhirResult(bundle);
        }).WithSummary("The agency's instruments (built-in and imported) as a searchset Bundle of Questionnaires.");

        fhir.MapGet("/Questionnaire/{id}", async Task<IResult> (string id, ClaimsPrincipal user, AgencyInstruments instruments, CancellationToken ct) =>
        {
            var catalog = await instruments.ForAgencyAsync(user.RequireActor().AgencyId, ct);
            return catalog.Find(id) is { } instrument
                ? new FhirResult(instrument.ToQuestionnaire())
                : FhirOutcomes.Result(StatusCodes.Status404NotFound, [new FhirIssue(OperationOutcome.IssueType.NotFound, "Questionnaire.id", $"The agency has no instrument with the id \"{id}\".")]);
        }).WithSummary("One of the agency's instruments as a Questionnaire.");

        fhir.MapPost("/QuestionnaireResponse", async Task<IResult> (HttpRequest request, ClaimsPrincipal user, FhirResponses handler, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request, ct);
            var (id, resource) = await handler.CreateAsync(user.RequireActor(), body, ct);
            return new FhirResult(resource, StatusCodes.Status201Created, $"/fhir/QuestionnaireResponse/{id}");
        }).RequireAuthorization(AllianceApp.Policies.Clinician)
          .WithSummary("Stores a completed QuestionnaireResponse about a family member (subject Patient/{member id}) at a session (encounter Encounter/{session id}).");

        fhir.MapGet("/QuestionnaireResponse", async Task<IResult> (string? subject, HttpRequest request, ClaimsPrincipal user, FhirResponses handler, CancellationToken ct) =>
        {
            var found = await handler.SearchAsync(user.RequireActor(), subject, ct);
            return new FhirResult(SearchSet(request, found.Cast<Resource>().ToList()));
        }).RequireAuthorization(AllianceApp.Policies.CaseReader)
          .WithSummary("A family member's responses: subject=Patient/{member id}.");

        fhir.MapGet("/QuestionnaireResponse/{id}", async Task<IResult> (string id, ClaimsPrincipal user, FhirResponses handler, CancellationToken ct) =>
            new FhirResult(await handler.ReadAsync(user.RequireActor(), id, ct)))
          .RequireAuthorization(AllianceApp.Policies.CaseReader)
          .WithSummary("One stored QuestionnaireResponse.");
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        // A JSON media type is required: a cross-site form cannot send one without the browser asking first.
        var type = request.ContentType?.Split(';')[0].Trim() ?? "";
        if (!type.Equals("application/fhir+json", StringComparison.OrdinalIgnoreCase) && !type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            throw new FhirRefusalException(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, null,
                "Send the resource as application/fhir+json.");
        if (request.ContentLength > MaxBodyBytes)
            throw new FhirRefusalException(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooCostly, null, "The resource is larger than 1 MB.");
        using var reader = new StreamReader(request.Body);
        var text = new System.Text.StringBuilder();
        var buffer = new char[16 * 1024];
        int n;
        while ((n = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
        {
            text.Append(buffer, 0, n);
            if (text.Length > MaxBodyBytes)
                throw new FhirRefusalException(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooCostly, null, "The resource is larger than 1 MB.");
        }
        return text.ToString();
    }

    private static Bundle SearchSet(HttpRequest request, List<Resource> resources)
    {
        var root = $"{request.Scheme}://{request.Host}{request.PathBase}/fhir/";
        var bundle = new Bundle
        {
            Id = Guid.NewGuid().ToString(),
            Type = Bundle.BundleType.Searchset,
            Total = resources.Count,
            Meta = new Meta { LastUpdatedElement = Instant.Now() },
        };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}" });
        foreach (var resource in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{root}{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }
}
