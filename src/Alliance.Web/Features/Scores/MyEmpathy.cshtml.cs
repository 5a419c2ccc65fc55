using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace Alliance.Web.Features.Scores;

/// <summary>A therapist's own empathy observations over time, self and observer side by side.</summary>
[Authorize(Policy = AllianceApp.Policies.Clinician)]
public sealed class MyEmpathyModel(EmpathyScores empathy) : AlliancePage
{
    public EmpathyView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = await empathy.HandleAsync(Actor, Actor.StaffId, ct);
}
