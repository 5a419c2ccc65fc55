using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Alliance.Application.Agencies;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Account;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alliance.Web.Tests;

/// <summary>
/// Strong sign-in: the password rules, two-factor sign-in with an authenticator app (codes computed here from
/// the shared key, as a phone would), the two-factor requirement for admins outside the demo agency, sign-out
/// everywhere and the idle timeout. The app checks security stamps on every request here (StampCheckSeconds 0).
/// </summary>
[Trait("Capability", "Confidentiality")]
public sealed partial class SignInSecurityTests(SignInSecurityTests.App app) : IClassFixture<SignInSecurityTests.App>
{
    private const string GoodPassword = "lantern quietly crosses the harbour";

    /// <summary>The real app on its own database, with stamp checks on every request.</summary>
    public sealed class App : IDisposable
    {
        private readonly AllianceWebFactory _root = new();

        public App() => Factory = _root.WithWebHostBuilder(b => b.UseSetting("Security:StampCheckSeconds", "0"));

        public WebApplicationFactory<Program> Factory { get; }

        public HttpClient Client() => NewClient(Factory);

        public async Task<T> AsOperatorAsync<T>(Func<IServiceProvider, Task<T>> work)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
            return await work(scope.ServiceProvider);
        }

        /// <summary>A new staff member with a password, in the demo agency or in a new, real one.</summary>
        public async Task<string> CreateStaffAsync(string role, bool inRealAgency = false, string password = GoodPassword, string? email = null, string name = "Sam Testperson")
        {
            email ??= $"s{Guid.NewGuid():N}@family.example";
            await AsOperatorAsync(async sp =>
            {
                var agencyId = inRealAgency
                    ? (await sp.GetRequiredService<CreateAgency>().HandleAsync(new CreateAgencyCommand(
                        "Riverside Family Practice", $"a{Guid.NewGuid():N}@riverside.example", "First Admin", "Europe/London", new Uri("https://localhost/")))).AgencyId
                    : await sp.GetRequiredService<AllianceDbContext>().Agencies.Where(a => a.IsDemo).Select(a => a.Id).SingleAsync();
                return await sp.GetRequiredService<StaffAccounts>().CreateAsync(agencyId, new NewStaff(email, name, [role]), password);
            });
            return email;
        }

        /// <summary>A new demo-agency therapist without a password, and the path of their set-password link.</summary>
        public Task<string> CreateWithLinkAsync(string email, string name) => AsOperatorAsync(async sp =>
        {
            var agencyId = await sp.GetRequiredService<AllianceDbContext>().Agencies.Where(a => a.IsDemo).Select(a => a.Id).SingleAsync();
            var accounts = sp.GetRequiredService<StaffAccounts>();
            var user = await accounts.CreateAsync(agencyId, new NewStaff(email, name, [StaffRoles.Therapist]));
            return (await accounts.IssueSetPasswordLinkAsync(user, new Uri("https://localhost/"))).PathAndQuery;
        });

