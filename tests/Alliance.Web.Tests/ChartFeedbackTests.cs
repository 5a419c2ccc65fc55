using System.Net.Http.Json;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Alerts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// The case page's charts carry the feedback: the scores behind an open alert are ringed on the member's chart, and the
/// agency's expected trajectory is drawn as a band behind the outcome line once the agency has enough closed episodes
/// (the demo's 220 past episodes).
/// </summary>
[Trait("Capability", "Signals")]
public sealed class ChartFeedbackTests : IDisposable
{
    private readonly AllianceWebFactory _base = new();
    private readonly WebApplicationFactory<Program> _app;

    public ChartFeedbackTests() =>
        _app = _base.WithWebHostBuilder(b => b.UseSetting("Demo:HistoricalEpisodes", "220"));

    [Fact]
    public async Task OpenAlertEvidenceIsRingedAndTheExpectedRangeIsDrawn()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var signIn = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = AllianceWebFactory.Therapist, ["Input.Password"] = AllianceWebFactory.Password });
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("alliance.auth=", StringComparison.Ordinal)).Split(';')[0];
        client.DefaultRequestHeaders.Add("Cookie", cookie);

        Guid caseId;
        using (var scope = _app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<Security.HttpTenantContext>().ActFor(FixedTenant.Operator);
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            // The shared demo family, active, with outcome scores from session 1.
            caseId = await db.Cases.Where(c => c.CoTherapistId != null).Select(c => c.Id).SingleAsync();
        }

        var alerts = await client.GetFromJsonAsync<List<AlertView>>($"/api/cases/{caseId}/alerts", ApiTests.Json);
        var open = alerts!.Where(a => a.MemberId != null && a.Instrument != null && a.Status is AlertStatus.Open or AlertStatus.Acknowledged).ToList();
        Assert.NotEmpty(open);

        var page = await client.GetStringAsync($"/cases/{caseId}");
        Assert.Contains("class=\"evidence\"", page, StringComparison.Ordinal);
        Assert.Contains("<g class=\"expected\">", page, StringComparison.Ordinal);
        Assert.Contains("expected range", page, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _app.Dispose();
        _base.Dispose();
    }
}
