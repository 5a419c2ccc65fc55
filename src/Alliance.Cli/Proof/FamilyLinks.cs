using System.Net;
using System.Text.RegularExpressions;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Proof;

/// <summary>A questionnaire link minted for a proof: its token and what answering it must leave in the database.</summary>
/// <param name="Token">The token the link's address carries.</param>
/// <param name="SessionId">The session it belongs to.</param>
/// <param name="MemberId">The member it is for.</param>
/// <param name="InstrumentId">Its one questionnaire.</param>
/// <param name="Questionnaires">How many questionnaires the link leads through (the first is <paramref name="InstrumentId"/>).</param>
internal sealed record MintedLink(string Token, Guid SessionId, Guid MemberId, string InstrumentId, int Questionnaires = 1);

/// <summary>
/// Mints questionnaire links in advance through the link-issuing use case, as the operator of the database: active
/// families get a new held session, and each member of such a session a link to questionnaires they rate themselves:
/// the alliance check that fits their age first, then (with <c>perLink</c> above 1) others offered to them.
/// <para>
/// The families are taken by name, a page of them a round and the next page the next round, so that each family gets one
/// new session, as an agency's families do over a week: a family's every answer evaluates its whole episode again, and
/// piling a run's thousands of answers onto a few hundred families (a new session each for every round) made each
/// answer, and each later minute of a load run, costlier than an agency's day. After the last page the first comes again.
/// </para>
/// </summary>
internal static class FamilyLinks
{
    /// <summary>Mints links until they lead through at least <paramref name="questionnaires"/> questionnaires in all.</summary>
    public static async Task<List<MintedLink>> MintAsync(IServiceProvider services, int questionnaires, CancellationToken ct, int perLink = 1)
    {
        var minted = new List<MintedLink>();
        var round = 0;
        var from = 0;
        var foundInPass = false;
        while (minted.Sum(l => l.Questionnaires) < questionnaires)
        {
            // One scope a round, so the change tracker stays small however many links are asked for.
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var links = scope.ServiceProvider.GetRequiredService<QuestionnaireLinks>();
            var instruments = scope.ServiceProvider.GetRequiredService<AgencyInstruments>();
            var families = await Page(db, from, ct).ConfigureAwait(false);
            if (families.Count == 0)
            {
                // Past the last page: the first comes again, unless a whole pass over the families found none to mint for.
                if (from == 0 || !foundInPass) throw new InvalidOperationException(NoFamily);
                foundInPass = false;
                families = await Page(db, from = 0, ct).ConfigureAwait(false);
            }
            from += PageSize;
            // Questionnaires go to members who were oriented and consented, as in the app.
            families = families.Where(c => c.CurrentEpisode.Phase != EpisodePhase.Closed && c.Members.Any(c.CurrentEpisode.AllowsClientMeasures))
                .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            if (families.Count == 0) continue;
            foundInPass = true;

            var now = DateTime.UtcNow;
            foreach (var family in families)
            {
                if (minted.Sum(l => l.Questionnaires) >= questionnaires) break;
                // Held earlier today, a minute apart, so that session numbers keep their order.
                var start = now.AddMinutes(-120 - round);
                var session = family.CurrentEpisode.ScheduleSession(start, 60, family.PrimaryTherapistId, now.AddDays(-1));
                session.RecordHeld(start, start.AddMinutes(50), family.Members.Select(m => m.Id).ToList(), Modality.InPerson, null, now);
                db.Sessions.Add(session);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);

                var catalog = await instruments.ForAgencyAsync(family.AgencyId, ct).ConfigureAwait(false);
                var requests = new List<LinkRequest>();
                foreach (var member in family.Members.Where(family.CurrentEpisode.AllowsClientMeasures))
                {
                    var offered = InstrumentChoices.OfferedTo(member, family, session.StartsAt.Year, catalog)
                        .Where(i => InstrumentChoices.FamilyRater(i) == RaterRole.Client)
                        .ToList();
                    var chosen = offered.OrderBy(i => i.Construct == Alliance.Measures.Construct.Alliance ? 0 : 1).Take(perLink).Select(i => i.Id).ToList();
                    if (chosen.Count > 0) requests.Add(new LinkRequest(member.Id, chosen));
                }
                if (requests.Count == 0) continue;
                var issued = await links.IssueAsync(session, requests, family.PrimaryTherapistId, ct).ConfigureAwait(false);
                minted.AddRange(issued.Select(l => requests.Single(r => r.MemberId == l.MemberId).InstrumentIds)
                    .Zip(issued, (ids, l) => new MintedLink(l.Token, session.Id, l.MemberId, ids[0], ids.Count)));
            }
            round++;
        }
        return minted;
    }

    private const int PageSize = 500;

    private const string NoFamily = "The database has no open family with an oriented member to mint questionnaire links for.";

    /// <summary>A page of families by name, with what choosing their questionnaires needs.</summary>
    private static Task<List<Case>> Page(AllianceDbContext db, int from, CancellationToken ct) =>
        db.Cases
            .OrderBy(c => c.Name).ThenBy(c => c.Id).Skip(from).Take(PageSize)
            .Include(c => c.Members)
            .Include(c => c.Episodes).ThenInclude(e => e.Sessions)
            .Include(c => c.Episodes).ThenInclude(e => e.Agreements)
            .Include(c => c.Episodes).ThenInclude(e => e.Overrides)
            .AsSplitQuery()
            .ToListAsync(ct);
}

