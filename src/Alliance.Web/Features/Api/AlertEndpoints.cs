using System.Security.Claims;
using Alliance.Web.Features.Alerts;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Web.Features.Api;

/// <summary>Alerts through the API: a case's alerts, acknowledging and resolving, and the supervisor's open list.</summary>
internal static class AlertEndpoints
{
    public static void MapAlertApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Alerts");
        api.MapGet("/cases/{caseId:guid}/alerts", async Task<Ok<IReadOnlyList<AlertView>>> (Guid caseId, ClaimsPrincipal user, AlertWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ForCaseAsync(user.RequireActor(), caseId, ct)))
            .RequireAuthorization(AllianceApp.Policies.CaseReader)
            .WithSummary("The case's alerts with their evidence, active ones first.");
        api.MapPost("/alerts/{alertId:guid}/acknowledge", async Task<NoContent> (Guid alertId, ClaimsPrincipal user, AlertWork handler, CancellationToken ct) =>
        {
            await handler.AcknowledgeAsync(user.RequireActor(), alertId, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(AllianceApp.Policies.Clinician).WithSummary("The therapist has seen the alert and is acting on it.");
        api.MapPost("/alerts/{alertId:guid}/resolve", async Task<NoContent> (Guid alertId, ResolveAlertRequest body, ClaimsPrincipal user, AlertWork handler, CancellationToken ct) =>
        {
            await handler.ResolveAsync(user.RequireActor(), alertId, body.Note, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(AllianceApp.Policies.Clinician).WithSummary("Closes the alert with a note of what was done.");
        api.MapGet("/supervision/alerts", async Task<Ok<IReadOnlyList<AlertView>>> (ClaimsPrincipal user, AlertWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.OpenForSupervisorAsync(user.RequireActor(), ct)))
            .RequireAuthorization(AllianceApp.Policies.Supervisor)
            .WithSummary("Open alerts across your supervisees, oldest first.");
    }
}
