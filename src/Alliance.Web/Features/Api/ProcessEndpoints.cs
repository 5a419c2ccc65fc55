using System.Security.Claims;
using Alliance.Domain;
using Alliance.Web.Features.Process;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Alliance.Web.Features.Api;

/// <summary>Where a family is in the process, through the API.</summary>
public sealed record ProcessResponse(EpisodePhase Phase, IReadOnlyList<ProcessStep> Steps, NextStep Next, IReadOnlyList<string> Reminders,
    int OrientationTextVersion, IReadOnlyList<MemberOrientationView> Members, int? ReviewDueAfter);

/// <summary>One member's orientation, through the API.</summary>
public sealed record MemberOrientationView(Guid MemberId, bool Oriented, bool NeedsRenewal, AgreementForm? Form, int? TextVersion,
    bool MeasuresConsent, bool FeedbackConsent, DateTime? At);

/// <summary>An orientation recorded through the API.</summary>
public sealed record OrientationRequest(Guid? SessionId, IReadOnlyList<string>? TopicsCovered, SecretsPolicy SecretsPolicy, string? SecretsRule,
    YoungPersonSharing YoungPersonSharing, IReadOnlyList<MemberConsentInput>? Members);

/// <summary>An override through the API.</summary>
public sealed record OverrideRequest(OverrideScope Scope, Guid? MemberId, string Reason);

/// <summary>A goal through the API.</summary>
public sealed record GoalRequest(string Text);

/// <summary>A plan through the API.</summary>
public sealed record PlanRequest(int IntervalDays, int SessionMinutes, int? Sessions);

/// <summary>A review through the API.</summary>
public sealed record ReviewRequest(IReadOnlyDictionary<Guid, int>? Progress, ReviewDecision Decision, string? Note);

/// <summary>The ending checklist through the API.</summary>
public sealed record EndingRequest(DateTimeOffset? FinalSessionAt, bool FinalMeasures, string? RelapsePlan, DateTimeOffset? FollowUpAt);

/// <summary>Closing through the API.</summary>
public sealed record CloseRequest(bool DroppedOut, string Summary);

/// <summary>The outcome recorded at closing.</summary>
public sealed record ClosedResponse(EpisodeOutcome Outcome);

/// <summary>The guided process under <c>/api/cases/{caseId}</c>: the same steps as the pages, through the same handlers.</summary>
internal static class ProcessEndpoints
{
    public static void MapProcessApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Process").RequireAuthorization(AllianceApp.Policies.Clinician);

        cases.MapGet("/{caseId:guid}/process", async Task<Ok<ProcessResponse>> (Guid caseId, ClaimsPrincipal user, GetProcess handler, CancellationToken ct) =>
        {
            var p = await handler.HandleAsync(user.RequireActor(), caseId, ct);
            var members = p.Members.Select(m => p.OrientationOf(m)).Select(o => new MemberOrientationView(o.MemberId, o.IsOriented, o.NeedsRenewal,
                o.Latest?.Form, o.Latest?.TextVersion, o.Latest?.MeasuresConsent ?? false, o.Latest?.FeedbackConsent ?? false, o.Latest?.At)).ToList();
            return TypedResults.Ok(new ProcessResponse(p.Episode.Phase, p.View.Steps, p.View.Next, p.View.Reminders, p.Text.Version, members, p.View.ReviewDueAfter));
        }).WithSummary("Where the family is in the process, the next thing to do, and each member's orientation.");

        cases.MapPost("/{caseId:guid}/orientation", async Task<NoContent> (Guid caseId, OrientationRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new RecordOrientationCommand(caseId, body.SessionId, body.TopicsCovered ?? [], body.SecretsPolicy,
                body.SecretsRule, body.YoungPersonSharing, body.Members ?? []), ct);
            return TypedResults.NoContent();
        }).WithSummary("Records the orientation: every topic covered (expectations, responsibilities, roles, confidentiality, measures), the family's agreements and each present member's agreement.");

        cases.MapPost("/{caseId:guid}/overrides", async Task<NoContent> (Guid caseId, OverrideRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new OverrideCommand(caseId, body.Scope, body.MemberId, body.Reason), ct);
            return TypedResults.NoContent();
        }).WithSummary("Goes ahead without orientation (questionnaires, or active work), with the reason recorded.");

        cases.MapPost("/{caseId:guid}/begin", async Task<NoContent> (Guid caseId, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.BeginAsync(user.RequireActor(), caseId, ct);
            return TypedResults.NoContent();
        }).WithSummary("Begins the active work.");

        cases.MapPost("/{caseId:guid}/goals", async Task<NoContent> (Guid caseId, GoalRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.AddGoalAsync(user.RequireActor(), caseId, body.Text, ct);
            return TypedResults.NoContent();
        }).WithSummary("Adds a goal in the family's words.");

        cases.MapPost("/{caseId:guid}/plan", async Task<NoContent> (Guid caseId, PlanRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new PlanCommand(caseId, body.IntervalDays, body.SessionMinutes, body.Sessions), ct);
            return TypedResults.NoContent();
        }).WithSummary("Records how often and how long sessions are meant to be.");

        cases.MapPost("/{caseId:guid}/reviews", async Task<NoContent> (Guid caseId, ReviewRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.HandleAsync(user.RequireActor(), new ReviewCommand(caseId, body.Progress ?? new Dictionary<Guid, int>(), body.Decision, body.Note), ct);
            return TypedResults.NoContent();
        }).WithSummary("Records a review: progress on every goal (0 to 10) and the decision.");

        cases.MapPost("/{caseId:guid}/ending", async Task<NoContent> (Guid caseId, EndingRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
        {
            await handler.PlanEndingAsync(user.RequireActor(), caseId,
                new EndingChecklist(body.FinalSessionAt?.UtcDateTime, body.FinalMeasures, body.RelapsePlan, body.FollowUpAt?.UtcDateTime), ct);
            return TypedResults.NoContent();
        }).WithSummary("Plans the ending with its checklist (or updates the checklist).");

        cases.MapPost("/{caseId:guid}/close", async Task<Ok<ClosedResponse>> (Guid caseId, CloseRequest body, ClaimsPrincipal user, ProcessWork handler, CancellationToken ct) =>
            TypedResults.Ok(new ClosedResponse(await handler.HandleAsync(user.RequireActor(), new CloseEpisodeCommand(caseId, body.DroppedOut, body.Summary), ct))))
            .WithSummary("Closes the episode; the outcome is read from the scores, or dropped out.");
    }
}