/// <summary>What became of one questionnaire submission.</summary>
internal enum SubmissionOutcome
{
    /// <summary>Not sent (the server went away before its turn).</summary>
    NotSent,
    /// <summary>The server answered that the answers were received.</summary>
    Acknowledged,
    /// <summary>The server answered, but not with a success.</summary>
    Refused,
    /// <summary>The connection failed after the answers were sent: the outcome is unknown.</summary>
    InDoubt,
}

/// <summary>
/// A family member answering a questionnaire link in a browser's place: opens the link (GET, which sets the form-token
/// cookie), reads the form, ticks an answer for every question and posts it with the form token.
/// </summary>
internal static partial class FamilyForm
{
    /// <summary>The words of the page that says the answers have gone to the therapist.</summary>
    public const string ReceivedText = "Your answers have gone to your therapist";

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("<input type=\"hidden\" name=\"instrument\" value=\"([^\"]+)\"")]
    private static partial Regex InstrumentField();

    [GeneratedRegex("<input type=\"radio\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex Radio();

    /// <summary>
    /// Answers the link's questionnaire. <paramref name="posting"/> runs just before the answers are sent (the moment
    /// from which a failure leaves the outcome in doubt).
    /// </summary>
    public static async Task<(SubmissionOutcome Outcome, int Status)> SubmitAsync(HttpClient client, string token, Random random, Action posting, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(posting);
        string html;
        try
        {
            using var page = await client.GetAsync(new Uri("q/" + token, UriKind.Relative), ct).ConfigureAwait(false);
            if (page.StatusCode != HttpStatusCode.OK) return (SubmissionOutcome.Refused, (int)page.StatusCode);
            html = await page.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (ConnectionLost(e, ct))
        {
            return (SubmissionOutcome.NotSent, 0);
        }
        if (Fields(html, random) is not { } fields) return (SubmissionOutcome.Refused, 200);

        posting();
        try
        {
            using var content = new FormUrlEncodedContent(fields);
            using var answer = await client.PostAsync(new Uri("q/" + token, UriKind.Relative), content, ct).ConfigureAwait(false);
            var body = await answer.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return answer.StatusCode == HttpStatusCode.OK && body.Contains(ReceivedText, StringComparison.Ordinal)
                ? (SubmissionOutcome.Acknowledged, 200)
                : (SubmissionOutcome.Refused, (int)answer.StatusCode);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
        {
            // Nothing listened: the answers never left.
            return (SubmissionOutcome.NotSent, 0);
        }
        catch (Exception e) when (ConnectionLost(e, ct))
        {
            return (SubmissionOutcome.InDoubt, 0);
        }
    }

    /// <summary>
    /// The fields a family member's browser would post for the questionnaire form in <paramref name="html"/>: its
    /// questionnaire, its form token, and a random choice for every question; null when the page holds no such form.
    /// </summary>
    public static List<KeyValuePair<string, string>>? Fields(string html, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (InstrumentField().Match(html) is not { Success: true } instrument || FormToken().Match(html) is not { Success: true } formToken)
            return null;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("instrument", WebUtility.HtmlDecode(instrument.Groups[1].Value)),
            new("__RequestVerificationToken", WebUtility.HtmlDecode(formToken.Groups[1].Value)),
        };
        foreach (var group in Radio().Matches(html).GroupBy(m => m.Groups[1].Value))
        {
            var options = group.ToList();
            fields.Add(new(group.Key, WebUtility.HtmlDecode(options[random.Next(options.Count)].Groups[2].Value)));
        }
        return fields;
    }

    /// <summary>
    /// The connection failed under the request (the server killed or gone), not the run being stopped. A connection cut
    /// by the kill as it opens can surface as a bare SocketException (the connection pool asks the socket for its remote
    /// end after the server is gone), not wrapped in an HttpRequestException.
    /// </summary>
    private static bool ConnectionLost(Exception e, CancellationToken ct) =>
        e is HttpRequestException or IOException or System.Net.Sockets.SocketException or TaskCanceledException && !ct.IsCancellationRequested;
}
