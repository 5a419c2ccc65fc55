// Firely's model marks most elements nullable; these tests build resources they have just checked.
#nullable disable warnings
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alliance.Application.Feedback;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Features.Inbox;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Alliance.Web.Tests;

/// <summary>
/// The feedback engine's answer rules and its upkeep in the app: PHQ-9 item 9 as a high alert whatever route the answer
/// came by (one "risk" notification, in the same words), a split alliance on the dimensions of the family instruments,
/// corrections and withdrawals that re-evaluate the family's alerts with the audit trail kept, and each therapist's
/// feedback consistency, all with hand-worked numbers.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class FeedbackEngineTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly JsonSerializerOptions Json = ApiTests.Json;
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();

    /// <summary>PHQ-9 answers in the link form's fields: every item 0 except item 9.</summary>
    private static Dictionary<string, string> Phq9Fields(int itemNine)
    {
        var phq = Catalog.Get("phq-9");
        return Enumerable.Range(1, 9).ToDictionary(n => $"a.phq9-{n}", n => phq.FindItem($"phq9-{n}")!.Options.Single(o => o.Score == (n == 9 ? itemNine : 0)).Code);
    }

    /// <summary>Family alliance answers in the link form's fields: 4 on every item (safety and purpose's reversed items answered 2), purpose as given.</summary>
    private static Dictionary<string, string> FamilyAllianceFields(int purposeTogether, int purposeDifferentRaw) => new()
    {
        ["a.engagement-helping"] = "4", ["a.engagement-say"] = "4",
        ["a.connection-trust"] = "4", ["a.connection-care"] = "4",
        ["a.safety-speak"] = "4", ["a.safety-holding-back"] = "2",
        ["a.purpose-together"] = purposeTogether.ToString(CultureInfo.InvariantCulture),
        ["a.purpose-different"] = purposeDifferentRaw.ToString(CultureInfo.InvariantCulture),
    };

    private static StringContent Fhir(string json) => new(json, Encoding.UTF8, "application/fhir+json");

    private async Task<List<Notification>> NotificationsAsync(Guid caseId) =>
        await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Notifications.AsNoTracking().Where(n => n.CaseId == caseId).ToListAsync());

    private async Task<Guid> ResponseIdAsync(Guid sessionId, Guid memberId, string instrument) =>
        await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses
            .Where(r => r.SessionId == sessionId && r.MemberId == memberId && r.InstrumentId == instrument && r.WithdrawnAt == null).Select(r => r.Id).SingleAsync());

    [Fact]
    public async Task APhqNineItemNineAnswerThroughALinkIsAHighAlertWithOneRiskNotificationAndGoesWhenTheResponseIsWithdrawn()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Maya Risk"], [0]);
        var (_, tokens) = await tobias.IssueAsync(family.Sessions[0], (family.Members[0], ["phq-9"]));
        var answered = await app.Client().AnswerAsync(tokens["Maya Risk"], "phq-9", Phq9Fields(itemNine: 2));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        // Item 9 answered 2 (PHQ-9 total 2): one high alert, keyed to the member and session, with the item and its value.
        var alert = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "phq9-item9-risk");
        Assert.Equal(("high", 1, "Maya Risk", "phq-9", AlertStatus.Open), (alert.Severity, alert.SessionNumber, alert.Member, alert.Instrument, alert.Status));
        Assert.Equal("""[{"sessionNumber":1,"score":2,"item":9,"itemValue":2}]""", alert.EvidenceJson);
        Assert.Equal("Member Maya Risk answered item 9 of phq-9 at session 1 with 2 on its 0 to 3 scale; any answer above 0 flags a risk of self-harm.", alert.Message);
        Assert.Contains("follow the agency's safety procedure, and involve your supervisor", alert.ConsiderNext, StringComparison.Ordinal);
        var page = WebUtility.HtmlDecode(await tobias.GetStringAsync($"/cases/{family.CaseId}"));
        Assert.Contains("<strong>PHQ-9 item 9: risk of self-harm</strong>", page, StringComparison.Ordinal);

        // The therapist hears of it once, as a risk notification, not again as an alert.
        var notes = await NotificationsAsync(family.CaseId);
        var risk = Assert.Single(notes, n => n.Kind == "risk");
        Assert.StartsWith("High priority: Maya Risk (", risk.Text, StringComparison.Ordinal);
        Assert.EndsWith(", session 1) answered item 9 of PHQ-9 (depression) above 0. Review risk with them today.", risk.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(notes, n => n.Kind == "alert");

        // Withdrawn (entered for the wrong person): the alert goes in the same save; the reason is required.
        var responseId = await ResponseIdAsync(family.Sessions[0], family.Members[0], "phq-9");
        var jonah = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.Equal(HttpStatusCode.NotFound, (await jonah.PostAsJsonAsync($"/api/responses/{responseId}/withdraw", new { reason = "Not mine" }, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tobias.PostAsJsonAsync($"/api/responses/{responseId}/withdraw", new { reason = " " }, Json)).StatusCode);
        var withdrawn = await tobias.PostAsJsonAsync($"/api/responses/{responseId}/withdraw", new { reason = "Answered on the wrong family's link" }, Json);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal(new FeedbackChanges(0, 1, 0), await withdrawn.Content.ReadFromJsonAsync<FeedbackChanges>(Json));
        var after = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "phq9-item9-risk");
        Assert.Equal(AlertStatus.Withdrawn, after.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await tobias.PostAsJsonAsync($"/api/responses/{responseId}/withdraw", new { reason = "Twice" }, Json)).StatusCode);
        var stored = await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses.AsNoTracking().SingleAsync(r => r.Id == responseId));
        Assert.Equal("Answered on the wrong family's link", stored.WithdrawalReason);
    }

    [Fact]
    public async Task APhqNineItemNineAnswerThroughFhirRaisesTheSameAlertAndTheSameRiskNotification()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Owen Fhir"], [0]);
        var phq = Catalog.Get("phq-9");
        var answers = phq.ScoredItems.Select(i => new ItemAnswer(i.LinkId, AnswerValue.Option(i.Options.Single(o => o.Score == 1).Code))).ToList();
        var details = new ResponseDetails(Rater.Client, DateTimeOffset.UtcNow.AddMinutes(-5)) { Subject = $"Patient/{family.Members[0]}", Encounter = $"Encounter/{family.Sessions[0]}" };
        var created = await tobias.PostAsync("/fhir/QuestionnaireResponse", Fhir(QuestionnaireResponseMapper.ToJson(phq, ScoredResponse.Create(phq, answers, details))));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // Every item 1: total 9, item 9 answered 1.
        var alert = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "phq9-item9-risk");
        Assert.Equal(("high", "Owen Fhir"), (alert.Severity, alert.Member));
        Assert.Equal("""[{"sessionNumber":1,"score":9,"item":9,"itemValue":1}]""", alert.EvidenceJson);
        var notes = await NotificationsAsync(family.CaseId);
        var risk = Assert.Single(notes);
        Assert.Equal("risk", risk.Kind);
        Assert.StartsWith("High priority: Owen Fhir (", risk.Text, StringComparison.Ordinal);
        Assert.EndsWith(", session 1) answered item 9 of PHQ-9 (depression) above 0. Review risk with them today.", risk.Text, StringComparison.Ordinal);
        Assert.Contains((await tobias.GetFromJsonAsync<List<NotificationView>>("/api/notifications", Json))!, n => n.Kind == "risk" && n.Text == risk.Text);
    }

    [Fact]
    public async Task FamilyAllianceSplitsWhenTwoMembersAreOneAndAHalfApartOnADimension()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Ana Split", "Ben Split"], [0, 1], [0, 1]);
        async Task AnswerAsync(int session, (int Together, int Different) ana, (int Together, int Different) ben)
        {
            var (_, tokens) = await tobias.IssueAsync(family.Sessions[session], (family.Members[0], ["family-alliance"]), (family.Members[1], ["family-alliance"]));
            Assert.Equal(HttpStatusCode.OK, (await app.Client().AnswerAsync(tokens["Ana Split"], "family-alliance", FamilyAllianceFields(ana.Together, ana.Different))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.Client().AnswerAsync(tokens["Ben Split"], "family-alliance", FamilyAllianceFields(ben.Together, ben.Different))).StatusCode);
        }

        // Shared purpose: Ana 5 + (6 - 2) = 9, 4.5 per item; Ben 4 + (6 - 3) = 7, 3.5: 1.0 apart, no split.
        await AnswerAsync(0, (5, 2), (4, 3));
        Assert.DoesNotContain(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "split-alliance");

        // Session 2: Ben 3 + (6 - 3) = 6, 3.0: 1.5 apart, a split; every other dimension is 4 for both.
        await AnswerAsync(1, (5, 2), (3, 3));
        var split = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "split-alliance");
        Assert.Equal(("medium", 2, "family-alliance", (string)null), (split.Severity, split.SessionNumber, split.Instrument, split.Member));
        Assert.Equal("""[{"sessionNumber":2,"score":4.5,"member":"Ana Split"},{"sessionNumber":2,"score":3,"member":"Ben Split"}]""", split.EvidenceJson);
        Assert.Equal("At session 2 the family members' family-alliance scores were 1.5 apart on Shared sense of purpose within the family (Ana Split 4.5, Ben Split 3); a difference of 1.5 or more on a dimension suggests a split alliance.", split.Message);

        // Evaluating again raises nothing new.
        var changes = await app.AsOperatorAsync(async sp =>
        {
            var result = await sp.GetRequiredService<CaseFeedback>().EvaluateAsync(family.CaseId);
            await sp.GetRequiredService<AllianceDbContext>().SaveChangesAsync();
            return result;
        });
        Assert.Equal(new FeedbackChanges(0, 0, 0), changes);
    }

    [Fact]
    public async Task ObserverRatingsSplitWhenTwoMembersAreThreeApartOnADimension()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Cam Observed", "Dee Observed"], [0, 1], [0, 1]);
        var observer = Catalog.Get("observer-family-alliance");
        async Task PostAsync(int session, int deeEngagement)
        {
            var (cam, dee) = (family.Members[0].ToString(), family.Members[1].ToString());
            List<ItemAnswer> answers =
            [
                new("engagement", AnswerValue.Scale(2)) { MemberId = cam }, new("connection", AnswerValue.Scale(1)) { MemberId = cam },
                new("safety", AnswerValue.Scale(1)) { MemberId = cam },
                new("engagement", AnswerValue.Scale(deeEngagement)) { MemberId = dee }, new("connection", AnswerValue.Scale(0)) { MemberId = dee },
                new("safety", AnswerValue.Scale(0)) { MemberId = dee },
                new("shared-purpose", AnswerValue.Scale(1)), // the family's shared purpose is rated once, not per member
            ];
            var details = new ResponseDetails(Rater.Observer, DateTimeOffset.UtcNow.AddMinutes(-5)) { Subject = $"Patient/{cam}", Encounter = $"Encounter/{family.Sessions[session]}" };
            var created = await tobias.PostAsync("/fhir/QuestionnaireResponse", Fhir(QuestionnaireResponseMapper.ToJson(observer, ScoredResponse.Create(observer, answers, details))));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await PostAsync(0, deeEngagement: 0); // engagement 2 and 0: 2 apart
        Assert.DoesNotContain(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "split-alliance");
        await PostAsync(1, deeEngagement: -1); // 2 and -1: 3 apart
        var split = Assert.Single(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => a.Kind == "split-alliance");
        Assert.Equal((2, "observer-family-alliance"), (split.SessionNumber, split.Instrument));
        Assert.Equal("""[{"sessionNumber":2,"score":2,"member":"Cam Observed"},{"sessionNumber":2,"score":-1,"member":"Dee Observed"}]""", split.EvidenceJson);
        Assert.Contains("3 apart on Engagement in the therapeutic process (Cam Observed 2, Dee Observed -1)", split.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorrectionThroughThePaperFormReEvaluatesTheAlertsAndTheAuditKeepsBothEntries()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Eli Corrected"], [0], [0]);
        string PaperUrl(int session) => $"/sessions/{family.Sessions[session]}/measures/paper?member={family.Members[0]}&instrument=alliance-check";
        async Task<HttpResponseMessage> PaperAsync(int session, Dictionary<string, string> fields) => await tobias.PostFormAsync(PaperUrl(session), fields, PaperUrl(session));

        // 10 + 9 + 10 + 9 = 38, then 8 + 7 + 7 + 7 = 29 copied from paper: a drop of 9 (a rupture) and 29 below 36 (low alliance).
        Assert.Equal(HttpStatusCode.Redirect, (await PaperAsync(0, Questionnaires.Alliance(10, 9, 10, 9))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PaperAsync(1, Questionnaires.Alliance(8, 7, 7, 7))).StatusCode);
        var before = await FeedbackFamilies.AlertsAsync(tobias, family.CaseId);
        Assert.Equal(["low-alliance", "rupture"], before.Where(a => a.SessionNumber == 2).Select(a => a.Kind).Order());

        // Opening the form again shows the saved answers and asks why; without a reason nothing changes.
        var form = WebUtility.HtmlDecode(await tobias.GetStringAsync(PaperUrl(1)));
        Assert.Contains("already has Alliance check at this session (29)", form, StringComparison.Ordinal);
        Assert.Contains("Why are you correcting the saved answers?", form, StringComparison.Ordinal);
        var corrected = Questionnaires.Alliance(10, 9, 9, 9); // 37: within 1 of 38, and 36 or more
        var refused = await PaperAsync(1, corrected);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Say why, in 1 to 500 characters.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        corrected["Reason"] = "Copied session 1's sheet for the wrong week";
        Assert.Equal(HttpStatusCode.Redirect, (await PaperAsync(1, corrected)).StatusCode);
        var after = await FeedbackFamilies.AlertsAsync(tobias, family.CaseId);
        Assert.All(after.Where(a => a.SessionNumber == 2 && a.Kind is "rupture" or "low-alliance"), a => Assert.Equal(AlertStatus.Withdrawn, a.Status));

        var responseId = await ResponseIdAsync(family.Sessions[1], family.Members[0], "alliance-check");
        var (response, audit) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var r = await db.Responses.AsNoTracking().SingleAsync(x => x.Id == responseId);
            var entries = await db.AuditEntries.AsNoTracking().Where(e => e.RecordType == "response" && e.RecordId == responseId.ToString()).OrderBy(e => e.Sequence).ToListAsync();
            return (r, entries);
        });
        Assert.Equal((37m, "Copied session 1's sheet for the wrong week", ResponseSource.Paper), (response.Score, response.CorrectionReason, response.Source));
        Assert.NotNull(response.CorrectedAt);
        Assert.Equal([AuditActions.Create, AuditActions.Update], audit.Where(e => e.Action != AuditActions.Read).Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal("Tobias Wrenfield", e.ActorName));
        Assert.Single(await app.AsOperatorAsync(sp => sp.GetRequiredService<AllianceDbContext>().Responses.Where(r => r.SessionId == family.Sessions[1]).ToListAsync()));
    }

    [Fact]
    public async Task WithdrawingAScoreOnTheMeasuresPageWithdrawsTheAlertsItRaised()
    {
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var family = await FeedbackFamilies.CreateAsync(tobias, ["Fay Withdrawn"], [0], [0]);
        await FeedbackFamilies.ScoreAsync(app, family, (0, 0, "alliance-check", 38, "{}"), (1, 0, "alliance-check", 29, "{}"));
        Assert.Equal(2, (await FeedbackFamilies.AlertsAsync(tobias, family.CaseId)).Count(a => a.Status == AlertStatus.Open));
        var url = $"/sessions/{family.Sessions[1]}/measures";
        var responseId = await ResponseIdAsync(family.Sessions[1], family.Members[0], "alliance-check");

        var page = await tobias.GetStringAsync(url);
        Assert.Contains("Correct or withdraw a score", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{responseId}\"", page, StringComparison.Ordinal);
        var refused = await tobias.PostFormAsync($"{url}?handler=Withdraw", new() { ["responseId"] = responseId.ToString(), ["reason"] = "" }, url);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Say why, in 1 to 500 characters.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var posted = await tobias.PostFormAsync($"{url}?handler=Withdraw", new() { ["responseId"] = responseId.ToString(), ["reason"] = "Fay's sheet was for another session" }, url);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.All(await FeedbackFamilies.AlertsAsync(tobias, family.CaseId), a => Assert.Equal(AlertStatus.Withdrawn, a.Status));
        Assert.DoesNotContain($"value=\"{responseId}\"", await tobias.GetStringAsync(url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FeedbackConsistencyIsTheShareOfHeldSessionsWithMeasuresTakenAndDiscussed()
    {
        var email = $"quinn{Guid.NewGuid():N}@harbourlight.example";
        var (therapistId, caseId) = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var agency = await db.Agencies.SingleAsync(a => a.IsDemo);
            var quinn = await sp.GetRequiredService<StaffAccounts>().CreateAsync(agency.Id, new NewStaff(email, "Quinn Consistent", [StaffRoles.Therapist]), AllianceWebFactory.Password);
            var tobias = await db.Users.Where(u => u.Email == AllianceWebFactory.Therapist).Select(u => u.Id).SingleAsync();
            var supervisor = await db.Users.Where(u => u.Email == AllianceWebFactory.Supervisor).Select(u => u.Id).SingleAsync();
            db.SupervisionLines.Add(new SupervisionLine(agency.Id, supervisor, quinn.Id, DateTime.UtcNow.AddDays(-1)));
            var now = DateTime.UtcNow;
            var c = Case.Open(agency.Id, "Consistency family", quinn.Id, null, quinn.Id, now.AddDays(-130));
            var member = c.AddMember("Gale Consistent", FamilyRole.Parent, 1979, now.AddDays(-130));
            // (days ago, who led it, measured, discussed): 100 days ago is outside the window; Tobias's session is not Quinn's.
            (int DaysAgo, Guid Lead, bool Measured, bool Discussed)[] held =
                [(100, quinn.Id, true, true), (80, quinn.Id, true, true), (60, quinn.Id, true, true), (40, quinn.Id, true, true), (20, quinn.Id, true, false), (15, tobias, true, true)];
            foreach (var (daysAgo, lead, measured, discussed) in held)
            {
                var s = c.CurrentEpisode.ScheduleSession(now.AddDays(-daysAgo), 60, lead, now.AddDays(-daysAgo - 7));
                s.RecordHeld(now.AddDays(-daysAgo), now.AddDays(-daysAgo).AddMinutes(50), [member.Id], Modality.InPerson, null, now);
                s.RecordFeedback(discussed);
                if (measured) db.Responses.Add(new Response(s, member.Id, "alliance-check", RaterRole.Client, null, 38, null, false, "{}", ResponseSource.Paper, now));
            }
            c.CurrentEpisode.ScheduleSession(now.AddDays(-10), 60, quinn.Id, now.AddDays(-17)).Cancel("Family unwell");
            db.Cases.Add(c);
            await db.SaveChangesAsync();
            return (quinn.Id, c.Id);
        });

        // Held and led by Quinn in the last 90 days: 80, 60, 40 and 20 days ago; measured in all four, discussed in three.
        var quinnClient = await app.SignedInAsync(email);
        async Task<JsonElement> ConsistencyAsync() => (await quinnClient.GetFromJsonAsync<JsonElement>("/api/me/feedback-consistency", Json));
        var first = await ConsistencyAsync();
        Assert.Equal((therapistId.ToString(), 90, 4, 4, 3, 0.75m, 75),
            (first.GetProperty("therapistId").GetString(), first.GetProperty("days").GetInt32(), first.GetProperty("heldSessions").GetInt32(),
             first.GetProperty("withMeasures").GetInt32(), first.GetProperty("discussed").GetInt32(), first.GetProperty("share").GetDecimal(), first.GetProperty("percent").GetInt32()));
        Assert.Contains("<strong>75%</strong>", await quinnClient.GetStringAsync("/me/feedback"), StringComparison.Ordinal);

        // A held session without measures (discussed or not) counts against the share: 3 of 5, 60%; one whose only
        // response was withdrawn is without measures too: 3 of 6, 50%.
        await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var c = await db.Cases.Include(x => x.Members).Include(x => x.Episodes).ThenInclude(e => e.Sessions).SingleAsync(x => x.Id == caseId);
            var now = DateTime.UtcNow;
            var plain = c.CurrentEpisode.ScheduleSession(now.AddDays(-5), 60, therapistId, now.AddDays(-12));
            plain.RecordHeld(now.AddDays(-5), now.AddDays(-5).AddMinutes(50), [c.Members[0].Id], Modality.InPerson, null, now);
            plain.RecordFeedback(true);
            db.Sessions.Add(plain);
            await db.SaveChangesAsync();
            var withdrawnOnly = c.CurrentEpisode.ScheduleSession(now.AddDays(-2), 60, therapistId, now.AddDays(-9));
            withdrawnOnly.RecordHeld(now.AddDays(-2), now.AddDays(-2).AddMinutes(50), [c.Members[0].Id], Modality.InPerson, null, now);
            withdrawnOnly.RecordFeedback(true);
            db.Sessions.Add(withdrawnOnly);
            var response = new Response(withdrawnOnly, c.Members[0].Id, "alliance-check", RaterRole.Client, null, 30, null, false, "{}", ResponseSource.Paper, now);
            response.Withdraw("Not this family's sheet", now);
            db.Responses.Add(response);
            return await db.SaveChangesAsync();
        });
        var second = await ConsistencyAsync();
        Assert.Equal((6, 4, 3, 0.5m, 50), (second.GetProperty("heldSessions").GetInt32(), second.GetProperty("withMeasures").GetInt32(),
            second.GetProperty("discussed").GetInt32(), second.GetProperty("share").GetDecimal(), second.GetProperty("percent").GetInt32()));

        // The supervisor sees it under the supervisee's caseload; an admin has no consistency of their own to read.
        var supervisor = await app.SignedInAsync(AllianceWebFactory.Supervisor);
        var overview = WebUtility.HtmlDecode(await supervisor.GetStringAsync("/supervision"));
        Assert.Contains("Feedback consistency: Measures taken and feedback discussed in 3 of 6 held sessions in the last 90 days (50%); measures were taken in 4.", overview, StringComparison.Ordinal);
        var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/me/feedback-consistency")).StatusCode);
    }
}
