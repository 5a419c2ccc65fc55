using System.Net;
using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Signals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// The agency's thresholds page: an admin changes a number with a reason (audited), the change applies to new
/// evaluations without rewriting past alerts, a value that cannot be used is refused naming its field, and nobody but
/// an admin reaches the page.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class ThresholdsTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private const string Url = "/admin/thresholds";

    /// <summary>Every field of the form at its default, with the given values over them.</summary>
    private static List<KeyValuePair<string, string>> Form(string reason, params (string Key, string Value)[] values)
    {
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var setting in RuleSettings.All)
        {
            var value = values.FirstOrDefault(v => v.Key == setting.Key).Value ?? RuleSettings.ValueOf(setting, SignalRules.Default);
            if (setting.Kind == RuleValueKind.Days)
                fields.AddRange(value.Split(' ').Select(d => new KeyValuePair<string, string>(setting.Key, d)));
            else
                fields.Add(new(setting.Key, value));
        }
        fields.Add(new("Reason", reason));
        return fields;
    }

    private Task<Agency> AgencyAsync() => app.AsOperatorAsync(sp =>
        sp.GetRequiredService<AllianceDbContext>().Agencies.AsNoTracking().SingleAsync(a => a.IsDemo));

    [Fact]
    public async Task ARuptureDropOfEightWithAReasonIsAuditedAndAppliesFromThenOnWithoutRewritingPastAlerts()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        // Before the change: 38 then 32, a drop of 6, is a rupture (5 or more).
        var before = await FeedbackFamilies.CreateAsync(tobias, ["Ash Before"], [0], [0], [0]);
        await FeedbackFamilies.ScoreAsync(app, before, (0, 0, "alliance-check", 38, "{}"), (1, 0, "alliance-check", 32, "{}"));
        var oldRupture = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, before.CaseId), a => a.Kind == "rupture");

        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync(Url));
        Assert.Contains("rupture_drop", page, StringComparison.Ordinal);
        Assert.Contains("Stiles et al. (2004)", page, StringComparison.Ordinal);
        Assert.Contains("Default: 5", page, StringComparison.Ordinal);
        var saved = await admin.PostFormAsync(Url, Form("Calibrated on our own alliance data", ("rupture_drop", "8")), Url);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var agency = await AgencyAsync();
        Assert.Equal(Score.FromPoints(8), AgencyRules.Parse(agency.SignalRulesJson).RuptureDrop);
        Assert.Equal(SignalRules.Default with { RuptureDrop = Score.FromPoints(8) }, AgencyRules.Parse(agency.SignalRulesJson) with { Instruments = SignalRules.Default.Instruments });
        var audit = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().AuditEntries.AsNoTracking()
            .Where(e => e.AgencyId == agency.Id && e.RecordType == "signal-rules").ToListAsync());
        var entry = Assert.Single(audit);
        Assert.Equal((AuditActions.Update, agency.Id.ToString()), (entry.Action, entry.RecordId));
        Assert.StartsWith("Calibrated on our own alliance data", entry.Reason, StringComparison.Ordinal);
        Assert.Contains("rupture_drop: 5 → 8", entry.Reason, StringComparison.Ordinal);
        Assert.Contains("<strong>Default: 5</strong> · changed by the agency", WebUtility.HtmlDecode(await admin.GetStringAsync(Url)), StringComparison.Ordinal);

        // A new evaluation: 38 then 32 (a drop of 6) is no longer a rupture; 32 then 24 (a drop of 8) is.
        var after = await FeedbackFamilies.CreateAsync(tobias, ["Ash After"], [0], [0], [0]);
        await FeedbackFamilies.ScoreAsync(app, after, (0, 0, "alliance-check", 38, "{}"), (1, 0, "alliance-check", 32, "{}"));
        Assert.DoesNotContain(await FeedbackFamilies.AlertsAsync(tobias, after.CaseId), a => a.Kind == "rupture");
        await FeedbackFamilies.ScoreAsync(app, after, (2, 0, "alliance-check", 24, "{}"));
        Assert.Equal([3], (await FeedbackFamilies.AlertsAsync(tobias, after.CaseId)).Where(a => a.Kind == "rupture").Select(a => a.SessionNumber));

        // The family evaluated before the change is evaluated again (a new score): its rupture stays as it was.
        await FeedbackFamilies.ScoreAsync(app, before, (2, 0, "alliance-check", 31, "{}"));
        var kept = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, before.CaseId), a => a.Kind == "rupture");
        Assert.Equal((oldRupture.Id, AlertStatus.Open, oldRupture.Message), (kept.Id, kept.Status, kept.Message));
    }

    [Theory]
    [InlineData("rupture_drop", "0", "rupture_drop: must be more than 0.")]
    [InlineData("rupture_drop", "five", "rupture_drop: enter a number of points")]
    [InlineData("overrun_count", "9", "overrun_count: must be between 1 and overrun_window.")]
    [InlineData("instruments.phq-9.cutoff", "30", "instruments.phq-9.cutoff: must be within the questionnaire's range, 0 to 27.")]
    public async Task AValueThatCannotBeUsedIsRefusedNamingItsField(string field, string value, string message)
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var before = (await AgencyAsync()).SignalRulesJson;
        var response = await admin.PostFormAsync(Url, Form("Trying a new number", (field, value)), Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, page, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved.", page, StringComparison.Ordinal);
        Assert.Equal(before, (await AgencyAsync()).SignalRulesJson);
    }

    [Fact]
    public async Task AChangeWithoutAReasonIsRefused()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var before = (await AgencyAsync()).SignalRulesJson;
        var response = await admin.PostFormAsync(Url, Form(" ", ("split_difference", "7")), Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Say why the numbers change", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await AgencyAsync()).SignalRulesJson);
    }

    [Theory]
    [InlineData(AllianceWebFactory.Therapist)]
    [InlineData(AllianceWebFactory.Supervisor)]
    public async Task OnlyAnAdminReachesTheThresholds(string email)
    {
        var client = await app.SignedInAsync(email);
        var response = await client.GetAsync(Url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/denied", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        var before = (await AgencyAsync()).SignalRulesJson;
        if (email == AllianceWebFactory.Therapist)
        {
            // A post with the therapist's own valid form token is refused too.
            var posted = await client.PostFormAsync(Url, Form("Not mine to change", ("rupture_drop", "3")), "/cases/new");
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.Contains("/account/denied", posted.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, (await AgencyAsync()).SignalRulesJson);
    }
}
