using Alliance.Application.Boundaries;
using Alliance.Web.Features.Shared;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Boundaries;

/// <summary>What the case page shows of boundary watch: the contact log, reporting and asking for assistance.</summary>
public sealed record CaseBoundariesModel(Guid CaseId, IReadOnlyList<ContactView> Contacts,
    IReadOnlyList<IncidentSummary> Incidents, LocalTime Time, bool CanWrite, bool CanAsk);

/// <summary>The case page's boundary section, rendered where the case page includes it; its forms post to their own pages.</summary>
public sealed class CaseBoundariesViewComponent(ContactLog contacts, IncidentWork incidents) : ViewComponent
{
    /// <param name="family">The family as the case page read it, through the care relationship, with its members.</param>
    /// <param name="agency">Its agency.</param>
    /// <param name="readOnly">True when the page is read through break-the-glass.</param>
    public async Task<IViewComponentResult> InvokeAsync(Domain.Case family, Domain.Agency agency, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(agency);
        var actor = HttpContext.User.RequireActor();
        var ct = HttpContext.RequestAborted;
        var model = new CaseBoundariesModel(family.Id,
            await contacts.ListAsync(family, ct),
            await incidents.ForCaseAsync(actor, family.Id, ct),
            new LocalTime(agency.TimeZoneId),
            !readOnly && (actor.IsTherapist || actor.IsSupervisor),
            !readOnly && family.IsTherapist(actor.StaffId));
        return View("/Features/Boundaries/_CaseBoundaries.cshtml", model);
    }
}
