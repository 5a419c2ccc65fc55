using System.Net;

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
}
