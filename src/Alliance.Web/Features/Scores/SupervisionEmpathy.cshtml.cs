using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Scores;

/// <summary>A supervisee's empathy observations, for their supervisor; anyone else's is not found.</summary>
[Authorize(Policy = AllianceApp.Policies.Supervisor)]
public sealed class SupervisionEmpathyModel(EmpathyScores empathy) : AlliancePage
{
    [FromRoute] public Guid StaffId { get; set; }
    public EmpathyView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => View = await empathy.HandleAsync(Actor, StaffId, ct);
}
