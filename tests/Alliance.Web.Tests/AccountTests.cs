using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Alliance.Web.Features.Admin;

namespace Alliance.Web.Tests;

[Trait("Capability", "Foundation")]
public sealed partial class AccountTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    [Fact]
    public async Task SignInCookieIsHttpOnlySecureAndStrict()
    {
        var client = app.Client();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = AllianceWebFactory.Therapist, ["Input.Password"] = AllianceWebFactory.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("alliance.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WrongPasswordAndUnknownEmailGetTheSameAnswer()
    {
        var client = app.Client();
        var wrong = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = AllianceWebFactory.Supervisor, ["Input.Password"] = "not the password" });
        var unknown = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = "nobody@harbourlight.example", ["Input.Password"] = "not the password" });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        const string message = "That email and password do not match an active account.";
        Assert.Contains(message, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(message, await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FiveFailuresLockTheAccountEvenAgainstTheRightPassword()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var email = $"lock{Guid.NewGuid():N}@harbourlight.example";
        var created = await (await admin.PostAsJsonAsync("/api/admin/staff", new CreateStaffCommand(email, "Lock Test", ["therapist"]))).Content.ReadFromJsonAsync<CreatedStaff>();
        await SetPasswordAsync(created!.SetPasswordLink, "a long enough passphrase");

        var client = app.Client();
        for (var i = 0; i < 5; i++)
            await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = "wrong guess " + i });
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = "a long enough passphrase" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("locked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetPasswordLinkWorksOnceAndRefusesAShortPassword()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var email = $"new{Guid.NewGuid():N}@harbourlight.example";
        var response = await admin.PostAsJsonAsync("/api/admin/staff", new CreateStaffCommand(email, "New Colleague", ["therapist"]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var link = (await response.Content.ReadFromJsonAsync<CreatedStaff>())!.SetPasswordLink;
        Assert.Matches("^https://localhost/account/set-password\\?token=[A-Za-z0-9_-]{43}$", link.ToString());

        var client = app.Client();
        var pathAndQuery = link.PathAndQuery;
        var tooShort = await client.PostFormAsync(pathAndQuery, new() { ["Input.Password"] = "short", ["Input.Confirm"] = "short", ["Token"] = Token(link) }, pathAndQuery);
        Assert.Equal(HttpStatusCode.OK, tooShort.StatusCode);
        Assert.Contains("at least 12 characters", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await SetPasswordAsync(link, "four calm words here");
        await app.SignedInAsync(email, "four calm words here");

        var again = await client.GetStringAsync(pathAndQuery);
        Assert.Contains("This link has been used or has expired", again, StringComparison.Ordinal);
        var altered = await client.GetStringAsync(pathAndQuery[..^2] + "AA");
        Assert.Contains("This link has been used or has expired", altered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwitchingAnAccountOffEndsItsSignIn()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var email = $"off{Guid.NewGuid():N}@harbourlight.example";
        var created = await (await admin.PostAsJsonAsync("/api/admin/staff", new CreateStaffCommand(email, "Leaving Soon", ["therapist"]))).Content.ReadFromJsonAsync<CreatedStaff>();
        await SetPasswordAsync(created!.SetPasswordLink, "a long enough passphrase");
        await app.SignedInAsync(email, "a long enough passphrase");

        var off = await admin.PatchAsJsonAsync($"/api/admin/staff/{created.Id}", new UpdateStaffCommand(null, false));
        Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);

        var again = await app.Client().PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = "a long enough passphrase" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var staff = await admin.GetFromJsonAsync<List<StaffView>>("/api/admin/staff");
        Assert.False(staff!.Single(s => s.Id == created.Id).IsActive);
    }

    [Fact]
    public async Task AdminChangesSettingsAndABadTimeZoneIsRefusedByName()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var settings = new AgencySettings("Harbourlight Family Services (demo)", "America/Chicago", [DayOfWeek.Monday, DayOfWeek.Saturday], new TimeOnly(9, 30), new TimeOnly(19, 0));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync("/api/admin/settings", settings, ApiTests.Json)).StatusCode);
        var read = await admin.GetFromJsonAsync<AgencySettings>("/api/admin/settings", ApiTests.Json);
        Assert.Equal("America/Chicago", read!.TimeZoneId);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Saturday], read.WorkingDays);
        Assert.Equal(new TimeOnly(9, 30), read.WorkdayStart);

        var bad = await admin.PutAsJsonAsync("/api/admin/settings", settings with { TimeZoneId = "Mars/Olympus" }, ApiTests.Json);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("timeZoneId", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("America/Chicago", (await admin.GetFromJsonAsync<AgencySettings>("/api/admin/settings", ApiTests.Json))!.TimeZoneId);
        // Put the demo's zone back for the other tests of this class.
        await admin.PutAsJsonAsync("/api/admin/settings", settings with { TimeZoneId = "Europe/London" }, ApiTests.Json);
    }

    private async Task SetPasswordAsync(Uri link, string password)
    {
        var response = await app.Client().PostFormAsync(link.PathAndQuery, new() { ["Input.Password"] = password, ["Input.Confirm"] = password, ["Token"] = Token(link) }, link.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    private static string Token(Uri link) => TokenPattern().Match(link.Query).Groups[1].Value;

    [GeneratedRegex("token=([^&]+)")]
    private static partial Regex TokenPattern();
}
