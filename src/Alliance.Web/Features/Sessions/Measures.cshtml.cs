using System.Globalization;
using Alliance.Application;
using Alliance.Application.Measures;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using QRCoder;

namespace Alliance.Web.Features.Sessions;

/// <summary>
/// A session's questionnaires: choose what each member is asked, issue one link and QR code per member, and watch
/// who has answered (the page polls <c>/api/sessions/{id}/measures</c>); paper forms are entered from here too.
/// </summary>
public sealed class MeasuresModel(Alliance.Data.AllianceDbContext db, GetSessionMeasures measures, QuestionnaireLinks links, AgencyInstruments instruments, Responses.ResponseWork responses) : AlliancePage
{
    public sealed class MemberChoice
    {
        public Guid MemberId { get; set; }
        public List<string> Instruments { get; set; } = [];
    }

    /// <summary>A member and what they can be asked.</summary>
    public sealed record MemberOffer(Guid MemberId, string Name, string About, IReadOnlyList<Instrument> Offered, IReadOnlySet<string> Ticked, string? Blocked);

    /// <summary>A link just issued, shown this once.</summary>
    public sealed record IssuedLinkView(string Name, string Url, string QrCode, string Expires, IReadOnlyList<string> Titles);

    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public List<MemberChoice> Choices { get; set; } = [];

    public Case Case { get; private set; } = null!;
    public Session Session { get; private set; } = null!;
    public LocalTime Time { get; private set; } = null!;
    public SessionMeasuresView Status { get; private set; } = null!;
    public IReadOnlyList<MemberOffer> Offers { get; private set; } = [];
    public IReadOnlyList<IssuedLinkView> Issued { get; private set; } = [];
    public IReadOnlyList<Instrument> PaperInstruments { get; private set; } = [];

    /// <summary>Whether a score of this instrument can be corrected by entering its paper form again.</summary>
    public bool CanCorrect(string instrumentId) =>
        Session.Status == SessionStatus.Held && PaperInstruments.Any(i => i.Id == instrumentId && i.MemberGroup is null);

    /// <summary>Links can be issued for a planned or held session.</summary>
    public bool CanIssue => Session.Status is SessionStatus.Scheduled or SessionStatus.Held;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(CasePurpose.Read, null, ct);

    public async Task<IActionResult> OnPostIssueAsync(CancellationToken ct)
    {
        await LoadAsync(CasePurpose.Write, Choices, ct);
        var requests = Choices.Select(c => new LinkRequest(c.MemberId, c.Instruments.Where(i => !string.IsNullOrWhiteSpace(i)).ToList())).ToList();
        IReadOnlyList<IssuedLink> issued = [];
        if (await TryAsync(async () => issued = await links.IssueAsync(Session, requests, Actor.StaffId, ct), prefix: null))
        {
            var names = Case.Members.ToDictionary(m => m.Id, m => m.DisplayName);
            var catalog = await instruments.ForAgencyAsync(Case.AgencyId, ct);
            var titles = requests.ToDictionary(r => r.MemberId, r => (IReadOnlyList<string>)r.InstrumentIds.Select(i => catalog.Find(i)?.Title ?? i).ToList());
            var origin = $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
            Issued = issued.Select(l =>
            {
                var url = origin + QuestionnaireLinks.PathPrefix + l.Token;
                return new IssuedLinkView(names[l.MemberId], url, QrCode(url), Time.When(l.ExpiresAt), titles[l.MemberId]);
            }).ToList();
            Status = await measures.ForAsync(Actor, Case, Session, ct);
            // The links are shown this once: never keep this answer in a cache.
            Features.Shared.NoStore.Apply(Response);
        }
        return Page();
    }

    /// <summary>Withdraws a score entered in error, with the reason; the family's alerts are evaluated again in the same save.</summary>
    public async Task<IActionResult> OnPostWithdrawAsync(Guid responseId, string? reason, CancellationToken ct)
    {
        await LoadAsync(CasePurpose.Write, null, ct);
        var score = Status.Members.SelectMany(m => m.Scores.Select(s => (Member: m.Name, Score: s))).FirstOrDefault(x => x.Score.ResponseId == responseId);
        if (score.Score is null) return NotFound();
        if (!await TryAsync(() => responses.WithdrawAsync(Actor, responseId, reason, ct), prefix: "Withdraw")) return Page();
        Flash($"{score.Score.Title} for {score.Member} was withdrawn. The family's alerts were checked again without it.");
        return Redirect($"/sessions/{Id}/measures");
    }

    private async Task LoadAsync(CasePurpose purpose, List<MemberChoice>? posted, CancellationToken ct)
    {
        (Case, Session) = await db.LoadVisibleSessionAsync(Actor, Id, ct, purpose);
        var agency = await db.LoadAgencyAsync(Actor, ct);
        Time = new LocalTime(agency.TimeZoneId);
        Status = await measures.ForAsync(Actor, Case, Session, ct);
        var catalog = await instruments.ForAgencyAsync(Case.AgencyId, ct);
        PaperInstruments = InstrumentChoices.InOrder(catalog);
        var year = Session.StartsAt.Year;
        var taking = GetSessionMeasures.MembersTakingPart(Case, Session);
        Offers = taking.Select(m =>
        {
            var offered = InstrumentChoices.OfferedTo(m, Case, year, catalog);
            // A member not oriented (or who said no) is shown why, and nothing is ticked for them.
            var blocked = Session.Episode.WhyNoClientMeasures(m);
            var ticked = posted?.FirstOrDefault(p => p.MemberId == m.Id)?.Instruments
                ?? (posted is null && blocked is null ? InstrumentChoices.Defaults(m, year, Session.Episode.Phase, taking.Count, offered) : []);
            var about = Words.Of(m.Role) + (m.AgeIn(year) is { } age ? ", " + age.ToString(CultureInfo.InvariantCulture) : "");
            return new MemberOffer(m.Id, m.DisplayName, about, offered, ticked.ToHashSet(StringComparer.Ordinal), blocked);
        }).ToList();
    }

    /// <summary>Counts the questions a member answers in an instrument.</summary>
    public static int Questions(Instrument instrument) => instrument?.Items.Count(i => i.Kind != ItemKind.Display) ?? 0;

    private static string QrCode(string url) =>
        "data:image/png;base64," + Convert.ToBase64String(PngByteQRCodeHelper.GetQRCode(url, QRCodeGenerator.ECCLevel.M, 6));
}
