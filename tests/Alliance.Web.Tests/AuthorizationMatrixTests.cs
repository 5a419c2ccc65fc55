using System.Net;
using System.Text.RegularExpressions;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Alliance.Web.Tests;

/// <summary>
/// The authorization matrix: every endpoint the app maps (read from its endpoint data source, so a new one is
/// covered by itself) is called as anonymous, as each role, as the case's therapist and co-therapist, as a therapist
/// of the same agency who is unrelated to the case, and as a therapist of another agency. Each answer must match the
/// policy: sign in first, then the role, then the care relationship (404, never 403, for a case that is not yours).
/// </summary>
[Trait("Capability", "Confidentiality")]
public sealed partial class AuthorizationMatrixTests(AllianceWebFactory app, ITestOutputHelper output) : IClassFixture<AllianceWebFactory>
{
    private sealed record Caller(string Name, string? Email, string? Password, string[] Roles, bool InCare);

    private static readonly Dictionary<string, string[]> PolicyRoles = new(StringComparer.Ordinal)
    {
        [AllianceApp.Policies.Admin] = [StaffRoles.Admin],
        [AllianceApp.Policies.Supervisor] = [StaffRoles.Supervisor],
        [AllianceApp.Policies.Clinician] = [StaffRoles.Therapist, StaffRoles.Supervisor],
        [AllianceApp.Policies.CaseReader] = [StaffRoles.Therapist, StaffRoles.Supervisor, StaffRoles.Admin],
        [AllianceApp.Policies.AuditReader] = [StaffRoles.Supervisor, StaffRoles.Admin],
    };

