using System.Security.Claims;
using Alliance.Domain;
using Alliance.Web.Features.Admin;
using Alliance.Web.Features.Caseload;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Sessions;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Web.Features.Api;

/// <summary>Scheduling a session through the API: an instant with its offset.</summary>
public sealed record ScheduleSessionRequest(DateTimeOffset ScheduledStart, int ScheduledMinutes);

/// <summary>Recording a held session through the API.</summary>
public sealed record RecordSessionRequest(DateTimeOffset ActualStart, DateTimeOffset ActualEnd, IReadOnlyList<Guid>? AttendeeIds, Modality Modality, string? Notes);

/// <summary>Marking a session cancelled or missed.</summary>
public sealed record CloseSessionRequest(string? Reason);

/// <summary>A member added through the API.</summary>
public sealed record AddMemberRequest(string DisplayName, FamilyRole Role, int? BirthYear);

/// <summary>A phase change through the API.</summary>
public sealed record ChangePhaseRequest(EpisodePhase Phase, string Reason);

/// <summary>A reason, for reopening.</summary>
public sealed record ReasonRequest(string Reason);

/// <summary>A transfer through the API.</summary>
public sealed record TransferRequest(Guid TherapistId, string Reason);

/// <summary>The id of something created.</summary>
public sealed record Created(Guid Id);

/// <summary>
/// The JSON API under <c>/api</c>: the same operations as the pages, through the same handlers.
/// Every endpoint requires a signed-in staff member (the fallback policy); admin endpoints the admin policy.
/// </summary>
internal static class ApiEndpoints
{
    public static void MapAllianceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Alliance");

        api.MapGet("/caseload", async Task<Ok<CaseloadView>> (Guid? therapistId, bool? includeClosed, ClaimsPrincipal user, GetCaseload handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.HandleAsync(user.RequireActor(), new CaseloadQuery(therapistId, includeClosed ?? false), ct)))
            .WithSummary("A caseload: your own, or a supervisee's.");

        api.MapGet("/cases/{caseId:guid}", async Task<Ok<CaseDetails>> (Guid caseId, ClaimsPrincipal user, GetCase handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.HandleAsync(user.RequireActor(), caseId, ct)))
            .RequireAuthorization(AllianceApp.Policies.CaseReader)
            .WithSummary("A case with its members, episode and sessions.");

        var cases = api.MapGroup("/cases").RequireAuthorization(AllianceApp.Policies.Clinician);
        cases.MapPost("/", async Task<Created<Created>> (CreateCaseCommand body, ClaimsPrincipal user, CreateCase handler, CancellationToken ct) =>
        {
            var id = await handler.HandleAsync(user.RequireActor(), body, ct);
            return TypedResults.Created($"/api/cases/{id}", new Created(id));
        }).WithSummary("Opens a case at referral, with its members.");

