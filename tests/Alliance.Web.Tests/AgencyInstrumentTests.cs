using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Alliance.Application.Measures;
using Alliance.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>An admin imports the agency's own instrument (a licensed one, say); a malformed file is refused with every reason.</summary>
[Trait("Capability", "Measures")]
public sealed partial class AgencyInstrumentTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static string TestData(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    /// <summary>Posts a file through the page's upload form, with its antiforgery token.</summary>
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string fileName, string json)
    {
        var page = await client.GetStringAsync("/admin/instruments");
        var token = WebUtility.HtmlDecode(Token().Match(page).Groups[1].Value);
        using var form = new MultipartFormDataContent();
        var file = new StringContent(json);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "file", fileName);
        form.Add(new StringContent(token), "__RequestVerificationToken");
        return await client.PostAsync("/admin/instruments", form);
    }

    [Fact]
    public async Task TheAdminSeesTheBuiltInsWithSourceAndLicenceAndImportsALicensedInstrument()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var page = await admin.GetStringAsync("/admin/instruments");
        Assert.Contains("<code class=\"small\">alliance-check</code>", page, StringComparison.Ordinal);
        Assert.Contains("Kroenke, Spitzer", page, StringComparison.Ordinal);
        Assert.Contains("Public domain", page, StringComparison.Ordinal);
        Assert.Contains("project-authored, not yet validated", page, StringComparison.Ordinal);

        var response = await UploadAsync(admin, "agency-alliance-short.json", TestData("imported-licensed-instrument.json"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        page = await admin.GetStringAsync("/admin/instruments");
        Assert.Contains("<code class=\"small\">agency-alliance-short</code>", page, StringComparison.Ordinal);
        Assert.Contains("imported on", page, StringComparison.Ordinal);

        // The rest of the app sees it at once: the agency's catalog, and the FHIR Questionnaire list.
        var agency = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Agencies.Select(a => a.Id).SingleAsync());
        var catalog = await app.AsOperatorAsync(sp => sp.GetRequiredService<AgencyInstruments>().ForAgencyAsync(agency, CancellationToken.None));
        Assert.NotNull(catalog.Find("agency-alliance-short"));
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Equal(HttpStatusCode.OK, (await therapist.GetAsync("/fhir/Questionnaire/agency-alliance-short")).StatusCode);

        // The same id again is refused, with the reason.
        var twice = await UploadAsync(admin, "again.json", TestData("imported-licensed-instrument.json"));
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Contains("was already imported", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedDefinitionIsRefusedWithEveryReasonAndNothingIsStored()
    {
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var response = await UploadAsync(admin, "broken.json", TestData("malformed-instrument.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("The file was not imported.", html, StringComparison.Ordinal);
        var problems = html[html.IndexOf("id=\"import-problems\"", StringComparison.Ordinal)..];
        problems = problems[..problems.IndexOf("</ul>", StringComparison.Ordinal)];
        // Alliance's sixteen problems and Firely's que-2, as the Measures library reports them.
        Assert.Equal(17, Regex.Count(problems, "<li>"));
        Assert.Contains("que-2", problems, StringComparison.Ordinal);
        Assert.False(await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().AgencyInstruments.AnyAsync(i => i.InstrumentId == "broken-check")));
    }

    [Fact]
    public async Task OnlyAdminsReachTheInstrumentsPage()
    {
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await therapist.GetAsync("/admin/instruments");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/denied", response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
