using System.Security.Claims;
using Alliance.Web.Features.Sessions;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Web.Features.Api;

/// <summary>The JSON the session's questionnaire page polls to show who has answered.</summary>
internal static class MeasuresEndpoints
{
    public static void MapMeasuresApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/sessions").WithTags("Measures").RequireAuthorization(AllianceApp.Policies.Clinician);
        sessions.MapGet("/{sessionId:guid}/measures", async Task<Ok<SessionMeasuresView>> (Guid sessionId, HttpResponse response, ClaimsPrincipal user, GetSessionMeasures handler, CancellationToken ct) =>
        {
            var view = await handler.HandleAsync(user.RequireActor(), sessionId, ct);
            Features.Shared.NoStore.Apply(response);
            return TypedResults.Ok(view);
        }).WithSummary("Who has answered a session's questionnaires, with their scores (scores only, never the answers).");
    }
}
