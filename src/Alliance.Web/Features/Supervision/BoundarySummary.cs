using Alliance.Application.Boundaries;
using Alliance.Domain;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Supervision;

/// <summary>What waits for the supervisor in boundary watch: open incidents and unanswered requests for assistance.</summary>
public sealed record BoundarySummaryModel(int OpenIncidents, int WaitingRequests);

/// <summary>The line on the supervision overview that leads to the boundaries page, with what waits there.</summary>
public sealed class BoundarySummaryViewComponent(IncidentWork incidents, AssistanceWork assistance) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var actor = HttpContext.User.RequireActor();
        var ct = HttpContext.RequestAborted;
        var open = (await incidents.ListAsync(actor, ct)).Count(i => i.Status == IncidentStatus.Open);
        var waiting = (await assistance.ForSupervisorAsync(actor, ct)).Count(r => r.AnsweredAt is null);
        return View("/Features/Supervision/_BoundarySummary.cshtml", new BoundarySummaryModel(open, waiting));
    }
}
