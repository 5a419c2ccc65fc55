using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Alliance.Web.Errors;

/// <summary>
/// Refuses an API request whose content type names a charset no encoding answers to (<c>application/json;
/// charset=nonsense</c>) with 415 and a ProblemDetails. Reading such a body throws an exception the endpoints do not
/// expect, which would otherwise answer 500 for what is the sender's mistake.
/// </summary>
internal static class RequestCharset
{
    public static async Task RefuseUnknownAsync(HttpContext http, Func<Task> next)
    {
        if (MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) && type.Charset is { Length: > 0 } charset && !IsKnown(charset.ToString()))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Title = "The request names a character set that is not known: send JSON as application/json; charset=utf-8.",
                },
            }).ConfigureAwait(false);
            return;
        }
        await next().ConfigureAwait(false);
    }

    private static bool IsKnown(string charset)
    {
        try
        {
            Encoding.GetEncoding(charset.Trim('"'));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
