using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alliance.Application.Measures;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alliance.Web.Tests;

/// <summary>
/// The demo app on a fresh database with a clock the tests move (the app takes its <see cref="TimeProvider"/> from
/// DI). The clock starts now and moves a millisecond at every reading, so that records keep their order.
/// </summary>
public sealed class MeasuresApp : IDisposable
{
    private readonly AllianceWebFactory _inner = new();

    public MeasuresApp()
    {
        Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        Web = _inner.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock)));
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public WebApplicationFactory<Program> Web { get; }

    /// <summary>The data folder: the SQLite database and its write-ahead log live here.</summary>
    public string DataFolder => _inner.DataFolder;

    public HttpClient Client() => Web.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        BaseAddress = new Uri("https://localhost"),
    });

    public async Task<HttpClient> SignedInAsync(string email)
    {
        var client = Client();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Input.Email"] = email, ["Input.Password"] = AllianceWebFactory.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async Task<T> AsOperatorAsync<T>(Func<AllianceDbContext, Task<T>> work)
    {
        await using var scope = Web.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
        return await work(scope.ServiceProvider.GetRequiredService<AllianceDbContext>());
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>A session made for one test in the Applewhite family (Tobias its therapist, Amara co-therapist).</summary>
public sealed record TestSession(Guid Id, Guid CaseId, Guid Maya, Guid Owen, Guid Lily);

/// <summary>What the questionnaire tests do over HTTP, as a therapist and as a family member.</summary>
public static partial class Questionnaires
{
    [GeneratedRegex("<h3>([^<]+)</h3>.*?https://localhost/q/([A-Za-z0-9_-]{43})", RegexOptions.Singleline)]
    private static partial Regex IssuedLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    /// <summary>Schedules a session for the Applewhite family an hour ago and, unless told otherwise, records it held with everyone there.</summary>
    public static Task<TestSession> NewSessionAsync(this MeasuresApp app, bool held = true) => app.AsOperatorAsync(async db =>
    {
        var family = await db.Cases.Include(c => c.Members).Include(c => c.Episodes).ThenInclude(e => e.Sessions)
            .SingleAsync(c => c.Name == "Applewhite family");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var session = family.CurrentEpisode.ScheduleSession(now.AddHours(-2), 60, family.PrimaryTherapistId, now.AddDays(-3));
        if (held) session.RecordHeld(now.AddHours(-2), now.AddHours(-1), family.Members.Select(m => m.Id).ToList(), Modality.InPerson, null, now);
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        Guid Id(string name) => family.Members.Single(m => m.DisplayName == name).Id;
        return new TestSession(session.Id, family.Id, Id("Maya Applewhite"), Id("Owen Applewhite"), Id("Lily Applewhite"));
    });

    /// <summary>Issues links from the session's page; returns the page and each member's token by name.</summary>
    public static async Task<(string Html, Dictionary<string, string> Tokens)> IssueAsync(this HttpClient therapist, Guid sessionId, params (Guid Member, string[] Instruments)[] choices)
    {
        var fields = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < choices.Length; i++)
        {
            fields.Add(new($"Choices[{i}].MemberId", choices[i].Member.ToString()));
            fields.AddRange(choices[i].Instruments.Select(id => new KeyValuePair<string, string>($"Choices[{i}].Instruments", id)));
        }
        var response = await therapist.PostFormAsync($"/sessions/{sessionId}/measures?handler=Issue", fields, $"/sessions/{sessionId}/measures");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The links are shown this once: the answer is never cached.
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.Content.ReadAsStringAsync();
        var tokens = IssuedLink().Matches(html).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return (html, tokens);
    }

    /// <summary>The antiforgery token of a page's form.</summary>
    public static async Task<string> FormTokenAsync(this HttpClient client, string url)
    {
        var match = FormToken().Match(await client.GetStringAsync(url));
        Assert.True(match.Success, $"no form on {url}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts answers through a link, with the form token given (or read from the link's page now).</summary>
    public static async Task<HttpResponseMessage> AnswerAsync(this HttpClient family, string token, string instrument, Dictionary<string, string> answers, string? formToken = null)
    {
        formToken ??= await family.FormTokenAsync($"/q/{token}");
        var fields = new Dictionary<string, string>(answers) { ["instrument"] = instrument, ["__RequestVerificationToken"] = formToken };
        return await family.PostAsync($"/q/{token}", new FormUrlEncodedContent(fields));
    }

    /// <summary>Alliance-check answers, in the field names of the form.</summary>
    public static Dictionary<string, string> Alliance(int heard, int goals, int approach, int overall) => new()
    {
        ["a.heard"] = heard.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["a.goals"] = goals.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["a.approach"] = approach.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["a.overall"] = overall.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Task<List<Response>> ResponsesAsync(this MeasuresApp app, Guid sessionId) =>
        app.AsOperatorAsync(db => db.Responses.Where(r => r.SessionId == sessionId).OrderBy(r => r.RecordedAt).ToListAsync());
}

[Trait("Capability", "Measures")]
public sealed class QuestionnaireLinkTests(MeasuresApp app) : IClassFixture<MeasuresApp>
{
    [Fact]
    public async Task DefaultsFitEachMembersAgeAndLeavePhqNineAndGadSevenToTheTherapist()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var html = await therapist.GetStringAsync($"/sessions/{s.Id}/measures");

        // Members in family order: Maya (41), Owen (43), Lily (11); the episode is active and all three came.
        bool Ticked(int member, string id) => html.Contains($"name=\"Choices[{member}].Instruments\" value=\"{id}\" checked=\"checked\"", StringComparison.Ordinal);
        bool Offered(int member, string id) => html.Contains($"name=\"Choices[{member}].Instruments\" value=\"{id}\"", StringComparison.Ordinal);
        Assert.True(Ticked(0, "alliance-check") && Ticked(0, "wellbeing-check") && Ticked(0, "family-alliance"));
        Assert.True(Offered(0, "phq-9") && !Ticked(0, "phq-9") && Offered(0, "gad-7") && !Ticked(0, "gad-7"));
        Assert.True(Ticked(2, "child-alliance-check") && Ticked(2, "child-wellbeing-check"));
        Assert.False(Offered(2, "alliance-check") || Offered(2, "phq-9"));
        Assert.False(Offered(0, "child-alliance-check"));
    }

    [Fact]
    public async Task IssuingShowsEachLinkOnceWithAQrCodeAndStoresOnlyItsHash()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (html, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check", "wellbeing-check"]), (s.Lily, ["child-alliance-check"]));

        Assert.Equal(["Lily Applewhite", "Maya Applewhite"], tokens.Keys.Order());
        Assert.Equal(2, Regex.Count(html, "<img src=\"data:image/png;base64,"));

        var links = await app.AsOperatorAsync(db => db.QuestionnaireLinks.Where(l => l.SessionId == s.Id).ToListAsync());
        Assert.Equal(2, links.Count);
        foreach (var (name, token) in tokens)
        {
            // 256 random bits in base64url; the database keeps its SHA-256 only.
            Assert.Equal(32, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "=").Length);
            var link = links.Single(l => l.MemberId == (name == "Maya Applewhite" ? s.Maya : s.Lily));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), link.TokenHash);
            Assert.Equal(QuestionnaireLink.DefaultLifetime, link.ExpiresAt - link.CreatedAt);
        }
        Assert.Equal(["alliance-check", "wellbeing-check"], links.Single(l => l.MemberId == s.Maya).InstrumentIds);

        // The token is nowhere in the database files (the write-ahead log included), nor on the page shown again.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(app.DataFolder, "*", SearchOption.AllDirectories))
        {
            using var copy = new MemoryStream();
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                await stream.CopyToAsync(copy);
            }
            catch (FileNotFoundException)
            {
                continue; // SQLite removed its shared-memory file as the last connection closed: nothing in it to read.
            }
            foreach (var token in tokens.Values)
                Assert.DoesNotContain(token, Encoding.UTF8.GetString(copy.ToArray()), StringComparison.Ordinal);
        }
        var again = await therapist.GetStringAsync($"/sessions/{s.Id}/measures");
        Assert.All(tokens.Values, token => Assert.DoesNotContain(token, again, StringComparison.Ordinal));
        Assert.Contains("Link sent, not answered yet", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberAnswersEachQuestionnaireInTurnAndTheSavedScoreMatchesAHandWorkedExample()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check", "wellbeing-check"]));
        var token = tokens["Maya Applewhite"];
        var family = app.Client();

        var first = await family.GetAsync($"/q/{token}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True(first.Headers.CacheControl?.NoStore);
        var page = await first.Content.ReadAsStringAsync();
        Assert.Contains("Questionnaire 1 of 2", page, StringComparison.Ordinal);
        Assert.Contains("<legend class=\"q-question\"><span class=\"q-number\">1.</span> In today&#x27;s session I felt listened to", page, StringComparison.Ordinal);
        Assert.Contains("Keep this private from my family", page, StringComparison.Ordinal);

        // 9 + 8 + 10 + 7 = 34 (of 0-40), with a comment kept private from the family.
        var answers = Questionnaires.Alliance(9, 8, 10, 7);
        answers["a.comment"] = "I felt rushed at the end.";
        answers["p.comment"] = "true";
        var sent = await family.AnswerAsync(token, "alliance-check", answers);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"/q/{token}", sent.Headers.Location?.ToString());

        var second = await family.GetStringAsync($"/q/{token}");
        Assert.Contains("Questionnaire 2 of 2", second, StringComparison.Ordinal);
        Assert.Contains("Well-being check", second, StringComparison.Ordinal);
        // 5 + 6 + 7 + 6 = 24.
        var done = await family.AnswerAsync(token, "wellbeing-check", new() { ["a.personal"] = "5", ["a.relationships"] = "6", ["a.social"] = "7", ["a.overall"] = "6" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Your answers have gone to your therapist", await done.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var saved = await app.ResponsesAsync(s.Id);
        Assert.Equal(["alliance-check", "wellbeing-check"], saved.Select(r => r.InstrumentId));
        Assert.All(saved, r => Assert.True(r.MemberId == s.Maya && r.Source == ResponseSource.Link && r.Rater == RaterRole.Client && !r.RiskFlag));
        Assert.Equal(34m, saved[0].Score);
        Assert.Equal(24m, saved[1].Score);

        // The answers are the instrument's QuestionnaireResponse, which reads back to the same score and the private comment.
        var read = QuestionnaireResponseMapper.FromJson(saved[0].AnswersJson!, InstrumentCatalog.CreateWithBuiltIns());
        Assert.True(read.Succeeded, string.Join("; ", read.Errors));
        Assert.Equal(34m, read.Response!.Score.Total);
        Assert.True(read.Response.Answers.Single(a => a.LinkId == "comment").IsPrivate);
        Assert.DoesNotContain(read.Response.AnswersForFamily, a => a.LinkId == "comment");

        // The link is closed, and the writes are in the audit trail as the family member's.
        var link = await app.AsOperatorAsync(db => db.QuestionnaireLinks.SingleAsync(l => l.SessionId == s.Id));
        Assert.NotNull(link.CompletedAt);
        var ids = saved.Select(r => r.Id.ToString()).ToList();
        var audit = await app.AsOperatorAsync(db => db.AuditEntries.Where(a => a.RecordType == "response" && ids.Contains(a.RecordId)).ToListAsync());
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.True(a.ActorKind == AuditActorKind.Family && a.ActorId == s.Maya));
    }

    [Fact]
    public async Task AUsedLinkGetsAFriendlyPageAndCannotAnswerAgain()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Owen, ["alliance-check"]));
        var token = tokens["Owen Applewhite"];
        var family = app.Client();
        var formToken = await family.FormTokenAsync($"/q/{token}");
        Assert.Equal(HttpStatusCode.OK, (await family.AnswerAsync(token, "alliance-check", Questionnaires.Alliance(6, 6, 6, 6), formToken)).StatusCode);

        var reopened = await family.GetAsync($"/q/{token}");
        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        var text = await reopened.Content.ReadAsStringAsync();
        Assert.Contains("These questions are already answered", text, StringComparison.Ordinal);
        Assert.Contains("ask your therapist for a new link", text, StringComparison.Ordinal);

        // The same form sent again (a second tab, the back button) saves nothing.
        var replay = await family.AnswerAsync(token, "alliance-check", Questionnaires.Alliance(1, 1, 1, 1), formToken);
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.Equal([24m], (await app.ResponsesAsync(s.Id)).Select(r => r.Score));
    }

    [Fact]
    public async Task AnExpiredLinkGetsAFriendlyPageAndSavesNothing()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check"]));
        var token = tokens["Maya Applewhite"];
        var family = app.Client();
        var formToken = await family.FormTokenAsync($"/q/{token}");

        app.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(HttpStatusCode.OK, (await family.GetAsync($"/q/{token}")).StatusCode);
        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        var expired = await family.GetAsync($"/q/{token}");
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        var text = await expired.Content.ReadAsStringAsync();
        Assert.Contains("This link has expired", text, StringComparison.Ordinal);
        Assert.Contains("Ask your therapist for a new link", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, (await family.AnswerAsync(token, "alliance-check", Questionnaires.Alliance(9, 9, 9, 9), formToken)).StatusCode);
        Assert.Empty(await app.ResponsesAsync(s.Id));
    }

    [Fact]
    public async Task ALinkAnswersOnlyForItsOwnMember()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["wellbeing-check"]), (s.Owen, ["alliance-check"]));
        var owens = tokens["Owen Applewhite"];
        var family = app.Client();

        // Owen's link naming Maya, or Maya's questionnaire, still answers only Owen's own questionnaire.
        var answers = Questionnaires.Alliance(3, 4, 5, 6);
        answers["memberId"] = s.Maya.ToString();
        answers["MemberId"] = s.Maya.ToString();
        answers["about"] = s.Maya.ToString();
        var wrongQuestionnaire = await family.AnswerAsync(owens, "wellbeing-check", new() { ["a.personal"] = "1", ["a.relationships"] = "1", ["a.social"] = "1", ["a.overall"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, wrongQuestionnaire.StatusCode);
        Assert.Empty(await app.ResponsesAsync(s.Id));
        Assert.Equal(HttpStatusCode.OK, (await family.AnswerAsync(owens, "alliance-check", answers)).StatusCode);

        var saved = Assert.Single(await app.ResponsesAsync(s.Id));
        Assert.Equal((s.Owen, "alliance-check", 18m), (saved.MemberId, saved.InstrumentId, saved.Score));
        // Maya's own link is untouched and still asks her questionnaire.
        var mayas = await family.GetStringAsync($"/q/{tokens["Maya Applewhite"]}");
        Assert.Contains("Well-being check", mayas, StringComparison.Ordinal);
        Assert.Contains("for Maya Applewhite", mayas, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAlteredOrReplacedLinkFindsNothingAndSaysWhatToDo()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, first) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check"]));
        var token = first["Maya Applewhite"];
        var family = app.Client();

        var altered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        foreach (var bad in new[] { altered, token[..^1], token + "x", new string(token.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray()) })
        {
            var response = await family.GetAsync($"/q/{bad}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("This link does not work", text, StringComparison.Ordinal);
            Assert.Contains("ask your therapist for a new link", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Maya", text, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await family.GetAsync($"/q/{token}")).StatusCode);

        // Issuing again for the same member and session replaces the link she has not used.
        var (_, second) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check", "wellbeing-check"]));
        Assert.Equal(HttpStatusCode.NotFound, (await family.GetAsync($"/q/{token}")).StatusCode);
        Assert.Contains("Questionnaire 1 of 2", await family.GetStringAsync($"/q/{second["Maya Applewhite"]}"), StringComparison.Ordinal);
        Assert.Single(await app.AsOperatorAsync(db => db.QuestionnaireLinks.Where(l => l.SessionId == s.Id).ToListAsync()));
    }

    [Fact]
    public async Task PhqNineItemNineAboveZeroTellsBothTherapistsAndShowsTheMemberCrisisContacts()
    {
        var phq = InstrumentCatalog.BuiltIns.Single(i => i.Id == "phq-9");
        Dictionary<string, string> Answers(int itemNine) => Enumerable.Range(1, 9).ToDictionary(
            n => $"a.phq9-{n}", n => phq.FindItem($"phq9-{n}")!.Options.Single(o => o.Score == (n == 9 ? itemNine : 0)).Code);
        async Task SetContactsAsync(string contacts)
        {
            var admin = await app.SignedInAsync(AllianceWebFactory.Admin);
            var fields = new List<KeyValuePair<string, string>>
            {
                new("Input.Name", "Harbourlight Family Services (demo)"), new("Input.TimeZoneId", "Europe/London"),
                new("Input.WorkdayStart", "08:00"), new("Input.WorkdayEnd", "18:00"), new("Input.CrisisContacts", contacts),
            };
            fields.AddRange(new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }.Select(d => new KeyValuePair<string, string>("Input.WorkingDays", d)));
            var saved = await admin.PostFormAsync("/admin/settings", fields, "/admin/settings");
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        // Without contacts set, the member is told what to do anywhere.
        await SetContactsAsync("");
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["phq-9", "gad-7"]));
        var family = app.Client();
        var answered = await family.AnswerAsync(tokens["Maya Applewhite"], "phq-9", Answers(itemNine: 1));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var page = await answered.Content.ReadAsStringAsync();
        Assert.Contains("If you need help now", page, StringComparison.Ordinal);
        Assert.Contains("call your local emergency number", page, StringComparison.Ordinal);
        Assert.Contains("Continue to the next questions", page, StringComparison.Ordinal);

        var response = Assert.Single(await app.ResponsesAsync(s.Id));
        Assert.True(response.RiskFlag);
        Assert.Equal(1m, response.Score);
        var notes = await app.AsOperatorAsync(db => db.Notifications.Where(n => n.CaseId == s.CaseId && n.Kind == "risk").ToListAsync());
        var recipients = await app.AsOperatorAsync(db => db.Users.Where(u => u.Email == AllianceWebFactory.Therapist || u.Email == AllianceWebFactory.OtherTherapist).Select(u => u.Id).ToListAsync());
        Assert.Equal(recipients.Order(), notes.Select(n => n.RecipientId).Order());
        Assert.All(notes, n =>
        {
            Assert.StartsWith("High priority: Maya Applewhite", n.Text, StringComparison.Ordinal);
            Assert.Contains("item 9 of PHQ-9 (depression) above 0", n.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("Several days", n.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("better off dead", n.Text, StringComparison.Ordinal);
        });
        Assert.Contains("item 9 of PHQ-9", await therapist.GetStringAsync("/inbox"), StringComparison.Ordinal);
        Assert.Contains("Risk flag: review risk with them today", await therapist.GetStringAsync($"/sessions/{s.Id}/measures"), StringComparison.Ordinal);

        // With the agency's own contacts, the member sees those, whatever the hour.
        await SetContactsAsync("Harbourlight duty line (day and night): 0161 496 0000\nOut of hours: the crisis team on 0161 496 0999");
        var now = app.Clock.GetUtcNow();
        app.Clock.Advance(new DateTimeOffset(now.UtcDateTime.Date.AddDays(2).AddHours(3), TimeSpan.Zero) - now); // 03:00, long after working hours
        therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var night = await app.NewSessionAsync();
        var (_, again) = await therapist.IssueAsync(night.Id, (night.Owen, ["phq-9"]));
        var late = await app.Client().AnswerAsync(again["Owen Applewhite"], "phq-9", Answers(itemNine: 3));
        var latePage = await late.Content.ReadAsStringAsync();
        Assert.Contains("Harbourlight duty line (day and night): 0161 496 0000", latePage, StringComparison.Ordinal);
        Assert.Contains("<li>Out of hours: the crisis team on 0161 496 0999</li>", latePage, StringComparison.Ordinal);
        Assert.DoesNotContain("call your local emergency number", latePage, StringComparison.Ordinal);
        Assert.Contains("Your answers have gone to your therapist", latePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaperEntryWithAnErrorNamesTheItemAndSavesNothingThenSavesWithSourcePaper()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var url = $"/sessions/{s.Id}/measures/paper?member={s.Maya}&instrument=alliance-check";
        Assert.Contains("We spent the session on the things I wanted to work on.", await therapist.GetStringAsync(url), StringComparison.Ordinal);

        var wrong = await therapist.PostFormAsync(url, Questionnaires.Alliance(9, 11, 10, 7), url);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var html = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
        Assert.Contains("Question 2 (We spent the session on the things I wanted to work on.): 11 is outside the scale 0 to 10.", html, StringComparison.Ordinal);
        Assert.Matches("<p class=\"error\" id=\"q-goals-error\">11 is outside the scale 0 to 10.</p>", html);
        Assert.Contains("value=\"9\" checked=\"checked\"", html, StringComparison.Ordinal);
        Assert.Empty(await app.ResponsesAsync(s.Id));

        var notNumber = WebUtility.HtmlDecode(await (await therapist.PostFormAsync(url, new() { ["a.heard"] = "nine" }, url)).Content.ReadAsStringAsync());
        Assert.Contains("Question 1 (In today's session I felt listened to, understood and…): Enter a whole number.", notNumber, StringComparison.Ordinal);

        var saved = await therapist.PostFormAsync(url, Questionnaires.Alliance(9, 8, 10, 7), url);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var response = Assert.Single(await app.ResponsesAsync(s.Id));
        Assert.Equal((s.Maya, ResponseSource.Paper, RaterRole.Client, 34m), (response.MemberId, response.Source, response.Rater, response.Score));
        Assert.Contains("Alliance check for Maya Applewhite is saved: 34.", await therapist.GetStringAsync(saved.Headers.Location!.ToString()), StringComparison.Ordinal);

        // Blanks on paper are allowed; the missing-item rule decides (every alliance-check item is needed for a total).
        var partial = await therapist.PostFormAsync($"/sessions/{s.Id}/measures/paper?member={s.Owen}&instrument=alliance-check",
            new() { ["a.heard"] = "7", ["a.goals"] = "7" }, $"/sessions/{s.Id}/measures/paper?member={s.Owen}&instrument=alliance-check");
        Assert.Equal(HttpStatusCode.Redirect, partial.StatusCode);
        var unscored = (await app.ResponsesAsync(s.Id)).Single(r => r.MemberId == s.Owen);
        Assert.Null(unscored.Score);
        Assert.NotNull(unscored.UnscorableReason);
    }

    [Fact]
    public async Task TheLiveEndpointReportsWhoHasAnsweredAndOnlyToTheCasesClinicians()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check"]), (s.Lily, ["child-alliance-check", "child-wellbeing-check"]));

        async Task<JsonElement> StatusAsync(HttpClient client)
        {
            var response = await client.GetAsync($"/api/sessions/{s.Id}/measures");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        }
        JsonElement Member(JsonElement status, Guid id) => status.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == id);

        var before = await StatusAsync(therapist);
        Assert.Equal("0 of 2 members have answered everything.", before.GetProperty("summary").GetString());
        Assert.Equal("waiting", Member(before, s.Maya).GetProperty("state").GetString());
        Assert.Equal("none", Member(before, s.Owen).GetProperty("state").GetString());

        var family = app.Client();
        await family.AnswerAsync(tokens["Maya Applewhite"], "alliance-check", Questionnaires.Alliance(9, 8, 10, 7));
        await family.AnswerAsync(tokens["Lily Applewhite"], "child-alliance-check", Questionnaires.Alliance(10, 10, 9, 10));

        var after = await StatusAsync(await app.SignedInAsync(AllianceWebFactory.OtherTherapist));
        Assert.Equal("1 of 2 members have answered everything.", after.GetProperty("summary").GetString());
        var maya = Member(after, s.Maya);
        Assert.Equal(("done", "All answered"), (maya.GetProperty("state").GetString(), maya.GetProperty("status").GetString()));
        Assert.Equal(34m, maya.GetProperty("scores")[0].GetProperty("score").GetDecimal());
        Assert.Equal("Alliance check: 34 (range 0–40), in the clinical range", maya.GetProperty("scores")[0].GetProperty("text").GetString());
        var lily = Member(after, s.Lily);
        Assert.Equal(("answering", "Answering: 1 of 2 answered"), (lily.GetProperty("state").GetString(), lily.GetProperty("status").GetString()));
        Assert.Equal("Alliance check for children: 39 (range 0–40)", lily.GetProperty("scores")[0].GetProperty("text").GetString());
        // Scores only: never the answers.
        Assert.DoesNotContain("\"heard\"", after.GetRawText(), StringComparison.Ordinal);

        var unrelated = await app.SignedInAsync("jonah@harbourlight.example");
        Assert.Equal(HttpStatusCode.NotFound, (await unrelated.GetAsync($"/api/sessions/{s.Id}/measures")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync($"/api/sessions/{s.Id}/measures")).StatusCode);
    }

    [Fact]
    public async Task ACaseLinksEachSessionToItsQuestionnaires()
    {
        var s = await app.NewSessionAsync(held: false);
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        Assert.Contains($"href=\"/sessions/{s.Id}/measures\"", await therapist.GetStringAsync($"/cases/{s.CaseId}"), StringComparison.Ordinal);
        // A planned session: links go to the whole family; paper waits for the session to be recorded.
        var page = await therapist.GetStringAsync($"/sessions/{s.Id}/measures");
        Assert.Contains("Paper forms can be entered once the session is recorded as held.", page, StringComparison.Ordinal);
        Assert.Contains("Paper forms belong to a held session.", await therapist.GetStringAsync($"/sessions/{s.Id}/measures/paper?member={s.Maya}&instrument=alliance-check"), StringComparison.Ordinal);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Owen, ["alliance-check"]));
        Assert.Equal(HttpStatusCode.OK, (await app.Client().AnswerAsync(tokens["Owen Applewhite"], "alliance-check", Questionnaires.Alliance(5, 5, 5, 5))).StatusCode);
        Assert.Equal(20m, Assert.Single(await app.ResponsesAsync(s.Id)).Score);
    }
}