    [Fact]
    public async Task EveryEndpointAnswersEveryCallerAsThePolicySays()
    {
        var (caseId, sessionId, staffId, lineId, alertId, responseId, incidentId, requestId) = await FixturesAsync();
        var outsider = await app.CreateOtherAgencyTherapistAsync();
        Caller[] callers =
        [
            new("anonymous", null, null, [], false),
            new("therapist of the case", AllianceWebFactory.Therapist, AllianceWebFactory.Password, [StaffRoles.Therapist], true),
            new("co-therapist of the case", AllianceWebFactory.OtherTherapist, AllianceWebFactory.Password, [StaffRoles.Therapist], true),
            new("supervisor of the therapist", AllianceWebFactory.Supervisor, AllianceWebFactory.Password, [StaffRoles.Supervisor], true),
            new("admin", AllianceWebFactory.Admin, AllianceWebFactory.Password, [StaffRoles.Admin], false),
            new("unrelated therapist of the agency", "jonah@harbourlight.example", AllianceWebFactory.Password, [StaffRoles.Therapist], false),
            new("therapist of another agency", outsider, "elsewhere-password-1", [StaffRoles.Therapist], false),
        ];

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var failures = new List<string>();
        var cells = 0;
        foreach (var caller in callers)
        {
            var client = caller.Email is null ? app.Client() : await app.SignedInAsync(caller.Email, caller.Password!);
            foreach (var endpoint in endpoints)
            {
                var route = endpoint.RoutePattern.RawText!.Trim('/');
                var isApi = route.StartsWith("api", StringComparison.Ordinal);
                var isPage = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>() is not null
                    || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor>() is not null;
                // Page forms post with an antiforgery token and run the same handlers as their GET; the GET is the cell.
                var methods = isPage ? ["GET"] : endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
                var path = "/" + Fill(route, caseId, sessionId, staffId, lineId, alertId, responseId, incidentId, requestId) + (route == "api/audit" ? $"?caseId={caseId}" : "");
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var roles = RolesFor(endpoint);
                var caseScoped = CaseScoped().IsMatch(route);
                foreach (var method in methods)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), path);
                    if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                    var response = await client.SendAsync(request);
                    var got = Describe(response);
                    var expected = anonymous ? "allowed"
                        : caller.Email is null ? "sign in"
                        : roles is not null && !roles.Intersect(caller.Roles).Any() ? "refused"
                        : caseScoped && !caller.InCare ? "not found"
                        : "allowed";
                    cells++;
                    if ((int)response.StatusCode >= 500 || !Matches(expected, got, caseScoped, anonymous))
                        failures.Add($"{method} {path} as {caller.Name}: expected {expected}, got {got} ({(int)response.StatusCode})");
                }
            }
        }
        output.WriteLine($"Authorization matrix: {endpoints.Count} endpoints x {callers.Length} callers = {cells} cells checked, {failures.Count} wrong.");
        Assert.True(cells > 200, $"only {cells} cells");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// Whether the answer fits. Open pages answer with their own content (the status page its code, the denied page
    /// 403, the second sign-in step a return to sign-in without a first step), so any answer but a server error fits.
    /// Past authorization, an endpoint that names no case in its route may still answer 404 for an id in its body.
    /// </summary>
    private static bool Matches(string expected, string got, bool caseScoped, bool anonymous) =>
        anonymous || got == expected || (expected == "allowed" && got == "not found" && !caseScoped);

    private static string Describe(HttpResponseMessage r)
    {
        var location = r.Headers.Location?.ToString() ?? "";
        if (r.StatusCode == HttpStatusCode.Unauthorized || (r.StatusCode == HttpStatusCode.Redirect && location.Contains("/account/sign-in", StringComparison.Ordinal)))
            return "sign in";
        if (r.StatusCode == HttpStatusCode.Forbidden || (r.StatusCode == HttpStatusCode.Redirect && location.Contains("/account/denied", StringComparison.Ordinal)))
            return "refused";
        if (r.StatusCode == HttpStatusCode.NotFound) return "not found";
        return "allowed";
    }

    /// <summary>The roles the endpoint's policies allow, or null when any signed-in person passes (the fallback policy).</summary>
    private static string[]? RolesFor(RouteEndpoint endpoint)
    {
        string[]? roles = null;
        foreach (var data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            if (data.Policy is { } policy)
            {
                Assert.True(PolicyRoles.TryGetValue(policy, out var allowed), $"policy {policy} is not in the matrix");
                roles = roles is null ? allowed : roles.Intersect(allowed!).ToArray();
            }
            if (data.Roles is { } r)
                roles = roles is null ? r.Split(',') : roles.Intersect(r.Split(',')).ToArray();
        }
        return roles;
    }

    private async Task<(Guid Case, Guid Session, Guid Staff, Guid Line, Guid Alert, Guid Response, Guid Incident, Guid Request)> FixturesAsync() => await app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        // The shared family: Tobias is its therapist, Amara co-therapist, Imogen supervises Tobias.
        var shared = await db.Cases.Include(c => c.Members).Include(c => c.Episodes).ThenInclude(e => e.Sessions).SingleAsync(c => c.CoTherapistId != null);
        var session = shared.Episodes.SelectMany(e => e.Sessions).First(s => s.Status == SessionStatus.Held);
        var agency = shared.AgencyId;
        // A throwaway account and supervision line, so that the admin's calls change nothing the matrix relies on.
        var spare = await sp.GetRequiredService<StaffAccounts>().CreateAsync(agency, new NewStaff($"spare{Guid.NewGuid():N}@harbourlight.example", "Spare Therapist", [StaffRoles.Therapist]));
        var supervisor = await db.Users.Where(u => u.Email == AllianceWebFactory.Supervisor).Select(u => u.Id).SingleAsync();
        var line = new SupervisionLine(agency, supervisor, spare.Id, DateTime.UtcNow);
        db.SupervisionLines.Add(line);
        // An alert on the shared family, for the alert routes.
        var alert = new Alert(agency, shared.Id, null, session.Id, session.Number, "feedback-gap", "low", null, "[]",
            "Feedback was not discussed.", "Review the scores with the family next time.", "matrix|" + Guid.NewGuid(), DateTime.UtcNow);
        db.Alerts.Add(alert);
        // A response on the shared family, for the response routes (the matrix posts no reason, so it is never withdrawn).
        var response = new Response(session, shared.Members[0].Id, "alliance-check", RaterRole.Client, null, 38, null, false, "{}", ResponseSource.Paper, DateTime.UtcNow);
        db.Responses.Add(response);
        // An incident on the shared family reported by the supervisor about nobody on the staff, and a request for
        // assistance from Tobias, for the boundary routes (their ids are not case-scoped: a caller who may not read them
        // is answered 404, which the matrix accepts past authorization).
        var tobias = shared.PrimaryTherapistId;
        var incident = Incident.ReportByStaff(agency, shared, null, IncidentCategory.OtherUnacceptableBehaviour, "Matrix report.", supervisor, DateTime.UtcNow);
        db.Incidents.Add(incident);
        var request = new AssistanceRequest(agency, tobias, shared.Id, "Matrix request.", DateTime.UtcNow);
        db.AssistanceRequests.Add(request);
        await db.SaveChangesAsync();
        return (shared.Id, session.Id, spare.Id, line.Id, alert.Id, response.Id, incident.Id, request.Id);
    });

    private static string Fill(string route, Guid caseId, Guid sessionId, Guid staffId, Guid lineId, Guid alertId, Guid responseId, Guid incidentId, Guid requestId) => Parameter().Replace(route, m =>
        (m.Groups[1].Value, route) switch
        {
            ("caseId", _) => caseId.ToString(),
            ("sessionId", _) => sessionId.ToString(),
            ("staffId", _) => staffId.ToString(),
            ("lineId", _) => lineId.ToString(),
            ("alertId", _) => alertId.ToString(),
            ("responseId", _) => responseId.ToString(),
            ("incidentId", _) => incidentId.ToString(),
            ("requestId", _) => requestId.ToString(),
            ("id", var r) when r.StartsWith("sessions", StringComparison.Ordinal) => sessionId.ToString(),
            ("id", var r) when r.StartsWith("cases", StringComparison.Ordinal) => caseId.ToString(),
            ("code", _) => "404",
            ("documentName", _) => "v1",
            _ => "x",
        });

    [GeneratedRegex("{([^}:?]+)[^}]*}")]
    private static partial Regex Parameter();

    /// <summary>Routes that name one case, one of its sessions, alerts or responses.</summary>
    [GeneratedRegex("({caseId|{sessionId|{alertId|{responseId|^cases/{id|^sessions/{id)")]
    private static partial Regex CaseScoped();
}
