using Alliance.Application.Episodes;
using System.Security.Cryptography;
using System.Text.Json;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Measures;

/// <summary>A member of the session's family and the questionnaires their link leads through, in order.</summary>
public sealed record LinkRequest(Guid MemberId, IReadOnlyList<string> InstrumentIds);

/// <summary>A link just issued. The token is shown once, to the therapist, and never stored.</summary>
public sealed record IssuedLink(Guid MemberId, string Token, DateTime ExpiresAt);

/// <summary>
/// One-time questionnaire links: issued per member and session (256 random bits, base64url; only the SHA-256 is
/// kept), found again by their token, and followed through their questionnaires in order.
/// </summary>
public sealed class QuestionnaireLinks(AllianceDbContext db, AgencyInstruments instruments, TimeProvider clock)
{
    /// <summary>The path a link opens, followed by its token.</summary>
    public const string PathPrefix = "/q/";

    /// <summary>Length of a token: 32 bytes in base64url without padding.</summary>
    public const int TokenLength = 43;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Issues one link per member for the session, each leading through its questionnaires in the order given. A link
    /// issued earlier for the same member and session that is not yet completed is withdrawn: only the newest works.
    /// The session's case (with its members) must be loaded; the caller checks that the actor may change it.
    /// </summary>
    public async Task<IReadOnlyList<IssuedLink>> IssueAsync(Session session, IReadOnlyList<LinkRequest> requests, Guid issuedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(requests);
        var family = session.Episode.Case;
        var wanted = requests.Where(r => r.InstrumentIds.Count > 0).ToList();
        if (wanted.Count == 0)
            throw new DomainRuleException("members", "Tick at least one questionnaire for at least one member.");
        if (wanted.Select(r => r.MemberId).Distinct().Count() != wanted.Count)
            throw new DomainRuleException("members", "Each member gets one link.");
        var catalog = await instruments.ForAgencyAsync(session.AgencyId, ct).ConfigureAwait(false);
        await db.LoadConsentAsync(session.Episode, ct).ConfigureAwait(false);
        var year = session.StartsAt.Year;
        foreach (var request in wanted)
        {
            var member = family.Members.FirstOrDefault(m => m.Id == request.MemberId)
                ?? throw new DomainRuleException("members", "A link is for a member of this family.");
            // Client-rated questionnaires follow the orientation and the member's consent to them.
            session.Episode.RequireClientMeasures(member);
            var offered = InstrumentChoices.OfferedTo(member, family, year, catalog).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            if (request.InstrumentIds.Distinct(StringComparer.Ordinal).Count() != request.InstrumentIds.Count)
                throw new DomainRuleException("members", $"A questionnaire is ticked twice for {member.DisplayName}.");
            if (request.InstrumentIds.FirstOrDefault(id => !offered.Contains(id)) is { } odd)
                throw new DomainRuleException("members", catalog.Find(odd) is { } known
                    ? $"{known.Title} is not for {member.DisplayName} (age or role)."
                    : "Choose questionnaires from the list.");
        }

        var now = Now;
        var memberIds = wanted.Select(r => r.MemberId).ToList();
        var earlier = await db.QuestionnaireLinks
            .Where(l => l.SessionId == session.Id && memberIds.Contains(l.MemberId) && l.CompletedAt == null)
            .ToListAsync(ct).ConfigureAwait(false);
        db.QuestionnaireLinks.RemoveRange(earlier);

        var issued = new List<IssuedLink>();
        foreach (var request in wanted)
        {
            var token = NewToken();
            var link = new QuestionnaireLink(session, request.MemberId, request.InstrumentIds, StaffAccounts.Hash(token), issuedBy, now, QuestionnaireLink.DefaultLifetime);
            db.QuestionnaireLinks.Add(link);
            issued.Add(new IssuedLink(request.MemberId, token, link.ExpiresAt));
        }
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return issued;
    }

    /// <summary>
    /// The link a token belongs to, in whatever agency, or null for a token that is malformed or unknown. The token is
    /// the only key a family member holds, so this is the one look-up made before the request acts for an agency.
    /// </summary>
    public async Task<QuestionnaireLink?> FindAsync(string? token, CancellationToken ct)
    {
        if (!LooksLikeToken(token)) return null;
        var hash = StaffAccounts.Hash(token!);
        return await ByHash.For(db)(db, hash, ct).ConfigureAwait(false);
    }

    /// <summary>A link by the hash of its token, whichever agency it belongs to (compiled once: every family form asks).</summary>
    private static readonly PerModel<Func<AllianceDbContext, string, CancellationToken, Task<QuestionnaireLink?>>> ByHash =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, string hash, CancellationToken ct) =>
            db.QuestionnaireLinks.IgnoreQueryFilters().SingleOrDefault(l => l.TokenHash == hash)));

    /// <summary>The responses through links at a session since a time to some of the instruments (compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, DateTime, List<string>, Guid, IAsyncEnumerable<LinkAnswer>>> Answered =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid sessionId, DateTime since, List<string> ids, Guid memberId) => db.Responses
            .Where(r => r.SessionId == sessionId && r.Source == ResponseSource.Link && r.RecordedAt >= since
                && ids.Contains(r.InstrumentId) && r.WithdrawnAt == null
                && ((r.Rater == RaterRole.Client && r.MemberId == memberId) || r.Rater == RaterRole.Caregiver))
            .Select(r => new LinkAnswer(r.InstrumentId, r.Rater, r.AnswersJson))));

    private sealed record LinkAnswer(string InstrumentId, RaterRole Rater, string? AnswersJson);

    /// <summary>True when the text has the shape of a token (43 base64url characters).</summary>
    public static bool LooksLikeToken(string? token) =>
        token is { Length: TokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The link's questionnaires not yet answered through it, in order. A questionnaire counts as answered when a
    /// response to it came through a link at this session since the link was issued: by this member about themself,
    /// or, for a caregiver-rated questionnaire, with this member named as its author.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemainingAsync(QuestionnaireLink link, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(link);
        var ids = link.InstrumentIds.ToList();
        var answered = await Answered.For(db)(db, link.SessionId, link.CreatedAt, ids, link.MemberId).ToListAsync(ct).ConfigureAwait(false);
        var done = answered
            .Where(r => r.Rater == RaterRole.Client || AuthorOf(r.AnswersJson) == AuthorReference(link.MemberId))
            .Select(r => r.InstrumentId)
            .ToHashSet(StringComparer.Ordinal);
        return ids.Where(id => !done.Contains(id)).ToList();
    }

    /// <summary>The FHIR reference naming a family member as the author of answers about someone else (a caregiver about a child).</summary>
    public static string AuthorReference(Guid memberId) => $"RelatedPerson/{memberId}";

    private static string? AuthorOf(string? questionnaireResponseJson)
    {
        if (string.IsNullOrEmpty(questionnaireResponseJson)) return null;
        using var json = JsonDocument.Parse(questionnaireResponseJson);
        return json.RootElement.TryGetProperty("author", out var author) && author.TryGetProperty("reference", out var reference)
            ? reference.GetString()
            : null;
    }

    private static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
