using System.Net;
using System.Text.RegularExpressions;
using Alliance.Application.Agencies;
using Alliance.Application.Demo;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// The real web app on a fresh SQLite database in a temporary data folder, with the demo agency seeded,
/// in the Production environment (HTTPS only cookies, HSTS), reached over https://localhost.
/// </summary>
public sealed class AllianceWebFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-web-" + Guid.NewGuid().ToString("N"));

    public const string Password = DemoAgency.Password;

    /// <summary>The data folder (the SQLite file lives here).</summary>
    public string DataFolder => _folder;

    /// <summary>Where the key-encryption certificate is kept: apart from the data folder.</summary>
    public string KeysFolder => _folder + "-keys";
    public const string Therapist = "tobias@harbourlight.example";
    public const string OtherTherapist = "amara@harbourlight.example";
    public const string Supervisor = "supervisor@harbourlight.example";
    public const string Admin = "admin@harbourlight.example";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("data", _folder);
        builder.UseSetting("keys", KeysFolder);
        builder.UseSetting("Demo", "true");
        // The demo's 220 closed past episodes are checked in the data tests; the HTTP tests need only the current families.
        builder.UseSetting("Demo:HistoricalEpisodes", "0");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client() => CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("https://localhost"),
    });

    /// <summary>A client signed in as the given staff member.</summary>
    public async Task<HttpClient> SignedInAsync(string email, string password = Password)
    {
        var client = Client();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Runs work against the database as its operator.</summary>
    public async Task<T> AsOperatorAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
        return await work(scope.ServiceProvider);
    }

    /// <summary>Creates another agency with one therapist who has a password; returns the therapist's email.</summary>
    public async Task<string> CreateOtherAgencyTherapistAsync()
    {
        var email = $"t{Guid.NewGuid():N}@elsewhere.example";
        await AsOperatorAsync(async sp =>
        {
            var created = await sp.GetRequiredService<CreateAgency>().HandleAsync(
                new CreateAgencyCommand("Elsewhere Family Centre", $"a{Guid.NewGuid():N}@elsewhere.example", "Admin", "Europe/London", new Uri("https://localhost/")));
            return await sp.GetRequiredService<StaffAccounts>().CreateAsync(created.AgencyId, new NewStaff(email, "Distant Therapist", [StaffRoles.Therapist]), "elsewhere-password-1");
        });
        return email;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var folder in new[] { _folder, KeysFolder })
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Form posts with the antiforgery token a real browser would send.</summary>
public static partial class FormPosting
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    /// <summary>Reads the page's form token, then posts the fields with it.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, Dictionary<string, string> fields, string? pageUrl = null)
    {
        var page = await client.GetStringAsync(pageUrl ?? StripHandler(url));
        var token = TokenPattern().Match(page);
        Assert.True(token.Success, $"No antiforgery token on {pageUrl ?? url}");
        var content = new List<KeyValuePair<string, string>>(fields) { new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)) };
        return await client.PostAsync(url, new FormUrlEncodedContent(content));
    }

    /// <summary>Posts several values under one name (checkboxes).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, string pageUrl)
    {
        var page = await client.GetStringAsync(pageUrl);
        var token = TokenPattern().Match(page);
        Assert.True(token.Success, $"No antiforgery token on {pageUrl}");
        var content = fields.Append(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        return await client.PostAsync(url, new FormUrlEncodedContent(content));
    }

    private static string StripHandler(string url) => url.Split('?')[0];
}
