using Alliance.Application;
using Alliance.Application.Boundaries;
using Alliance.Data;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Boundaries;

/// <summary>What the case page shows of boundary watch: the contact log, reporting and asking for assistance.</summary>
public sealed record CaseBoundariesModel(Guid CaseId, IReadOnlyList<ContactView> Contacts,
    IReadOnlyList<IncidentSummary> Incidents, LocalTime Time, bool CanWrite, bool CanAsk);

/// <summary>The case page's boundary section, rendered where the case page includes it; its forms post to their own pages.</summary>
public sealed class CaseBoundariesViewComponent(ContactLog contacts, IncidentWork incidents, AllianceDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid caseId, bool readOnly)
    {
        var actor = HttpContext.User.RequireActor();
        var ct = HttpContext.RequestAborted;
        var family = await db.VisibleCases(actor).AsNoTracking().SingleAsync(c => c.Id == caseId, ct);
        var agency = await db.LoadAgencyAsync(actor, ct);
        var model = new CaseBoundariesModel(caseId,
            await contacts.ListAsync(actor, caseId, ct),
            await incidents.ForCaseAsync(actor, caseId, ct),
            new LocalTime(agency.TimeZoneId),
            !readOnly && (actor.IsTherapist || actor.IsSupervisor),
            !readOnly && family.IsTherapist(actor.StaffId));
        return View("/Features/Boundaries/_CaseBoundaries.cshtml", model);
    }
}
