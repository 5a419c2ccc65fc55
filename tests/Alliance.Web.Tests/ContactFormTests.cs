using System.Globalization;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Tests;

/// <summary>The form that records a contact between sessions proposes the time of the app's clock, in the agency's time.</summary>
[Trait("Capability", "Boundaries")]
public sealed class ContactFormTests(MeasuresApp app) : IClassFixture<MeasuresApp>
{
    [Fact]
    public async Task TheContactFormProposesNowByTheAppsClockInTheAgencysTime()
    {
        // Three days ahead of the machine's clock: a form that read the machine's clock would propose another day.
        app.Clock.Advance(TimeSpan.FromDays(3));
        var (caseId, zone) = await app.AsOperatorAsync(async db =>
        {
            var tobias = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
            var family = await db.Cases.Where(c => c.PrimaryTherapistId == tobias).Select(c => new { c.Id, c.AgencyId }).FirstAsync();
            var agency = await db.Agencies.Where(a => a.Id == family.AgencyId).Select(a => a.TimeZoneId).SingleAsync();
            return (family.Id, TimeZoneInfo.FindSystemTimeZoneById(agency));
        });
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);

        string Local(DateTimeOffset utc) => TimeZoneInfo.ConvertTimeFromUtc(utc.UtcDateTime, zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        var before = Local(app.Clock.GetUtcNow());
        var page = await therapist.GetStringAsync($"/cases/{caseId}/contacts");
        var after = Local(app.Clock.GetUtcNow());

        var proposed = System.Text.RegularExpressions.Regex.Match(page, "id=\"Input_At\" name=\"Input.At\" type=\"datetime-local\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains(proposed, new[] { before, after });
        Assert.NotEqual(Local(DateTimeOffset.UtcNow), proposed);
    }
}
