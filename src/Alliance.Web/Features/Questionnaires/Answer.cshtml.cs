using Alliance.Application.Measures;
using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Questionnaires;

/// <summary>
/// A family member's questionnaire link, opened on their own phone without an account: one questionnaire a page, in
/// the order the therapist chose, then a thank-you. The token in the path is the only key; once it has found its link
/// the request acts for that link's agency as that family member, and reads only that link's session and member.
/// </summary>
[AllowAnonymous]
public sealed class AnswerModel(
    QuestionnaireLinks links, RecordResponse recorder, AgencyInstruments instruments, LinkLookupLimiter limiter,
    AllianceDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>What the page shows.</summary>
    public enum Views { Unknown, TooManyTries, Used, Expired, Question, Crisis, Thanks }

    private sealed record Resolved(QuestionnaireLink Link, Session Session, InstrumentCatalog Catalog, IReadOnlyList<string> Remaining);

    [FromRoute] public string Token { get; set; } = "";
    public Views View { get; private set; }
    public QuestionnaireForm? Form { get; private set; }
    public string MemberName { get; private set; } = "";
    public int Step { get; private set; }
    public int Steps { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Children { get; private set; } = [];
    public string? About { get; private set; }
    public string? AboutError { get; private set; }
    public IReadOnlyList<string> CrisisLines { get; private set; } = [];
    public bool MoreToAnswer { get; private set; }

    /// <summary>True when the questionnaire is answered by a caregiver about a child of the family.</summary>
    public bool AboutAChild => Form is { } f && InstrumentChoices.FamilyRater(f.Instrument) == RaterRole.Caregiver;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await ResolveAsync(ct) is not { } r) return Answer();
        if (r.Remaining.Count == 0)
        {
            // Everything was answered but the link was left open (an interrupted request): close it now.
            r.Link.Complete(Now);
            await db.SaveChangesAsync(ct);
            View = Views.Thanks;
            return Answer();
        }
        Show(r, new QuestionnaireForm(r.Catalog.Get(r.Remaining[0]), forFamily: true));
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(string? instrument, string? about, CancellationToken ct)
    {
        if (await ResolveAsync(ct) is not { } r) return Answer();
        // A form sent twice, or from an older tab: show whatever comes next instead.
        if (r.Remaining.Count == 0 || r.Remaining[0] != instrument) return Redirect(QuestionnaireLinks.PathPrefix + Token);

        var form = QuestionnaireForm.Read(r.Catalog.Get(instrument), Request.Form, forFamily: true);
        Show(r, form);
        var memberId = r.Link.MemberId;
        if (AboutAChild)
        {
            About = about;
            if (Guid.TryParse(about, out var child) && Children.Any(c => c.Id == child)) memberId = child;
            else AboutError = "Please choose who these answers are about.";
        }
        if (!form.HasErrors) form.AddErrors(AnswerValidator.Validate(form.Instrument, form.Answers, AnswerEntry.Online));
        if (form.HasErrors || AboutError is not null) return Answer();

        var last = r.Remaining.Count == 1;
        if (last) r.Link.Complete(Now);
        var rater = InstrumentChoices.FamilyRater(form.Instrument);
        var result = await recorder.HandleAsync(new AnswersSubmitted(r.Session, memberId, form.Instrument, rater, form.Answers, AnswerEntry.Online, ResponseSource.Link)
        {
            AuthorMemberId = rater == RaterRole.Caregiver ? r.Link.MemberId : null,
        }, ct);
        if (!result.Succeeded)
        {
            form.AddErrors(result.Errors);
            return Answer();
        }
        if (result.Score!.RiskFlags.Count > 0)
        {
            var agency = await db.AgencyAsync(r.Link.AgencyId, ct);
            CrisisLines = CrisisContacts.For(agency);
            MoreToAnswer = !last;
            View = Views.Crisis;
            return Answer();
        }
        if (!last) return Redirect(QuestionnaireLinks.PathPrefix + Token);
        View = Views.Thanks;
        return Answer();
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private void Show(Resolved r, QuestionnaireForm form)
    {
        View = Views.Question;
        Form = form;
        Steps = r.Link.InstrumentIds.Count;
        Step = Steps - r.Remaining.Count + 1;
        var family = r.Session.Episode.Case;
        MemberName = family.Members.FirstOrDefault(m => m.Id == r.Link.MemberId)?.DisplayName ?? "";
        if (AboutAChild)
        {
            var year = r.Session.StartsAt.Year;
            var attending = r.Session.Attendees.Select(a => a.MemberId).ToHashSet();
            Children = family.Members
                .Where(m => m.IsChildIn(year) && m.Id != r.Link.MemberId && (attending.Count == 0 || attending.Contains(m.Id)))
                .OrderBy(m => m.Position).Select(m => (m.Id, m.DisplayName)).ToList();
        }
    }

    /// <summary>Finds the link and checks it can still be used; otherwise sets the friendly view that says what to do.</summary>
    /// <summary>A session with its attendees and its family's members (compiled once: every family form asks).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, CancellationToken, Task<Session?>>> SessionWithFamily =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid sessionId, CancellationToken ct) => db.Sessions
            .Include(s => s.Attendees)
            .Include(s => s.Episode).ThenInclude(e => e.Case).ThenInclude(c => c.Members)
            // One statement: a session's attendees times its family's members is a handful of rows.
            .AsSingleQuery()
            .SingleOrDefault(s => s.Id == sessionId)));

    private async Task<Resolved?> ResolveAsync(CancellationToken ct)
    {
        var link = await links.FindAsync(Token, ct);
        if (link is null)
        {
            View = limiter.Fail(HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown") ? Views.TooManyTries : Views.Unknown;
            return null;
        }
        var address = HttpContext.Connection.RemoteIpAddress?.ToString();
        HttpContext.RequestServices.GetRequiredService<HttpTenantContext>()
            .ActFor(new FixedTenant(link.AgencyId, false, new AuditActor(AuditActorKind.Family, link.MemberId, "family member", address)));
        if (link.CompletedAt is not null)
        {
            View = Views.Used;
            return null;
        }
        var session = await SessionWithFamily.For(db)(db, link.SessionId, ct);
        if (!link.IsUsable(Now) || session is null || session.Status is SessionStatus.Cancelled or SessionStatus.NoShow)
        {
            View = Views.Expired;
            return null;
        }
        var catalog = await instruments.ForAgencyAsync(link.AgencyId, ct);
        // A questionnaire the agency no longer has is skipped rather than blocking the rest.
        var remaining = (await links.RemainingAsync(link, ct)).Where(id => catalog.Find(id) is not null).ToList();
        return new Resolved(link, session, catalog, remaining);
    }

    private PageResult Answer()
    {
        // The page and its address carry a key: never cache or index it.
        Features.Shared.NoStore.Apply(Response);
        Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
        Response.StatusCode = View switch
        {
            Views.Unknown => StatusCodes.Status404NotFound,
            Views.TooManyTries => StatusCodes.Status429TooManyRequests,
            Views.Used or Views.Expired => StatusCodes.Status410Gone,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}