        cases.MapPost("/{caseId:guid}/members", async Task<Created<Created>> (Guid caseId, AddMemberRequest body, ClaimsPrincipal user, ChangeCase handler, CancellationToken ct) =>
        {
            var id = await handler.HandleAsync(user.RequireActor(), new AddMemberCommand(caseId, body.DisplayName, body.Role, body.BirthYear), ct);
            return TypedResults.Created($"/api/cases/{caseId}", new Created(id));
        }).WithSummary("Adds a member to the family.");
        cases.MapPost("/{caseId:guid}/phase", async Task<NoContent> (Guid caseId, ChangePhaseRequest body, ClaimsPrincipal user, ChangeCase handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new ChangePhaseCommand(caseId, body.Phase, body.Reason), ct);
            return TypedResults.NoContent();
        }).WithSummary("Moves the current episode forward to a later phase.");
        cases.MapPost("/{caseId:guid}/reopen", async Task<Created<Created>> (Guid caseId, ReasonRequest body, ClaimsPrincipal user, ChangeCase handler, CancellationToken ct) =>
        {
            var id = await handler.HandleAsync(user.RequireActor(), new ReopenCaseCommand(caseId, body.Reason), ct);
            return TypedResults.Created($"/api/cases/{caseId}", new Created(id));
        }).WithSummary("Starts a new episode of a closed case.");
        cases.MapPost("/{caseId:guid}/transfer", async Task<NoContent> (Guid caseId, TransferRequest body, ClaimsPrincipal user, ChangeCase handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new TransferCaseCommand(caseId, body.TherapistId, body.Reason), ct);
            return TypedResults.NoContent();
        }).WithSummary("Moves the case to another therapist (the supervisor of its therapist).");
        cases.MapPost("/{caseId:guid}/sessions", async Task<Created<Created>> (Guid caseId, ScheduleSessionRequest body, ClaimsPrincipal user, SessionWork handler, CancellationToken ct) =>
        {
            var id = await handler.HandleAsync(user.RequireActor(), new ScheduleSessionCommand(caseId, body.ScheduledStart.UtcDateTime, body.ScheduledMinutes), ct);
            return TypedResults.Created($"/api/cases/{caseId}", new Created(id));
        }).WithSummary("Schedules a session in the current episode.");

        var sessions = api.MapGroup("/sessions").RequireAuthorization(AllianceApp.Policies.Clinician);
        sessions.MapPost("/{sessionId:guid}/held", async Task<NoContent> (Guid sessionId, RecordSessionRequest body, ClaimsPrincipal user, SessionWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new RecordSessionCommand(sessionId, body.ActualStart.UtcDateTime, body.ActualEnd.UtcDateTime, body.AttendeeIds, body.Modality, body.Notes), ct);
            return TypedResults.NoContent();
        }).WithSummary("Records a session as held: times, attendees, modality, notes.");
        sessions.MapPost("/{sessionId:guid}/cancel", async Task<NoContent> (Guid sessionId, CloseSessionRequest? body, ClaimsPrincipal user, SessionWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new CloseSessionCommand(sessionId, SessionStatus.Cancelled, body?.Reason), ct);
            return TypedResults.NoContent();
        }).WithSummary("Marks a planned session cancelled.");
        sessions.MapPost("/{sessionId:guid}/no-show", async Task<NoContent> (Guid sessionId, CloseSessionRequest? body, ClaimsPrincipal user, SessionWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new CloseSessionCommand(sessionId, SessionStatus.NoShow, body?.Reason), ct);
            return TypedResults.NoContent();
        }).WithSummary("Marks a planned session as missed.");

        api.MapGet("/notifications", async Task<Ok<IReadOnlyList<Inbox.NotificationView>>> (ClaimsPrincipal user, Inbox.Notifications handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ListAsync(user.RequireActor(), ct)))
            .WithSummary("Your inbox.");
        api.MapGet("/audit", async Task<Ok<IReadOnlyList<Audit.AuditLine>>> (Guid caseId, ClaimsPrincipal user, Audit.AuditSearch handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ForCaseAsync(user.RequireActor(), caseId, ct)))
            .RequireAuthorization(AllianceApp.Policies.AuditReader)
            .WithSummary("Who read or changed a family's record (supervisors and admins).");

        var admin = api.MapGroup("/admin").RequireAuthorization(AllianceApp.Policies.Admin);
        admin.MapPost("/break-glass", async Task<Ok<BreakGlassResult>> (BreakGlassCommand body, ClaimsPrincipal user, BreakGlass handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.GrantAsync(user.RequireActor(), body, ct)))
            .WithSummary("Opens one case's record to the admin for an hour, for a stated reason; audited, and the supervisor is told.");
        admin.MapGet("/staff", async Task<Ok<IReadOnlyList<StaffView>>> (ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ListStaffAsync(user.RequireActor(), ct)));
        admin.MapPost("/staff", async Task<Created<CreatedStaff>> (CreateStaffCommand body, HttpRequest request, ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
        {
            var created = await handler.CreateStaffAsync(user.RequireActor(), body, BaseAddress(request), ct);
            return TypedResults.Created($"/api/admin/staff/{created.Id}", created);
        }).WithSummary("Creates a staff account; the answer carries a one-time set-password link.");
        admin.MapPatch("/staff/{staffId:guid}", async Task<NoContent> (Guid staffId, UpdateStaffCommand body, ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
        {
            await handler.UpdateStaffAsync(user.RequireActor(), staffId, body, ct);
            return TypedResults.NoContent();
        }).WithSummary("Changes roles, or switches the account off or on.");
        admin.MapGet("/supervision", async Task<Ok<IReadOnlyList<SupervisionView>>> (ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.ListSupervisionAsync(user.RequireActor(), ct)));
        admin.MapPost("/supervision", async Task<Created<Created>> (AddSupervisionCommand body, ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
        {
            var id = await handler.AddSupervisionAsync(user.RequireActor(), body, ct);
            return TypedResults.Created($"/api/admin/supervision/{id}", new Created(id));
        });
        admin.MapDelete("/supervision/{lineId:guid}", async Task<NoContent> (Guid lineId, ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
        {
            await handler.EndSupervisionAsync(user.RequireActor(), lineId, ct);
            return TypedResults.NoContent();
        }).WithSummary("Ends a supervision line; its history stays.");
        admin.MapGet("/settings", async Task<Ok<AgencySettings>> (ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
            TypedResults.Ok(await handler.GetSettingsAsync(user.RequireActor(), ct)));
        admin.MapPut("/settings", async Task<NoContent> (AgencySettings body, ClaimsPrincipal user, AgencyAdministration handler, CancellationToken ct) =>
        {
            await handler.UpdateSettingsAsync(user.RequireActor(), body, ct);
            return TypedResults.NoContent();
        }).WithSummary("Name, time zone, working days and hours.");
    }

    internal static Uri BaseAddress(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");
}
