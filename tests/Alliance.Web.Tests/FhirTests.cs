// Firely's model marks most elements nullable; these tests read resources they have just checked.
#nullable disable warnings
using System.Net;
using System.Text;
using Alliance.Application.Import;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Alliance.Web.Tests;

/// <summary>
/// The FHIR endpoints: Questionnaires out, QuestionnaireResponses in and out, every error an OperationOutcome,
/// everything exported accepted by Firely's validator, and the care relationship.
/// </summary>
[Trait("Capability", "Measures")]
public sealed class FhirTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private const string FhirJson = "application/fhir+json";

    private async Task<(Guid Maya, Guid Session)> ApplewhiteAsync() => await app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var c = await db.Cases.Include(x => x.Members).Include(x => x.Episodes).ThenInclude(e => e.Sessions).SingleAsync(x => x.Name == "Applewhite family");
        var session = c.Episodes.SelectMany(e => e.Sessions).Where(s => s.Status == SessionStatus.Held).OrderBy(s => s.Number).Last();
        return (c.Members.Single(m => m.DisplayName == "Maya Applewhite").Id, session.Id);
    });

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response) where T : Resource
    {
        Assert.Equal(FhirJson, response.Content.Headers.ContentType?.MediaType);
        return new FhirJsonDeserializer().Deserialize<T>(await response.Content.ReadAsStringAsync());
    }

    private static void AssertValid(Resource resource)
    {
        var errors = FhirStructureValidator.Shared.Errors(resource);
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    private static StringContent Body(string json, string type = FhirJson) => new(json, Encoding.UTF8, type);

    /// <summary>An alliance check answered 9, 8, 9, 9 (total 35) about the member at the session.</summary>
    private static string AllianceCheck(Guid member, Guid session, int heard = 9)
    {
        var catalog = InstrumentCatalog.CreateWithBuiltIns();
        var instrument = catalog.Get("alliance-check");
        var answers = new[] { ("heard", heard), ("goals", 8), ("approach", 9), ("overall", 9) }
            .Select(a => new ItemAnswer(a.Item1, AnswerValue.Scale(a.Item2))).ToList();
        var details = new ResponseDetails(Rater.Client, DateTimeOffset.UtcNow.AddMinutes(-5)) { Subject = $"Patient/{member}", Encounter = $"Encounter/{session}" };
        var resource = QuestionnaireResponseMapper.ToFhir(instrument, ScoredResponse.Create(instrument, answers, details));
        if (heard > 10)
        {
            // The mapper scores what it is given; a sender's own score extension is left out so only the answer is wrong.
            resource.Extension.RemoveAll(e => e.Url == ExtensionUrls.Score);
        }
        return resource.ToJson();
    }

    /// <summary>A GAD-7 (which the demo never asks) answered 1, 0, 2, 1, 0, 1, 0: total 5, mild.</summary>
    private static string Gad7(Guid member, Guid session)
    {
        var instrument = InstrumentCatalog.CreateWithBuiltIns().Get("gad-7");
        int[] values = [1, 0, 2, 1, 0, 1, 0];
        var answers = instrument.ScoredItems.Select((item, i) => new ItemAnswer(item.LinkId, AnswerValue.Option(item.Options.Single(o => o.Score == values[i]).Code))).ToList();
        var details = new ResponseDetails(Rater.Client, DateTimeOffset.UtcNow.AddMinutes(-5)) { Subject = $"Patient/{member}", Encounter = $"Encounter/{session}" };
        return QuestionnaireResponseMapper.ToJson(instrument, ScoredResponse.Create(instrument, answers, details));
    }

    [Fact]
    public async Task TheAgencysInstrumentsAreASearchsetOfQuestionnairesThatFirelyAccepts()
    {
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var response = await client.GetAsync("/fhir/Questionnaire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await ReadAsync<Bundle>(response);
        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        var ids = bundle.Entry.Select(e => e.Resource.Id).ToList();
        Assert.Equal(InstrumentCatalog.BuiltIns.Count, bundle.Total);
        Assert.Contains("alliance-check", ids);
        Assert.Contains("phq-9", ids);
        Assert.All(bundle.Entry, e => Assert.Equal($"https://localhost/fhir/Questionnaire/{e.Resource.Id}", e.FullUrl));
        AssertValid(bundle);

        var one = await client.GetAsync("/fhir/Questionnaire/phq-9");
        var questionnaire = await ReadAsync<Questionnaire>(one);
        Assert.Equal("phq-9", questionnaire.Id);
        Assert.Equal(10, questionnaire.Item.Count(i => i.Type == Questionnaire.QuestionnaireItemType.Choice));
        AssertValid(questionnaire);

        var missing = await client.GetAsync("/fhir/Questionnaire/no-such-instrument");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var outcome = await ReadAsync<OperationOutcome>(missing);
        Assert.Equal(OperationOutcome.IssueType.NotFound, outcome.Issue[0].Code);
        AssertValid(outcome);
    }

    [Fact]
    public async Task AResponsePostedIsScoredStoredAndReadBackAsItWasSent()
    {
        var (maya, session) = await ApplewhiteAsync();
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);

        var created = await client.PostAsync("/fhir/QuestionnaireResponse", Body(Gad7(maya, session)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        Assert.StartsWith("/fhir/QuestionnaireResponse/", location, StringComparison.Ordinal);
        var echoed = await ReadAsync<QuestionnaireResponse>(created);
        AssertValid(echoed);

        var read = await ReadAsync<QuestionnaireResponse>(await client.GetAsync(location));
        AssertValid(read);
        Assert.Equal(echoed.Id, read.Id);
        Assert.Equal($"Patient/{maya}", read.Subject.Reference);
        Assert.Equal($"Encounter/{session}", read.Encounter.Reference);
        Assert.Equal(["LA6569-3", "LA6568-5", "LA6570-1", "LA6569-3", "LA6568-5", "LA6569-3", "LA6568-5"], read.Item.Select(i => ((Coding)i.Answer[0].Value).Code));
        var again = QuestionnaireResponseMapper.FromFhir(read, InstrumentCatalog.CreateWithBuiltIns());
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.Equal((5m, "mild"), (again.Response!.Score.Total, again.Response.Score.Band!.Code));

        var stored = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses.SingleAsync(r => r.Id == Guid.Parse(read.Id)));
        Assert.Equal((ResponseSource.Fhir, 5m, "gad-7", RaterRole.Client), (stored.Source, stored.Score!.Value, stored.InstrumentId, stored.Rater));

        // A second rating of the same member, session, instrument and rater is a conflict, not a second score.
        var twice = await client.PostAsync("/fhir/QuestionnaireResponse", Body(Gad7(maya, session)));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.Duplicate, (await ReadAsync<OperationOutcome>(twice)).Issue[0].Code);

        // The member's responses as a searchset, the new one among the demo's; every one passes Firely's validator.
        var search = await client.GetAsync($"/fhir/QuestionnaireResponse?subject=Patient/{maya}");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var bundle = await ReadAsync<Bundle>(search);
        Assert.Contains(bundle.Entry, e => e.Resource.Id == read.Id);
        Assert.True(bundle.Total > 5);
        Assert.All(bundle.Entry, e => Assert.Equal($"Patient/{maya}", ((QuestionnaireResponse)e.Resource).Subject.Reference));
        AssertValid(bundle);
    }

    [Fact]
    public async Task AMalformedResponseIsRefusedWithAnOperationOutcomeNamingTheProblemAndNothingIsStored()
    {
        var (maya, session) = await ApplewhiteAsync();
        var client = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var before = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses.CountAsync());

        // An answer out of the item's range: checked by Alliance's answer validation.
        var outOfRange = await client.PostAsync("/fhir/QuestionnaireResponse", Body(AllianceCheck(maya, session, heard: 11)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outOfRange.StatusCode);
        var outcome = await ReadAsync<OperationOutcome>(outOfRange);
        AssertValid(outcome);
        var issue = Assert.Single(outcome.Issue);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.Contains("linkId='heard'", Assert.Single(issue.Expression), StringComparison.Ordinal);
        Assert.StartsWith("heard: ", issue.Details.Text, StringComparison.Ordinal);

        // An element FHIR does not have: refused while reading, the element named.
        var unknown = await client.PostAsync("/fhir/QuestionnaireResponse", Body(AllianceCheck(maya, session).Replace("\"status\":", "\"statuss\":", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var parse = await ReadAsync<OperationOutcome>(unknown);
        Assert.Contains(parse.Issue, i => i.Details.Text.Contains("statuss", StringComparison.Ordinal));

        // No subject: the element is named.
        var noSubject = await client.PostAsync("/fhir/QuestionnaireResponse", Body(AllianceCheck(maya, session).Replace($"\"Patient/{maya}\"", "\"Group/1\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noSubject.StatusCode);
        Assert.Contains((await ReadAsync<OperationOutcome>(noSubject)).Issue, i => i.Expression.Contains("QuestionnaireResponse.subject"));

        // Not FHIR JSON at all.
        var wrongType = await client.PostAsync("/fhir/QuestionnaireResponse", Body("subject=x", "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        await ReadAsync<OperationOutcome>(wrongType);

        Assert.Equal(before, await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses.CountAsync()));
    }

    [Fact]
    public async Task OutsideTheCareRelationshipAMembersResponsesAreNotFound()
    {
        var (maya, session) = await ApplewhiteAsync();
        var responseId = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses.Where(r => r.MemberId == maya).Select(r => r.Id).FirstAsync());
        var unrelated = await app.SignedInAsync("jonah@harbourlight.example");

        var post = await unrelated.PostAsync("/fhir/QuestionnaireResponse", Body(AllianceCheck(maya, session)));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.NotFound, (await ReadAsync<OperationOutcome>(post)).Issue[0].Code);
        Assert.Equal(HttpStatusCode.NotFound, (await unrelated.GetAsync($"/fhir/QuestionnaireResponse?subject=Patient/{maya}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await unrelated.GetAsync($"/fhir/QuestionnaireResponse/{responseId}")).StatusCode);

        // The co-therapist and the supervisor are in the care relationship.
        foreach (var email in new[] { AllianceWebFactory.OtherTherapist, AllianceWebFactory.Supervisor })
        {
            var carer = await app.SignedInAsync(email);
            Assert.Equal(HttpStatusCode.OK, (await carer.GetAsync($"/fhir/QuestionnaireResponse/{responseId}")).StatusCode);
        }

        // Signed out: 401; an admin (no clinical role) cannot post: 403. Both as OperationOutcomes.
        var anonymous = await app.Client().GetAsync($"/fhir/QuestionnaireResponse?subject=Patient/{maya}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(OperationOutcome.IssueType.Login, (await ReadAsync<OperationOutcome>(anonymous)).Issue[0].Code);
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        var refused = await admin.PostAsync("/fhir/QuestionnaireResponse", Body(AllianceCheck(maya, session)));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await ReadAsync<OperationOutcome>(refused);
    }

    [Fact]
    public async Task ScoresImportedFromASpreadsheetExportAsValidResponsesWithTheirTotals()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "examples", "edge");
        var outcome = await app.AsOperatorAsync(sp => ActivatorUtilities.CreateInstance<ImportSpreadsheet>(sp)
            .HandleAsync(new ImportSpreadsheetCommand(folder, null, AllianceWebFactory.OtherTherapist, new Uri("https://localhost/"))));
        Assert.True(outcome.Succeeded, string.Join(Environment.NewLine, outcome.Problems));
        var member = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Cases.Where(c => c.Name == "E06")
            .SelectMany(c => c.Members).Select(m => m.Id).SingleAsync());

        var client = await app.SignedInAsync(AllianceWebFactory.OtherTherapist);
        var bundle = await ReadAsync<Bundle>(await client.GetAsync($"/fhir/QuestionnaireResponse?subject=Patient/{member}"));
        AssertValid(bundle);
        var responses = bundle.Entry.Select(e => (QuestionnaireResponse)e.Resource).ToList();
        Assert.Equal(4, responses.Count);
        decimal? Total(QuestionnaireResponse r) => ((FhirDecimal)r.GetExtension(ExtensionUrls.Score).GetExtension("total").Value).Value;
        Assert.Equal([36.3m, 31.3m], responses.Where(r => r.Questionnaire == "https://alliance.example/fhir/Questionnaire/alliance-check|1.0.0").Select(Total));
        Assert.Equal([20.5m, 25.5m], responses.Where(r => r.Questionnaire == "https://alliance.example/fhir/Questionnaire/wellbeing-check|1.0.0").Select(Total));
    }
}
