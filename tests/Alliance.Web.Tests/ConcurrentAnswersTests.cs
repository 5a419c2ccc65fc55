using System.Net;
using System.Text.RegularExpressions;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// Members of one family answering their links at the same moment, as they do at the end of a session: every answer is
/// received, and the family's alerts are evaluated once per answer without two evaluations adding the same alert (found
/// by the crash proof: the second answer got a 500 although it had been saved).
/// </summary>
[Trait("Capability", "Proof")]
public sealed partial class ConcurrentAnswersTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("<input type=\"hidden\" name=\"instrument\" value=\"([^\"]+)\"")]
    private static partial Regex InstrumentField();

    [GeneratedRegex("<input type=\"radio\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex Radio();

    /// <summary>A held session of the Applewhite family whose alerts were never evaluated, and a link for each member.</summary>
    private Task<List<string>> NewSessionWithLinksAsync() => app.AsOperatorAsync(async sp =>
    {
        var db = sp.GetRequiredService<AllianceDbContext>();
        var family = await db.Cases.Include(c => c.Members).Include(c => c.Episodes).ThenInclude(e => e.Sessions).SingleAsync(c => c.Name == "Applewhite family");
        var now = DateTime.UtcNow;
        var session = family.CurrentEpisode.ScheduleSession(now.AddHours(-2), 60, family.PrimaryTherapistId, now.AddDays(-3));
        session.RecordHeld(now.AddHours(-2), now.AddHours(-1), family.Members.Select(m => m.Id).ToList(), Modality.InPerson, null, now);
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        var catalog = await sp.GetRequiredService<AgencyInstruments>().ForAgencyAsync(family.AgencyId, default);
        var requests = family.Members
            .Select(m => (m, InstrumentChoices.OfferedTo(m, family, now.Year, catalog).FirstOrDefault(i => InstrumentChoices.FamilyRater(i) == RaterRole.Client)))
            .Where(x => x.Item2 is not null)
            .Select(x => new LinkRequest(x.m.Id, [x.Item2!.Id]))
            .ToList();
        var issued = await sp.GetRequiredService<QuestionnaireLinks>().IssueAsync(session, requests, family.PrimaryTherapistId, default);
        return issued.Select(l => l.Token).ToList();
    });

    [Fact]
    public async Task MembersOfOneFamilyAnsweringAtTheSameMomentAreAllReceived()
    {
        for (var round = 0; round < 5; round++)
        {
            var tokens = await NewSessionWithLinksAsync();
            Assert.True(tokens.Count >= 2);
            // Every member opens the form first; then all send at once, each the lowest rating (a rupture for each, raised
            // by whichever evaluation sees the answer first).
            var posts = new List<(HttpClient Client, string Token, FormUrlEncodedContent Form)>();
            foreach (var token in tokens)
            {
                var client = app.Client();
                var html = await client.GetStringAsync($"/q/{token}");
                var fields = new List<KeyValuePair<string, string>>
                {
                    new("instrument", WebUtility.HtmlDecode(InstrumentField().Match(html).Groups[1].Value)),
                    new("__RequestVerificationToken", WebUtility.HtmlDecode(FormToken().Match(html).Groups[1].Value)),
                };
                fields.AddRange(Radio().Matches(html).GroupBy(m => m.Groups[1].Value).Select(g => new KeyValuePair<string, string>(g.Key, g.First().Groups[2].Value)));
                posts.Add((client, token, new FormUrlEncodedContent(fields)));
            }

            var answers = await Task.WhenAll(posts.Select(p => p.Client.PostAsync($"/q/{p.Token}", p.Form)));

            foreach (var answer in answers)
            {
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Contains("Your answers have gone to your therapist", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
    }
}