        public void Dispose()
        {
            Factory.Dispose();
            _root.Dispose();
        }
    }

    // ---- Passwords ----

    [Fact]
    public async Task ACommonPasswordIsRefusedBesideTheFieldAndAStrongOneIsAccepted()
    {
        var link = await app.CreateWithLinkAsync($"n{Guid.NewGuid():N}@family.example", "Noor Haddad");
        var client = app.Client();

        var common = await SetPasswordAsync(client, link, "password1234");
        Assert.Equal(HttpStatusCode.OK, common.StatusCode);
        Assert.Contains(PasswordRules.Common, MessageFor(await common.Content.ReadAsStringAsync(), "Input.Password"), StringComparison.Ordinal);

        // Letter case does not make a listed password uncommon.
        var shouted = await SetPasswordAsync(client, link, "QwertyUiopAS");
        Assert.Contains(PasswordRules.Common, MessageFor(await shouted.Content.ReadAsStringAsync(), "Input.Password"), StringComparison.Ordinal);

        // NIST asks for at least 64 characters to be allowed: a long passphrase is fine.
        var longPassphrase = string.Join(' ', Enumerable.Repeat("walking by the slow river at dusk", 3));
        Assert.True(longPassphrase.Length > 64);
        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(client, link, longPassphrase)).StatusCode);
    }

    [Fact]
    public async Task APasswordHoldingTheEmailNameOrTheDisplayNameIsRefused()
    {
        var email = $"maya.okafor@{Guid.NewGuid():N}.example";
        var link = await app.CreateWithLinkAsync(email, "Rosalind Featherstone");
        var client = app.Client();

        var withEmail = await SetPasswordAsync(client, link, "Maya-Okafor from the clinic");
        Assert.Equal(HttpStatusCode.OK, withEmail.StatusCode);
        Assert.Contains(PasswordRules.Personal, MessageFor(await withEmail.Content.ReadAsStringAsync(), "Input.Password"), StringComparison.Ordinal);

        var withName = await SetPasswordAsync(client, link, "I am rosalind featherstone");
        Assert.Contains(PasswordRules.Personal, MessageFor(await withName.Content.ReadAsStringAsync(), "Input.Password"), StringComparison.Ordinal);

        var repetitive = await SetPasswordAsync(client, link, "abababababababab");
        Assert.Contains(PasswordRules.Repetitive, MessageFor(await repetitive.Content.ReadAsStringAsync(), "Input.Password"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(client, link, GoodPassword)).StatusCode);
    }

    [Fact]
    public async Task ChangingThePasswordOnTheAccountPageAppliesTheSameRules()
    {
        var email = await app.CreateStaffAsync(StaffRoles.Therapist);
        var client = await SignedInAsync(email);

        var wrongCurrent = await client.PostFormAsync("/account?handler=Password", new() { ["Input.Current"] = "not my password at all", ["Input.New"] = "a fresh and quiet meadow", ["Input.Confirm"] = "a fresh and quiet meadow" });
        Assert.Contains("That is not your current password.", MessageFor(await wrongCurrent.Content.ReadAsStringAsync(), "Input.Current"), StringComparison.Ordinal);

        var common = await client.PostFormAsync("/account?handler=Password", new() { ["Input.Current"] = GoodPassword, ["Input.New"] = "iloveyou1234", ["Input.Confirm"] = "iloveyou1234" });
        Assert.Contains(PasswordRules.Common, MessageFor(await common.Content.ReadAsStringAsync(), "Input.New"), StringComparison.Ordinal);

        var changed = await client.PostFormAsync("/account?handler=Password", new() { ["Input.Current"] = GoodPassword, ["Input.New"] = "a fresh and quiet meadow", ["Input.Confirm"] = "a fresh and quiet meadow" });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        // This session lives on; the new password signs in, the old one no longer does.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account")).StatusCode);
        await SignedInAsync(email, "a fresh and quiet meadow");
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(app.Client(), email, GoodPassword)).StatusCode);
    }

    // ---- Two-factor sign-in ----

    [Fact]
    public async Task TwoFactorSignInAsksForTheCodeRefusesAWrongOneAndAcceptsTheRightOneOnce()
    {
        var email = await app.CreateStaffAsync(StaffRoles.Therapist);
        var client = await SignedInAsync(email);

        var setupPage = await client.GetStringAsync("/account/two-factor/setup");
        Assert.Contains("src=\"data:image/png;base64,", setupPage, StringComparison.Ordinal);
        var key = SharedKey(setupPage);
        Assert.Matches("^[a-z2-7]{4}( [a-z2-7]{4})+$", key);
        Assert.Contains($"otpauth://totp/Alliance:{Uri.EscapeDataString(email)}?secret={key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()}", WebUtility.HtmlDecode(setupPage), StringComparison.Ordinal);

        var wrongConfirm = await client.PostFormAsync("/account/two-factor/setup?handler=Confirm", new() { ["Input.Code"] = WrongCode(key) });
        Assert.Contains(TwoFactorSetupModel.WrongCodeMessage, MessageFor(await wrongConfirm.Content.ReadAsStringAsync(), "Input.Code"), StringComparison.Ordinal);

        var (codes, lastStep) = await ConfirmAsync(client, key);
        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());

        // Signing in again now takes a code after the password.
        await SignOutAsync(client);
        var password = await SignInAsync(client, email, GoodPassword);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.Equal("/account/two-factor", password.Headers.Location!.OriginalString);
        AssertSentToSignIn(await client.GetAsync("/"));

        var wrong = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = WrongCode(key) });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains(TwoFactorModel.WrongCodeMessage, MessageFor(await wrong.Content.ReadAsStringAsync(), "Input.Code"), StringComparison.Ordinal);
        AssertSentToSignIn(await client.GetAsync("/"));

        var step = NextStep(lastStep);
        var right = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = Totp(key, step) });
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/", right.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        // The same code does not sign in twice (NIST: a time-based code is accepted once).
        await SignOutAsync(client);
        await SignInAsync(client, email, GoodPassword);
        var replay = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = Totp(key, step) });
        Assert.Contains(TwoFactorModel.WrongCodeMessage, MessageFor(await replay.Content.ReadAsStringAsync(), "Input.Code"), StringComparison.Ordinal);
        var next = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = Totp(key, NextStep(step)) });
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
    }

    [Fact]
    public async Task ARecoveryCodeSignsInOnce()
    {
        var email = await app.CreateStaffAsync(StaffRoles.Supervisor);
        var client = await SignedInAsync(email);
        var (codes, _) = await ConfirmAsync(client, SharedKey(await client.GetStringAsync("/account/two-factor/setup")));
        await SignOutAsync(client);

        await SignInAsync(client, email, GoodPassword);
        // Typed the way people type them: lower case, without the dash.
        var first = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = codes[0].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Contains("9 of 10 recovery codes left", await client.GetStringAsync("/account/two-factor/setup"), StringComparison.Ordinal);

        await SignOutAsync(client);
        await SignInAsync(client, email, GoodPassword);
        var again = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = codes[0] });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(TwoFactorModel.WrongCodeMessage, MessageFor(await again.Content.ReadAsStringAsync(), "Input.Code"), StringComparison.Ordinal);
        var other = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = codes[1] });
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task TheAuthenticatorKeyAndTheRecoveryCodesAreStoredEncrypted()
    {
        var (email, client, key, codes, lastStep) = await TherapistWithTwoFactorAsync();
        var plainKey = key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

        var stored = await StoredSecretsAsync(email);
        Assert.Equal(["AuthenticatorKey", "RecoveryCodes"], stored.Keys.Order(StringComparer.Ordinal));
        foreach (var value in stored.Values)
        {
            Assert.StartsWith("dp1:", value, StringComparison.Ordinal);
            Assert.DoesNotContain(plainKey, value, StringComparison.OrdinalIgnoreCase);
            Assert.All(codes, code => Assert.DoesNotContain(code, value, StringComparison.OrdinalIgnoreCase));
        }

        // A key stored in the clear by an older version still signs in.
        await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Database.ExecuteSqlAsync(
            $"UPDATE \"AspNetUserTokens\" SET \"Value\" = {plainKey} WHERE \"Name\" = 'AuthenticatorKey' AND \"UserId\" IN (SELECT \"Id\" FROM \"AspNetUsers\" WHERE \"NormalizedEmail\" = {email.ToUpperInvariant()})"));
        await SignOutAsync(client);
        await SignInAsync(client, email, GoodPassword);
        var signedIn = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = Totp(key, NextStep(lastStep)) });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    private Task<Dictionary<string, string>> StoredSecretsAsync(string email) => app.AsOperatorAsync(async sp =>
        (await sp.GetRequiredService<AllianceDbContext>().Database.SqlQuery<StoredToken>(
            $"SELECT t.\"Name\", t.\"Value\" FROM \"AspNetUserTokens\" AS t JOIN \"AspNetUsers\" AS u ON u.\"Id\" = t.\"UserId\" WHERE u.\"NormalizedEmail\" = {email.ToUpperInvariant()} AND t.\"LoginProvider\" = '[AspNetUserStore]'")
            .ToListAsync()).ToDictionary(t => t.Name, t => t.Value));

    private sealed record StoredToken(string Name, string Value);

    [Fact]
    public async Task WrongCodesLockTheAccountLikeWrongPasswords()
    {
        var (email, client, key, codes, lastStep) = await TherapistWithTwoFactorAsync();
        await SignOutAsync(client);

        await SignInAsync(client, email, GoodPassword);
        for (var i = 0; i < 4; i++)
            await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = WrongCode(key) });
        // Wrong recovery codes count too.
        var fifth = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = "BBBBB-CCCCC" });
        Assert.Contains("locked", await fifth.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var right = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = Totp(key, NextStep(lastStep)) });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains(TwoFactorModel.LockedOutMessage, WebUtility.HtmlDecode(await right.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var recovery = await client.PostFormAsync("/account/two-factor", new() { ["Input.Code"] = codes[0] });
        Assert.Equal(HttpStatusCode.OK, recovery.StatusCode);
        AssertSentToSignIn(await client.GetAsync("/"));
    }

    [Fact]
    public async Task TwoFactorCanBeTurnedOffWithACodeByThoseNotRequiredToUseIt()
    {
        var (email, client, key, _, lastStep) = await TherapistWithTwoFactorAsync();

        var wrong = await client.PostFormAsync("/account/two-factor/setup?handler=Disable", new() { ["Input.Code"] = WrongCode(key) });
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Two-factor sign-in is on", await client.GetStringAsync("/account/two-factor/setup"), StringComparison.Ordinal);

        var off = await client.PostFormAsync("/account/two-factor/setup?handler=Disable", new() { ["Input.Code"] = Totp(key, NextStep(lastStep)) });
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        await SignOutAsync(client);
        Assert.Equal("/", (await SignInAsync(client, email, GoodPassword)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task AnAdminOutsideTheDemoAgencyMustSetUpTwoFactorBeforeAnythingElse()
    {
        var email = await app.CreateStaffAsync(StaffRoles.Admin, inRealAgency: true);
        var client = app.Client();

        var signIn = await SignInAsync(client, email, GoodPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/account/two-factor/setup", signIn.Headers.Location!.OriginalString);
        foreach (var path in new[] { "/", "/admin/staff", "/admin/settings", "/account" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/two-factor/setup", response.Headers.Location!.OriginalString);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/admin/staff")).StatusCode);

        var setup = await client.GetStringAsync("/account/two-factor/setup");
        Assert.Contains("Admins of this agency must use two-factor sign-in", setup, StringComparison.Ordinal);
        var key = SharedKey(setup);
        var (_, lastStep) = await ConfirmAsync(client, key);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/admin/staff")).StatusCode);
        // Required means it cannot be turned off.
        var off = await client.PostFormAsync("/account/two-factor/setup?handler=Disable", new() { ["Input.Code"] = Totp(key, NextStep(lastStep)) });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.Contains("Admins of this agency must keep two-factor sign-in on.", await off.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDemoAgencyAdminIsNotMadeToUseTwoFactorAndItsSignInPageSaysOthersMust()
    {
        var client = app.Client();
        var signIn = await SignInAsync(client, AllianceWebFactory.Admin, AllianceWebFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/staff")).StatusCode);

        // The wording is shown while the demo agency is the only one; on a fresh demo database it is.
        using var fresh = new AllianceWebFactory();
        var page = await fresh.Client().GetStringAsync("/account/sign-in");
        Assert.Contains("Outside the demo agency, admins must use two-factor sign-in.", page, StringComparison.Ordinal);
    }

    // ---- Sessions ----

    [Fact]
    public async Task SignOutEverywhereEndsTheSessionsOnOtherDevices()
    {
        var email = await app.CreateStaffAsync(StaffRoles.Therapist);
        var laptop = await SignedInAsync(email);
        var phone = await SignedInAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/account")).StatusCode);

        var everywhere = await laptop.PostFormAsync("/account?handler=Everywhere", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);
        Assert.Equal("/account/sign-in", everywhere.Headers.Location!.OriginalString);

        AssertSentToSignIn(await phone.GetAsync("/account"));
        AssertSentToSignIn(await laptop.GetAsync("/account"));
        // Signing in again works as before.
        Assert.Equal(HttpStatusCode.OK, (await (await SignedInAsync(email)).GetAsync("/account")).StatusCode);
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public async Task BetweenStampChecksAnotherDeviceStaysSignedInAndAtTheNextCheckItIsSignedOut()
    {
        // The default interval: stamps are checked once a minute, not at every request.
        var clock = new ShiftedClock();
        using var root = new AllianceWebFactory();
        using var factory = root.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.TimeProvider = clock);
            s.PostConfigure<SecurityStampValidatorOptions>(o => o.TimeProvider = clock);
        }));
        var laptop = NewClient(factory);
        var phone = NewClient(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(laptop, AllianceWebFactory.Therapist, AllianceWebFactory.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(phone, AllianceWebFactory.Therapist, AllianceWebFactory.Password)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await laptop.PostFormAsync("/account?handler=Everywhere", new Dictionary<string, string>())).StatusCode);
        // Half a minute after the phone signed in its cookie is not due for a check: it is still let in.
        clock.Offset = TimeSpan.FromSeconds(30);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/account")).StatusCode);
        // Past the minute the check is due, finds the account's new stamp and ends the session.
        clock.Offset = TimeSpan.FromSeconds(61);
        AssertSentToSignIn(await phone.GetAsync("/account"));
    }

    [Fact]
    [Trait("Capability", "Proof")]
    public void AStampCheckIsDueWhenTheCookieIsOlderThanTheIntervalOrHasNoTimeOfIssue()
    {
        var clock = new ShiftedClock();
        var services = new ServiceCollection();
        services.Configure<SecurityStampValidatorOptions>(o => { o.ValidationInterval = TimeSpan.FromSeconds(60); o.TimeProvider = clock; });
        using var provider = services.BuildServiceProvider();
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = provider };
        var scheme = new Microsoft.AspNetCore.Authentication.AuthenticationScheme(IdentityConstants.ApplicationScheme, null, typeof(CookieAuthenticationHandler));
        CookieValidatePrincipalContext Issued(DateTimeOffset? at) => new(http, scheme, new CookieAuthenticationOptions(),
            new Microsoft.AspNetCore.Authentication.AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(), new Microsoft.AspNetCore.Authentication.AuthenticationProperties { IssuedUtc = at }, scheme.Name));

        var now = clock.GetUtcNow();
        Assert.False(SignInSecurity.StampCheckDue(Issued(now - TimeSpan.FromSeconds(59))));
        Assert.False(SignInSecurity.StampCheckDue(Issued(now - TimeSpan.FromSeconds(30))));
        Assert.True(SignInSecurity.StampCheckDue(Issued(now - TimeSpan.FromSeconds(61))));
        Assert.True(SignInSecurity.StampCheckDue(Issued(null)));
        // The clock the check is given, not the machine's: an hour later, the cookie issued half a minute ago is due.
        clock.Offset = TimeSpan.FromHours(1);
        Assert.True(SignInSecurity.StampCheckDue(Issued(now - TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public void TheSignInCookieLapsesAfterThirtyIdleMinutesAndStampsAreCheckedAsConfigured()
    {
        var cookie = app.Factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        Assert.Equal(TimeSpan.FromMinutes(30), cookie.ExpireTimeSpan);
        Assert.True(cookie.SlidingExpiration);
        Assert.Equal(TimeSpan.Zero, app.Factory.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);
    }

    [Fact]
    public async Task ASessionLivesWhileUsedAndEndsAfterTheIdleTimeout()
    {
        var clock = new ShiftedClock();
        using var root = new AllianceWebFactory();
        using var factory = root.WithWebHostBuilder(b =>
        {
            b.UseSetting("Security:IdleTimeoutMinutes", "10");
            b.ConfigureTestServices(s => s.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o => o.TimeProvider = clock));
        });
        Assert.Equal(TimeSpan.FromMinutes(10), factory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan);
        // Without the setting, stamps are checked every minute.
        Assert.Equal(TimeSpan.FromMinutes(1), factory.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval);

        var client = NewClient(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, AllianceWebFactory.Therapist, AllianceWebFactory.Password)).StatusCode);
        clock.Offset = TimeSpan.FromMinutes(6);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        // Twelve minutes after signing in, but six after the last request: still signed in.
        clock.Offset = TimeSpan.FromMinutes(12);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        // Eleven minutes without a request: signed out.
        clock.Offset = TimeSpan.FromMinutes(23);
        AssertSentToSignIn(await client.GetAsync("/"));
    }

    // ---- Helpers ----

    private static HttpClient NewClient(WebApplicationFactory<Program> factory) => factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("https://localhost"),
    });

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    private async Task<HttpClient> SignedInAsync(string email, string password = GoodPassword)
    {
        var client = app.Client();
        var response = await SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        return client;
    }

    private static async Task SignOutAsync(HttpClient client)
    {
        var response = await client.PostFormAsync("/account/sign-out", new Dictionary<string, string>(), "/account");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        AssertSentToSignIn(await client.GetAsync("/account"));
    }

    private static Task<HttpResponseMessage> SetPasswordAsync(HttpClient client, string link, string password) =>
        client.PostFormAsync(link, new() { ["Input.Password"] = password, ["Input.Confirm"] = password, ["Token"] = link.Split("token=")[1] }, link);

    /// <summary>Turns two-factor on with the current code; returns the recovery codes and the time step used.</summary>
    /// <summary>A new therapist, signed in, who has set up two-factor sign-in: the key, the recovery codes and the step used.</summary>
    private async Task<(string Email, HttpClient Client, string Key, List<string> Codes, long Step)> TherapistWithTwoFactorAsync()
    {
        var email = await app.CreateStaffAsync(StaffRoles.Therapist);
        var client = await SignedInAsync(email);
        var key = SharedKey(await client.GetStringAsync("/account/two-factor/setup"));
        var (codes, step) = await ConfirmAsync(client, key);
        return (email, client, key, codes, step);
    }

    private static async Task<(List<string> Codes, long Step)> ConfirmAsync(HttpClient client, string key)
    {
        var step = CurrentStep();
        var response = await client.PostFormAsync("/account/two-factor/setup?handler=Confirm", new() { ["Input.Code"] = Totp(key, step) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("They are shown only now.", html, StringComparison.Ordinal);
        var codes = RecoveryCodePattern().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.DoesNotContain("They are shown only now.", await client.GetStringAsync("/account/two-factor/setup"), StringComparison.Ordinal);
        return (codes, step);
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.PathOf(), StringComparison.Ordinal);
    }

    /// <summary>The text of the message shown beside a field.</summary>
    private static string MessageFor(string html, string field)
    {
        var match = Regex.Match(html, $"<span class=\"[^\"]*field-validation-error[^\"]*\" data-valmsg-for=\"{Regex.Escape(field)}\"[^>]*>([^<]*)</span>");
        Assert.True(match.Success, $"No message beside {field}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string SharedKey(string html)
    {
        var match = SharedKeyPattern().Match(html);
        Assert.True(match.Success, "No shared key on the set-up page");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("class=\"linkbox shared-key\"><code>([a-z2-7 ]+)</code>")]
    private static partial Regex SharedKeyPattern();

    [GeneratedRegex("<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})</code></li>")]
    private static partial Regex RecoveryCodePattern();

    // ---- RFC 6238, computed here the way an authenticator app does ----

    private static long CurrentStep() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    /// <summary>A step later than the last one used and still inside the app's accepted window.</summary>
    private static long NextStep(long used) => Math.Max(CurrentStep(), used + 1);

    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6238 TOTP is HMAC-SHA1, as authenticator apps compute it.")]
    private static string Totp(string base32Key, long step)
    {
        var counter = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(Base32Decode(base32Key), counter);
        var offset = hash[^1] & 0x0f;
        var value = ((hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3]) % 1_000_000;
        return value.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>A six-digit code that is none of the codes accepted around now.</summary>
    private static string WrongCode(string key)
    {
        var now = CurrentStep();
        var accepted = Enumerable.Range(-3, 7).Select(i => Totp(key, now + i)).ToHashSet();
        return Enumerable.Range(0, 20).Select(i => ((123456 + i * 7919) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture)).First(c => !accepted.Contains(c));
    }

    private static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(text.Where(c => c != ' ').Select(c => Convert.ToString(alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal), 2).PadLeft(5, '0')));
        return Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
    }

    /// <summary>The real clock moved on by an offset, for the sign-in cookie only.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}

internal static class UriPaths
{
    /// <summary>The path and query of a Location header, relative or absolute.</summary>
    public static string PathOf(this Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
