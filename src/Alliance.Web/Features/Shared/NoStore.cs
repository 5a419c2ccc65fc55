namespace Alliance.Web.Features.Shared;

/// <summary>Answers that must never be kept in a cache (pages carrying a key, links shown once).</summary>
public static class NoStore
{
    /// <summary>
    /// Marks the response as not to be stored, with the same headers antiforgery sets on a page with a form, so a form page
    /// keeps them as they are (antiforgery otherwise rewrites them and logs a warning for every such page).
    /// </summary>
    public static void Apply(Microsoft.AspNetCore.Http.HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
    }
}
