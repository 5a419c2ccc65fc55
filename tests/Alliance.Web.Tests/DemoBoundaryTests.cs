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

        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var overview = await supervisor.GetAsync("/supervision/boundaries");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        var page = WebUtility.HtmlDecode(await overview.Content.ReadAsStringAsync());
        Assert.Contains("Amara Quillon", page, StringComparison.Ordinal);
        Assert.Contains("Tobias Wrenfield", page, StringComparison.Ordinal);
    }
}
