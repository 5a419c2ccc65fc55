using Alliance.Application.Boundaries;
using Alliance.Application.Measures;
using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Questionnaires;

/// <summary>
/// "Tell us if something made you uncomfortable": a family member reports an incident through their questionnaire link,
/// without an account. The link must be one that exists and has not expired; it may already be answered, because
/// something may be worth telling after the questions are done (docs/decisions/0007-boundary-watch.md). The page shows nothing of the family or
/// its record and reads nothing back: the report goes to the supervisor, and about the therapist it never reaches the
/// therapist. Unknown tokens count towards the same limit as the questionnaire page's look-ups.
/// </summary>
[AllowAnonymous]
public sealed class UncomfortableModel(QuestionnaireLinks links, IncidentWork incidents, LinkLookupLimiter limiter, AllianceDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>Reports one link may send in a day: enough for anything real, few enough that the inbox stays usable.</summary>
    public const int DailyReports = 5;

    /// <summary>What the page shows.</summary>
    public enum Views { Unknown, TooManyTries, Expired, Form, Thanks, Enough }

    [FromRoute] public string Token { get; set; } = "";
    public Views View { get; private set; }
    [BindProperty] public IncidentCategory? Category { get; set; }
    [BindProperty] public string? Narrative { get; set; }
    [BindProperty] public bool AboutSomeoneElse { get; set; }
    public string? CategoryError { get; private set; }
    public string? NarrativeError { get; private set; }
    public IReadOnlyList<string> CrisisLines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await ResolveAsync(ct) is not null) View = Views.Form;
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await ResolveAsync(ct) is not { } link) return Answer();
        var since = Now.AddDays(-1);
        if (await db.Incidents.CountAsync(i => i.ReportedByMemberId == link.MemberId && i.ReportedAt > since, ct) >= DailyReports)
        {
            View = Views.Enough;
            return Answer();
        }
        View = Views.Form;
        if (Category is not { } category || !Enum.IsDefined(category)) CategoryError = "Please choose what it was about.";
        if (string.IsNullOrWhiteSpace(Narrative)) NarrativeError = "Please tell us what happened, in your own words.";
        else if (Narrative.Trim().Length > Incident.TextMax) NarrativeError = "Please keep it to 4,000 characters.";
        if (CategoryError is not null || NarrativeError is not null) return Answer();
        try
        {
            await incidents.ReportByFamilyAsync(link, Category!.Value, Narrative!, AboutSomeoneElse, ct);
        }
        catch (DomainRuleException e)
        {
            NarrativeError = e.Message;
            return Answer();
        }
        var agency = await db.AgencyAsync(link.AgencyId, ct);
        CrisisLines = CrisisContacts.For(agency);
        View = Views.Thanks;
        Narrative = null;
        return Answer();
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task<QuestionnaireLink?> ResolveAsync(CancellationToken ct)
    {
        var link = await links.FindAsync(Token, ct);
        if (link is null)
        {
            View = limiter.Fail(HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown") ? Views.TooManyTries : Views.Unknown;
            return null;
        }
        HttpContext.RequestServices.GetRequiredService<HttpTenantContext>()
            .ActFor(new FixedTenant(link.AgencyId, false, new AuditActor(AuditActorKind.Family, link.MemberId, "family member", HttpContext.Connection.RemoteIpAddress?.ToString())));
        if (Now >= link.ExpiresAt)
        {
            View = Views.Expired;
            return null;
        }
        return link;
    }

    private PageResult Answer()
    {
        Features.Shared.NoStore.Apply(Response);
        Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        Response.StatusCode = View switch
        {
            Views.Unknown => StatusCodes.Status404NotFound,
            Views.TooManyTries or Views.Enough => StatusCodes.Status429TooManyRequests,
            Views.Expired => StatusCodes.Status410Gone,
            Views.Form when CategoryError is not null || NarrativeError is not null => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}
