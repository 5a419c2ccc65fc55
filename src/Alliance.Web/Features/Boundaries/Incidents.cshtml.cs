using Alliance.Application.Boundaries;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;

namespace Alliance.Web.Features.Boundaries;

/// <summary>The incidents a person may read; for an admin, the agency's overview without what the reports say.</summary>
public sealed class IncidentsModel(IncidentWork incidents, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public IReadOnlyList<IncidentSummary> Incidents { get; private set; } = [];
    public bool Overview { get; private set; }
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Overview = Actor.IsAdmin && !Actor.IsSupervisor && !Actor.IsTherapist;
        Incidents = Overview ? await incidents.AgencyOverviewAsync(Actor, ct) : await incidents.ListAsync(Actor, ct);
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
