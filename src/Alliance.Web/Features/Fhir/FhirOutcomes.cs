using System.Text.Json;
using Alliance.Domain;
using Alliance.Web.Errors;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Fhir;

/// <summary>One issue of an OperationOutcome: what kind, which element (a FHIRPath), and the sentence.</summary>
public sealed record FhirIssue(OperationOutcome.IssueType Code, string? Expression, string Text);

/// <summary>A request the FHIR endpoints refuse, with its status and every issue; written as an OperationOutcome.</summary>
public sealed class FhirRefusalException : Exception
{
    public FhirRefusalException() : this(StatusCodes.Status400BadRequest, []) { }
    public FhirRefusalException(string message) : this(StatusCodes.Status400BadRequest, [new FhirIssue(OperationOutcome.IssueType.Invalid, null, message)]) { }
    public FhirRefusalException(string message, Exception inner) : base(message, inner) => Issues = [];

    public FhirRefusalException(int status, IReadOnlyList<FhirIssue> issues) : base(issues.Count > 0 ? issues[0].Text : "The request was refused.")
    {
        Status = status;
        Issues = issues;
    }

    public FhirRefusalException(int status, OperationOutcome.IssueType code, string? expression, string text) : this(status, [new FhirIssue(code, expression, text)]) { }

    public int Status { get; } = StatusCodes.Status400BadRequest;
    public IReadOnlyList<FhirIssue> Issues { get; }
}

/// <summary>A FHIR resource written as <c>application/fhir+json</c>, with its status and, for a created one, its Location.</summary>
internal sealed class FhirResult(Resource resource, int status = StatusCodes.Status200OK, string? location = null) : IResult
{
    public const string ContentType = "application/fhir+json; charset=utf-8";

