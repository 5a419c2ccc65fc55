using System.Security.Claims;
using Alliance.Application.Boundaries;
using Alliance.Domain;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Web.Features.Api;

/// <summary>A contact through the API: an instant with its offset, the channel word (agency-phone ... in-person-outside).</summary>
public sealed record RecordContactRequest(DateTimeOffset At, Guid? MemberId, string Channel, ContactStartedBy InitiatedBy, int? Minutes, string? Summary);

/// <summary>Boundary watch through the API: contacts, incidents, requests for assistance, yellow lights.</summary>
internal static class BoundaryEndpoints
{
    public static void MapBoundaryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Boundaries");

        api.MapGet("/cases/{caseId:guid}/contacts", async Task<Ok<IReadOnlyList<ContactView>>> (Guid caseId, ClaimsPrincipal user, ContactLog handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ListAsync(user.RequireActor(), caseId, ct)))
            .RequireAuthorization(AllianceApp.Policies.CaseReader)
            .WithSummary("The family's contacts between sessions, newest first.");
        api.MapPost("/cases/{caseId:guid}/contacts", async Task<Created<Created>> (Guid caseId, RecordContactRequest body, ClaimsPrincipal user, ContactLog handler, CancellationToken ct) =>
        {
            ContactMeans? means = ContactWords.TryParse(body.Channel, out var parsed) ? parsed : null;
            var id = await handler.RecordAsync(user.RequireActor(), new RecordContactCommand(caseId, body.MemberId, body.At.UtcDateTime, means, body.InitiatedBy, body.Minutes, body.Summary), ct);
            return TypedResults.Created($"/api/cases/{caseId}/contacts", new Created(id));
        }).RequireAuthorization(AllianceApp.Policies.Clinician)
            .WithSummary("Records a contact between sessions; the family's alerts are evaluated at once.");

