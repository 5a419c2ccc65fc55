using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Alliance.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

[Trait("Capability", "Foundation")]
public sealed partial class PageTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    [Fact]
    public async Task CaseloadShowsFamiliesMembersPhaseAndSessions()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var html = await client.GetStringAsync("/");
        Assert.Contains("Your caseload", html, StringComparison.Ordinal);
        Assert.Contains("Maya Applewhite, Owen Applewhite, Lily Applewhite", html, StringComparison.Ordinal);
        Assert.Contains("phase-Active", html, StringComparison.Ordinal);
        // The closed family is hidden until asked for.
        Assert.DoesNotContain("Greywood family", html, StringComparison.Ordinal);
        Assert.Contains("Greywood family", await client.GetStringAsync("/?closed=true"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALongEpisodeListsItsLatestSessionsAndAllWhenAsked()
    {
        // Amara's families in the demo have met weekly for months (one of them fourteen times).
        var client = await app.SignedInAsync("amara@harbourlight.example");
        var home = await client.GetStringAsync("/");
        Features.Cases.CaseDetails? family = null;
        foreach (var id in Regex.Matches(home, "href=\"/cases/([0-9a-f-]{36})\"").Select(m => Guid.Parse(m.Groups[1].Value)).Distinct())
        {
            var read = (await client.GetFromJsonAsync<Features.Cases.CaseDetails>($"/api/cases/{id}", ApiTests.Json))!;
            if (read.Episode.Sessions.Count(s => s.Status != Domain.SessionStatus.Scheduled) > Features.Cases.DetailsModel.LatestSessions) family = read;
        }
        Assert.NotNull(family);
        var sessions = family.Episode.Sessions;
        var closedOrHeld = sessions.Where(s => s.Status != Domain.SessionStatus.Scheduled).OrderBy(s => s.Number).ToList();

        var page = await client.GetStringAsync($"/cases/{family.Id}");
        Assert.Contains($"Show all {sessions.Count} sessions", page, StringComparison.Ordinal);
        // Held and booked sessions carry their links: the latest twelve held or closed are listed, the earlier ones not.
        var latest = closedOrHeld.TakeLast(Features.Cases.DetailsModel.LatestSessions).ToList();
        Assert.All(latest.Where(s => s.Status == Domain.SessionStatus.Held), s => Assert.Contains($"/sessions/{s.Id}/", page, StringComparison.Ordinal));
        Assert.All(closedOrHeld.Except(latest).Where(s => s.Status == Domain.SessionStatus.Held), s => Assert.DoesNotContain($"/sessions/{s.Id}/", page, StringComparison.Ordinal));
        Assert.All(sessions.Where(s => s.Status == Domain.SessionStatus.Scheduled), s => Assert.Contains($"/sessions/{s.Id}/", page, StringComparison.Ordinal));

        var all = await client.GetStringAsync($"/cases/{family.Id}?sessions=all");
        Assert.DoesNotContain("Show all", all, StringComparison.Ordinal);
        Assert.All(closedOrHeld.Where(s => s.Status == Domain.SessionStatus.Held), s => Assert.Contains($"/sessions/{s.Id}/", all, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFormWithABrokenRuleShowsTheMessageBesideTheFieldAndKeepsTheInput()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.PostFormAsync("/cases/new", new()
        {
            ["Input.Name"] = "   ",
            ["Input.Members[0].DisplayName"] = "Kept Name",
            ["Input.Members[0].Role"] = "Parent",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches(FieldError("Input.Name", "Give the family a name of 1 to 120 characters."), html);
        Assert.Contains("value=\"Kept Name\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadBirthYearIsShownBesideItsMemberRow()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.PostFormAsync("/cases/new", new()
        {
            ["Input.Name"] = "Rowan family",
            ["Input.Members[0].DisplayName"] = "",
            ["Input.Members[1].DisplayName"] = "Ivy Rowan",
            ["Input.Members[1].Role"] = "Child",
            ["Input.Members[1].BirthYear"] = "3000",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches(FieldError("Input.Members[1].BirthYear", "Birth year must be between 1900 and"), html);
        var exists = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Cases.AnyAsync(c => c.Name == "Rowan family"));
        Assert.False(exists);
    }

    [Fact]
    public async Task CreatingACaseThroughTheFormOpensItsPage()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.PostFormAsync("/cases/new", new()
        {
            ["Input.Name"] = "Sorrel family",
            ["Input.Members[0].DisplayName"] = "June Sorrel",
            ["Input.Members[0].Role"] = "Parent",
            ["Input.Members[0].BirthYear"] = "1980",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.GetStringAsync(response.Headers.Location!.ToString());
        Assert.Contains("Sorrel family", page, StringComparison.Ordinal);
        Assert.Contains("June Sorrel", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordingASessionEndingBeforeItStartsIsRefusedBesideTheEnd()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var sessionId = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var tobias = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
            return await db.Sessions.Where(s => s.TherapistId == tobias && s.Status == Domain.SessionStatus.Scheduled).Select(s => s.Id).FirstAsync();
        });
        var url = $"/sessions/{sessionId}/record";
        var form = await client.GetStringAsync(url);
        var member = MemberCheckbox().Match(form).Groups[1].Value;

        var response = await client.PostFormAsync(url, [
            new("Input.ActualStart", "2025-03-04T10:00"),
            new("Input.ActualEnd", "2025-03-04T09:30"),
            new("Input.Attendees", member),
            new("Input.Modality", "InPerson"),
        ], url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(FieldError("Input.ActualEnd", "The session must end after it starts."), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFormPostWithoutItsTokenIsRefused()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.PostAsync("/cases/new", new FormUrlEncodedContent([new("Input.Name", "Forged family")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var exists = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Cases.AnyAsync(c => c.Name == "Forged family"));
        Assert.False(exists);
    }

    [Fact]
    public async Task HealthAnswersWithoutSignIn()
    {
        var response = await app.Client().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheApi()
    {
        var doc = await app.Client().GetStringAsync("/openapi/v1.json");
        foreach (var path in new[] { "/api/caseload", "/api/cases", "/api/cases/{caseId}", "/api/cases/{caseId}/sessions", "/api/sessions/{sessionId}/held", "/api/admin/staff", "/api/admin/settings" })
            Assert.Contains($"\"{path}\"", doc, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagesCarrySecurityHeaders()
    {
        var response = await app.Client().GetAsync("/account/sign-in");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        // HSTS is never sent for localhost; ask as a real host name would.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Host = "alliance.example";
        Assert.Contains("max-age", (await app.Client().SendAsync(request)).Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownPageIsAFriendly404()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.GetAsync($"/cases/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not part of your caseload", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Regex FieldError(string field, string message) =>
        new($"data-valmsg-for=\"{Regex.Escape(field)}\"[^>]*>{Regex.Escape(message)}");

    [GeneratedRegex("name=\"Input.Attendees\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex MemberCheckbox();
}