    public Resource Resource => resource;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = ContentType;
        if (location is not null) httpContext.Response.Headers.Location = location;
        await httpContext.Response.WriteAsync(resource.ToJson(), httpContext.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>
/// Every error of the FHIR endpoints leaves as an OperationOutcome: refusals and broken rules from the handlers (an
/// endpoint filter), and answers without a body from earlier in the pipeline, such as 401 before sign-in or 404 for
/// an unknown path (a middleware added at the start of the pipeline).
/// </summary>
internal static partial class FhirOutcomes
{
    public static OperationOutcome Outcome(IEnumerable<FhirIssue> issues)
    {
        var outcome = new OperationOutcome();
        foreach (var issue in issues)
        {
            var component = new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = issue.Code,
                Details = new CodeableConcept { Text = issue.Text },
            };
            if (issue.Expression is { Length: > 0 } expression) component.Expression = [expression];
            outcome.Issue.Add(component);
        }
        if (outcome.Issue.Count == 0)
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Invalid, Details = new CodeableConcept { Text = "The request was refused." } });
        return outcome;
    }

    public static FhirResult Result(int status, IEnumerable<FhirIssue> issues) => new(Outcome(issues), status);

    /// <summary>Turns what a FHIR handler throws into an OperationOutcome; anything unexpected is logged by type only.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (FhirRefusalException e)
        {
            return Result(e.Status, e.Issues);
        }
        catch (NotFoundException)
        {
            return Result(StatusCodes.Status404NotFound, [new FhirIssue(OperationOutcome.IssueType.NotFound, null, "Not found.")]);
        }
        catch (DomainRuleException e)
        {
            return Result(StatusCodes.Status422UnprocessableEntity, [new FhirIssue(OperationOutcome.IssueType.BusinessRule, e.Field, e.Message)]);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Result(StatusCodes.Status409Conflict, [new FhirIssue(OperationOutcome.IssueType.Conflict, null, "Someone else changed this record at the same time. Try again.")]);
        }
        catch (BadHttpRequestException e)
        {
            return Result(e.StatusCode, [new FhirIssue(OperationOutcome.IssueType.Invalid, null, "The request could not be read: " + e.Message)]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var log = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Alliance.Fhir");
            Unhandled(log, e.GetType().FullName ?? "exception", context.HttpContext.Request.Path.Value ?? "");
            return Result(StatusCodes.Status500InternalServerError, [new FhirIssue(OperationOutcome.IssueType.Exception, null, "Something went wrong on our side. Nothing was saved.")]);
        }
    }

    [LoggerMessage(EventId = 4100, Level = LogLevel.Error, Message = "Unhandled {Type} on FHIR endpoint {Path}")]
    private static partial void Unhandled(ILogger logger, string type, string path);

    /// <summary>Writes an OperationOutcome for an error answered without a body on a FHIR path.</summary>
    public static async Task WriteEmptyErrorsAsync(HttpContext http, Func<Task> next)
    {
        await next().ConfigureAwait(false);
        var response = http.Response;
        if (response.StatusCode < 400 || response.HasStarted || response.ContentLength > 0 || !string.IsNullOrEmpty(response.ContentType)) return;
        var (code, text) = response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => (OperationOutcome.IssueType.Login, "Sign in first."),
            StatusCodes.Status403Forbidden => (OperationOutcome.IssueType.Forbidden, "Your role does not allow this."),
            StatusCodes.Status404NotFound => (OperationOutcome.IssueType.NotFound, "Not found."),
            StatusCodes.Status405MethodNotAllowed => (OperationOutcome.IssueType.NotSupported, "This method is not supported here."),
            _ => (OperationOutcome.IssueType.Invalid, "The request was refused."),
        };
        await new FhirResult(Outcome([new FhirIssue(code, null, text)]), response.StatusCode).ExecuteAsync(http).ConfigureAwait(false);
    }

    /// <summary>The element a Measures answer error names, as a FHIRPath on the QuestionnaireResponse.</summary>
    public static string Expression(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var bare = field.Split(" (line ", 2)[0];
        if (bare.StartsWith("QuestionnaireResponse", StringComparison.Ordinal) || bare == "JSON") return bare;
        return bare switch
        {
            "questionnaire" or "status" or "authored" or "subject" or "encounter" or "author" or "item" => $"QuestionnaireResponse.{bare}",
            "rater" => $"QuestionnaireResponse.extension.where(url='{Alliance.Measures.ExtensionUrls.ResponseRater}')",
            "score" => $"QuestionnaireResponse.extension.where(url='{Alliance.Measures.ExtensionUrls.Score}')",
            _ when bare.StartsWith("item[", StringComparison.Ordinal) => $"QuestionnaireResponse.{bare}",
            // A linkId, or linkId[member] for an item rated per member.
            _ => $"QuestionnaireResponse.descendants().where(linkId='{bare.Split('[')[0].Replace("'", "\\'", StringComparison.Ordinal)}')",
        };
    }

    /// <summary>Reads a resource of the given type, reporting every parse problem with its element.</summary>
    public static T Parse<T>(string json) where T : Resource
    {
        Resource? resource;
        try
        {
            resource = new FhirJsonDeserializer().DeserializeResource(json);
        }
        catch (DeserializationFailedException e)
        {
            throw new FhirRefusalException(StatusCodes.Status400BadRequest, e.Exceptions
                .Select(x => new FhirIssue(OperationOutcome.IssueType.Structure, ParsePath(x.Message), x.Message)).ToList());
        }
        catch (JsonException e)
        {
            throw new FhirRefusalException(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure, null, $"The body is not JSON: {e.Message}");
        }
        catch (Exception e) when (e is InvalidOperationException or IndexOutOfRangeException or ArgumentException or FormatException or OverflowException or InvalidCastException)
        {
            // Firely's parser throws these on some malformed bodies (an object where a string belongs, an invalid UTF-16
            // escape, a member with an empty name): the body cannot be read, which is the sender's to fix.
            throw new FhirRefusalException(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure, null,
                e is IndexOutOfRangeException or InvalidCastException
                    ? "The body cannot be read as FHIR JSON: a member name or value is malformed."
                    : $"The body cannot be read as FHIR JSON: {e.Message}");
        }
        return resource as T ?? throw new FhirRefusalException(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Structure, "resourceType",
            $"Expected a {typeof(T).Name}, found {resource?.TypeName ?? "no resource"}.");
    }

    // Firely's messages end "At QuestionnaireResponse.item[0].foo, line 1, position 93."
    private static string? ParsePath(string message)
    {
        var at = message.LastIndexOf(" At ", StringComparison.Ordinal);
        if (at < 0) return null;
        var path = message[(at + 4)..].Split(',')[0].TrimEnd('.');
        return path.Length > 0 ? path : null;
    }
}

/// <summary>Adds the FHIR error writer at the start of the pipeline, so it sees answers the authorization middleware gives.</summary>
internal sealed class FhirOutcomeStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase),
            branch => branch.Use((ctx, nextMiddleware) => FhirOutcomes.WriteEmptyErrorsAsync(ctx, () => nextMiddleware(ctx))));
        next(app);
    };
}
