using Alliance.Application.Boundaries;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace Alliance.Web.Features.Boundaries;

/// <summary>The therapist's own page: their yellow lights, the self-check, asking for assistance and reporting.</summary>
[Authorize(Policy = AllianceApp.Policies.Clinician)]
public sealed class IndexModel(YellowLights lights, SelfCheckWork selfChecks, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public IReadOnlyList<YellowLight> Lights { get; private set; } = [];
    public bool SelfCheckDone { get; private set; }
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Lights = await lights.ForTherapistAsync(Actor.AgencyId, Actor.StaffId, forSupervisor: false, ct);
        SelfCheckDone = (await selfChecks.FormAsync(Actor, ct)).Done;
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