/// <summary>Guessing links: failed look-ups are limited per address, successful ones never are. A fresh app of its own, so no other test's failures count.</summary>
[Trait("Capability", "Measures")]
public sealed class QuestionnaireLinkGuessingTests(MeasuresApp app) : IClassFixture<MeasuresApp>
{
    [Fact]
    public async Task TenFailedLookUpsFromOneAddressThenTooManyTriesWhileAGoodLinkStillWorks()
    {
        var s = await app.NewSessionAsync();
        var therapist = await app.SignedInAsync(AllianceWebFactory.Therapist);
        var (_, tokens) = await therapist.IssueAsync(s.Id, (s.Maya, ["alliance-check"]));
        var token = tokens["Maya Applewhite"];
        var guesser = app.Client();

        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.NotFound, (await guesser.GetAsync($"/q/{Guess()}")).StatusCode);
        var limited = await guesser.GetAsync($"/q/{Guess()}");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Too many tries", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.GetAsync("/q/not-a-token")).StatusCode);

        // The real link still opens and answers from the same address.
        Assert.Equal(HttpStatusCode.OK, (await guesser.GetAsync($"/q/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guesser.AnswerAsync(token, "alliance-check", Questionnaires.Alliance(9, 8, 10, 7))).StatusCode);
        Assert.Equal(34m, Assert.Single(await app.ResponsesAsync(s.Id)).Score);

        // Ten minutes later the address may try again.
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.NotFound, (await guesser.GetAsync($"/q/{Guess()}")).StatusCode);
    }

    private static string Guess() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
