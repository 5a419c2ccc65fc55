using System.Text.Json;
using Alliance.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Errors;

/// <summary>A record that does not exist, or that the caller may not know exists: both answer 404.</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException() : base("Not found.") { }
    public NotFoundException(string message) : base(message) { }
    public NotFoundException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The one place errors leave the app: RFC 9457 problem details for the API, a friendly page for people.
/// Messages come from the domain's rules and never carry client data; anything unexpected is logged
/// by type only and answered with a generic message.
/// </summary>
internal sealed class AllianceExceptionHandler(IProblemDetailsService problems, ILogger<AllianceExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, field) = exception switch
        {
            DomainRuleException e => (StatusCodes.Status400BadRequest, e.Message, e.Field),
            NotFoundException or Alliance.Application.Boundaries.RecordNotFoundException => (StatusCodes.Status404NotFound, "Not found.", ""),
            DbUpdateConcurrencyException => (StatusCodes.Status409Conflict, "Someone else changed this record at the same time. Reload it and try again.", ""),
            BadHttpRequestException { InnerException: JsonException j } e =>
                (e.StatusCode, $"The request body could not be read at {JsonField(j)}: check the value's type and spelling.", JsonField(j)),
            BadHttpRequestException e => (e.StatusCode, "The request could not be read: " + e.Message, ""),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side. Nothing was saved.", ""),
        };
        if (status == StatusCodes.Status500InternalServerError)
            Hosting.Log.Unhandled(log, exception.GetType().FullName, LoggablePath(http));

        http.Response.StatusCode = status;
        if (!WantsJson(http))
        {
            // People get the status page: the status-code middleware re-executes /status/{code} for an empty body.
            return true;
        }
        var details = new ProblemDetails { Status = status, Title = title };
        if (!string.IsNullOrEmpty(field))
            details.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [title] };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception })
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The route's pattern rather than the path, so that neither ids nor a family member's one-time token
    /// (<c>/q/{token}</c>) reach the log.
    /// </summary>
    private static string LoggablePath(HttpContext http) =>
        (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText
        ?? (http.Request.Path.StartsWithSegments("/q", StringComparison.OrdinalIgnoreCase) ? "/q/…" : http.Request.Path.Value ?? "");

    // "$.members[0].role" becomes "members[0].role", the name the API uses for the field.
    private static string JsonField(JsonException e) =>
        string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');

    private static bool WantsJson(HttpContext http) =>
        Hosting.AllianceApp.IsMachineFacing(http.Request.Path)
        || http.Request.Headers.Accept.Any(a => a?.Contains("json", StringComparison.OrdinalIgnoreCase) == true);
}