        api.MapGet("/incidents", async Task<Ok<IReadOnlyList<IncidentSummary>>> (ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
        {
            var actor = user.RequireActor();
            return TypedResults.Ok(actor.IsAdmin && !actor.IsSupervisor && !actor.IsTherapist
                ? await handler.AgencyOverviewAsync(actor, ct)
                : await handler.ListAsync(actor, ct));
        }).WithSummary("Incidents you may read (for an admin: category, case, date and status of every incident, without what it says).");
        api.MapPost("/incidents", async Task<Created<Created>> (ReportIncidentCommand body, ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
        {
            var id = await handler.ReportAsync(user.RequireActor(), body, ct);
            return TypedResults.Created($"/api/incidents/{id}", new Created(id));
        }).WithSummary("Reports an incident; the responsible supervisor is told at once, the admin that it was reported.");
        api.MapGet("/incidents/{incidentId:guid}", async Task<Ok<IncidentDetails>> (Guid incidentId, ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.GetAsync(user.RequireActor(), incidentId, ct)))
            .WithSummary("One incident with everything appended to it, for its reporter and responsible supervisors.");
        api.MapPost("/incidents/{incidentId:guid}/follow-ups", async Task<NoContent> (Guid incidentId, IncidentTextCommand body, ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
        {
            await handler.AppendAsync(user.RequireActor(), incidentId, IncidentEntryKind.FollowUp, body, ct);
            return TypedResults.NoContent();
        }).WithSummary("Appends a follow-up.");
        api.MapPost("/incidents/{incidentId:guid}/corrections", async Task<NoContent> (Guid incidentId, IncidentTextCommand body, ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
        {
            await handler.AppendAsync(user.RequireActor(), incidentId, IncidentEntryKind.Correction, body, ct);
            return TypedResults.NoContent();
        }).WithSummary("Appends a correction; what was written before stays.");
        api.MapPost("/incidents/{incidentId:guid}/response", async Task<NoContent> (Guid incidentId, IncidentTextCommand body, ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
        {
            await handler.RespondAsync(user.RequireActor(), incidentId, body, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(AllianceApp.Policies.Supervisor).WithSummary("The responsible supervisor records their response.");
        api.MapPost("/incidents/{incidentId:guid}/close", async Task<NoContent> (Guid incidentId, IncidentTextCommand body, ClaimsPrincipal user, IncidentWork handler, CancellationToken ct) =>
        {
            await handler.CloseAsync(user.RequireActor(), incidentId, body, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(AllianceApp.Policies.Supervisor).WithSummary("The responsible supervisor closes the incident.");

        api.MapGet("/assistance", async Task<Ok<IReadOnlyList<AssistanceView>>> (ClaimsPrincipal user, AssistanceWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.MineAsync(user.RequireActor(), ct)))
            .RequireAuthorization(AllianceApp.Policies.Clinician)
            .WithSummary("Your requests for assistance and their answers.");
        api.MapPost("/assistance", async Task<Created<Created>> (AskForAssistanceCommand body, ClaimsPrincipal user, AssistanceWork handler, CancellationToken ct) =>
        {
            var id = await handler.AskAsync(user.RequireActor(), body, ct);
            return TypedResults.Created("/api/assistance", new Created(id));
        }).RequireAuthorization(AllianceApp.Policies.Clinician)
            .WithSummary("Asks your supervisor about a family (caseId) or about yourself (no caseId).");
        api.MapGet("/supervision/assistance", async Task<Ok<IReadOnlyList<AssistanceView>>> (ClaimsPrincipal user, AssistanceWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ForSupervisorAsync(user.RequireActor(), ct)))
            .RequireAuthorization(AllianceApp.Policies.Supervisor)
            .WithSummary("Your supervisees' requests for assistance, unanswered first.");
        api.MapPost("/supervision/assistance/{requestId:guid}/answer", async Task<NoContent> (Guid requestId, AnswerAssistanceCommand body, ClaimsPrincipal user, AssistanceWork handler, CancellationToken ct) =>
        {
            await handler.AnswerAsync(user.RequireActor(), requestId, body, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(AllianceApp.Policies.Supervisor).WithSummary("Answers a supervisee's request for assistance.");

        api.MapGet("/intake/fields", async Task<Ok<IReadOnlyList<ReferralFieldView>>> (ClaimsPrincipal user, IntakeWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.FieldsAsync(user.RequireActor(), ct)))
            .RequireAuthorization(AllianceApp.Policies.Clinician)
            .WithSummary("The referral attributes the agency records with each intake decision, with their values.");
        api.MapGet("/intake", async Task<Ok<IReadOnlyList<IntakeView>>> (ClaimsPrincipal user, IntakeWork handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.MineAsync(user.RequireActor(), ct)))
            .RequireAuthorization(AllianceApp.Policies.Clinician)
            .WithSummary("Your own intake decisions, newest first.");
        api.MapPost("/intake", async Task<Created<Created>> (RecordIntakeCommand body, ClaimsPrincipal user, IntakeWork handler, CancellationToken ct) =>
        {
            var id = await handler.RecordAsync(user.RequireActor(), body, ct);
            return TypedResults.Created("/api/intake", new Created(id));
        }).RequireAuthorization(AllianceApp.Policies.Clinician)
            .WithSummary("Records your decision on a referral offered to you (accepted, declined or transferred), with the reason and a value for every attribute.");

        api.MapGet("/me/yellow-lights", async Task<Ok<IReadOnlyList<YellowLight>>> (ClaimsPrincipal user, YellowLights handler, CancellationToken ct) =>
        {
            var actor = user.RequireActor();
            return TypedResults.Ok(await handler.ForTherapistAsync(actor.AgencyId, actor.StaffId, forSupervisor: false, ct));
        }).RequireAuthorization(AllianceApp.Policies.Clinician).WithSummary("Your own yellow lights, with evidence and what to consider.");
        api.MapGet("/supervision/yellow-lights", async Task<Ok<IReadOnlyList<SuperviseeLights>>> (ClaimsPrincipal user, YellowLights handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.BySuperviseeAsync(user.RequireActor(), 6, ct)))
            .RequireAuthorization(AllianceApp.Policies.Supervisor).WithSummary("Your supervisees' yellow lights by month over the last six months.");
    }
}
