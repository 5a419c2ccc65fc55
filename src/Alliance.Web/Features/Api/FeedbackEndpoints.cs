using System.Security.Claims;
using Alliance.Application.Feedback;
using Alliance.Web.Features.Responses;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Web.Features.Api;

/// <summary>Withdrawing a response with a reason, and the signed-in therapist's feedback consistency.</summary>
internal static class FeedbackEndpoints
{
    public static void MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Feedback").RequireAuthorization(AllianceApp.Policies.Clinician);
        api.MapPost("/responses/{responseId:guid}/withdraw", async Task<Ok<FeedbackChanges>> (Guid responseId, WithdrawResponseRequest? body, ClaimsPrincipal user, ResponseWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.WithdrawAsync(user.RequireActor(), responseId, body?.Reason, ct)))
            .WithSummary("Withdraws a score entered in error, with the reason; the family's alerts are evaluated again in the same save.");
        api.MapGet("/me/feedback-consistency", async Task<Ok<FeedbackConsistency>> (ClaimsPrincipal user, FeedbackConsistencyReport report, CancellationToken ct) =>
            TypedResults.Ok(await report.ForTherapistAsync(user.RequireActor().StaffId, ct)))
            .WithSummary("Your share of held sessions in the last 90 days where measures were taken and the feedback was discussed.");
    }
}
