using System.Net;
using System.Net.Http.Json;

namespace Alliance.Web.Tests;

/// <summary>The demo agency shows the boundary watch at work from the first sign-in.</summary>
[Trait("Capability", "Boundaries")]
public sealed class DemoBoundaryTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    [Fact]
    public async Task TheDemoShowsAPersonalChannelContactARequestAndItsAnswer()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var own = await tobias.GetAsync("/boundaries");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var lights = WebUtility.HtmlDecode(await own.Content.ReadAsStringAsync());
        Assert.Contains("Applewhite family", lights, StringComparison.Ordinal);
        Assert.Contains("Contact on a personal channel", lights, StringComparison.Ordinal);
        // Out of hours once, judged by the agency's own days and hours.
        Assert.Equal(1, lights.Split("<strong>Contact out of hours</strong>").Length - 1 + lights.Split("<strong>Contact outside the agency's hours</strong>").Length - 1);

        // The self-check sets the observers' ratings of the therapist's empathy beside the therapist's own.
        var selfCheck = WebUtility.HtmlDecode(await tobias.GetStringAsync("/self-check"));
        Assert.Contains("What observers noticed", selfCheck, StringComparison.Ordinal);
        Assert.Matches(@"observer \d+(\.\d)? \(Dr Imogen Farrowdale\)", selfCheck);

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var overview = await supervisor.GetAsync("/supervision/boundaries");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        var page = WebUtility.HtmlDecode(await overview.Content.ReadAsStringAsync());
        Assert.Contains("Amara Quillon", page, StringComparison.Ordinal);
        Assert.Contains("Tobias Wrenfield", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAdminSetsTheTimeNumbersTheRegionAndTheAgencysOwnContacts()
    {
        await using var own = new AllianceWebFactory();
        var admin = await own.SignedInAsync(AllianceWebFactory.Admin);
        Dictionary<string, string> Form(string longerCount, string contacts) => new()
        {
            ["Input.SelfCheckTimes"] = "2", ["Input.SelfCheckWindow"] = "3", ["Input.MinimumDecisions"] = "20", ["Input.MinimumExpected"] = "5",
            ["Input.Alpha"] = "0.05", ["Input.HoursShareRatio"] = "2", ["Input.PhoneRegion"] = "GB", ["Input.OfficialContacts"] = contacts,
            ["Input.Time.FrequencyWindowDays"] = "28", ["Input.Time.ExtraSessionsTolerance"] = "1", ["Input.Time.PlannedNumberTolerance"] = "0",
            ["Input.Time.LongerMinutes"] = "25", ["Input.Time.LongerCount"] = longerCount, ["Input.Time.LongerWindow"] = "5",
            ["Input.Time.ShareWindowDays"] = "90", ["Input.Time.ShareMinimum"] = "0.15", ["Input.Time.ShareMinFamilies"] = "5",
        };

        var refused = await admin.PostFormAsync("/admin/boundaries", Form("9", "0117 496 0000"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("The number of longer sessions must be between 1 and the number looked at.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var unreadable = await admin.PostFormAsync("/admin/boundaries", Form("3", "0117 496 0000\nthe front desk"));
        Assert.Contains("Line 2 reads as no phone number", WebUtility.HtmlDecode(await unreadable.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/admin/boundaries", Form("3", "0117 496 0000\nhello@harbourlight.example"))).StatusCode);
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/admin/boundaries"));
        Assert.Contains("name=\"Input.Time.LongerMinutes\" type=\"number\" step=\"any\" value=\"25\"", page, StringComparison.Ordinal);
        Assert.Contains("hello@harbourlight.example", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntakeDecisionsThroughTheApiNeedAValueForEveryAttribute()
    {
        await using var own = new AllianceWebFactory();
        var admin = await own.SignedInAsync(AllianceWebFactory.Admin);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/admin/boundaries?handler=Field",
            new Dictionary<string, string> { ["name"] = "Neighbourhood band", ["values"] = "A\nB\nC" }, "/admin/boundaries")).StatusCode);
        var jonah = await own.SignedInAsync("jonah@harbourlight.example");

        var fields = await jonah.GetFromJsonAsync<List<Alliance.Application.Boundaries.ReferralFieldView>>("/api/intake/fields", ApiTests.Json);
        var band = Assert.Single(fields!);
        Assert.Equal(["A", "B", "C"], band.Values);
        var missing = await jonah.PostAsJsonAsync("/api/intake", new { referral = "R-7", outcome = "Declined", reason = "No evening slots", values = new Dictionary<Guid, string>() }, ApiTests.Json);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("Choose a value for Neighbourhood band.", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var recorded = await jonah.PostAsJsonAsync("/api/intake", new { referral = "R-7", outcome = "Declined", reason = "No evening slots", values = new Dictionary<Guid, string> { [band.Id] = "B" } }, ApiTests.Json);
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);

        var mine = await jonah.GetFromJsonAsync<List<Alliance.Application.Boundaries.IntakeView>>("/api/intake", ApiTests.Json);
        var decision = Assert.Single(mine!);
        Assert.Equal(("R-7", Alliance.Domain.IntakeOutcome.Declined, "B"), (decision.Referral, decision.Outcome, decision.Values["Neighbourhood band"]));
        // Another therapist does not see Jonah's decisions.
        var tobias = await own.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Empty((await tobias.GetFromJsonAsync<List<Alliance.Application.Boundaries.IntakeView>>("/api/intake", ApiTests.Json))!);
    }
}
