using Alliance.Application.Feedback;
using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;

namespace Alliance.Web.Features.Consistency;

/// <summary>A therapist's own feedback consistency: how often, over the last 90 days, measures were taken and discussed.</summary>
[Authorize(Policy = AllianceApp.Policies.Clinician)]
public sealed class MyFeedbackModel(FeedbackConsistencyReport report) : AlliancePage
{
    public FeedbackConsistency Consistency { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => Consistency = await report.ForTherapistAsync(Actor.StaffId, ct);
}
