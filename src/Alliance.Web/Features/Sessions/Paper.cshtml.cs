using System.Globalization;
using Alliance.Application;
using Alliance.Application.Measures;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Questionnaires;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Sessions;

/// <summary>
/// A therapist copies a member's answers from a paper form: the same checks as online, except that items left blank
/// on paper are allowed and the instrument's missing-item rule decides the score. When the member already has a current
/// response to the instrument at the session, the form opens with its answers and saving corrects it, with a reason.
/// </summary>
public sealed class PaperModel(Alliance.Data.AllianceDbContext db, AgencyInstruments instruments, RecordResponse recorder, Alliance.Application.Auditing.AuditReads reads) : AlliancePage
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "member")] public Guid? MemberId { get; set; }
    [FromQuery(Name = "instrument")] public string? InstrumentId { get; set; }

    public Case Case { get; private set; } = null!;
    public Session Session { get; private set; } = null!;
    public Member? Member { get; private set; }
    public QuestionnaireForm? Form { get; private set; }
    public IReadOnlyList<Instrument> Instruments { get; private set; } = [];

    /// <summary>The response these answers correct, when the member already has one.</summary>
    public Response? Existing { get; private set; }

    /// <summary>Why the saved answers are corrected.</summary>
    [BindProperty] public string? Reason { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Member is not null && Instruments.FirstOrDefault(i => i.Id == InstrumentId) is { } instrument)
        {
            Form = new QuestionnaireForm(instrument, forFamily: false);
            if (Existing?.AnswersJson is { Length: > 0 } json && QuestionnaireResponseMapper.FromStoredJson(json, await instruments.ForAgencyAsync(Case.AgencyId, ct)).Response is { } saved)
            {
                // The saved answers, to change what was copied wrong.
                reads.Record(db, Existing.AgencyId, "response", Existing.Id, Existing.CaseId);
                foreach (var answer in saved.Answers.Where(a => a.MemberId is null))
                {
                    Form.Values[answer.LinkId] = answer.Value.ToString() ?? "";
                    if (answer.IsPrivate) Form.Private.Add(answer.LinkId);
                }
            }
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Member is null || Instruments.FirstOrDefault(i => i.Id == InstrumentId) is not { } instrument || Session.Status != SessionStatus.Held)
            return Page();
        Form = QuestionnaireForm.Read(instrument, Request.Form, forFamily: false);
        if (Form.HasErrors) return Page();

        RecordedAnswers? result = null;
        var submitted = new AnswersSubmitted(Session, Member.Id, instrument, InstrumentChoices.FamilyRater(instrument), Form.Answers, AnswerEntry.Transcribed, ResponseSource.Paper);
        var existing = Existing;
        if (!await TryAsync(async () => result = existing is null
                ? await recorder.HandleAsync(submitted, ct)
                : await recorder.CorrectAsync(existing, submitted, Reason ?? "", ct), prefix: null))
            return Page();
        if (!result!.Succeeded)
        {
            Form.AddErrors(result.Errors);
            return Page();
        }
        var score = result.Score!;
        var done = existing is null ? "saved" : "corrected";
        var saved = score.Total is { } total
            ? $"{instrument.Title} for {Member.DisplayName} is {done}: {total.ToString("0.##", CultureInfo.InvariantCulture)}."
            : $"{instrument.Title} for {Member.DisplayName} is {done}, not scored: {score.UnscorableReason}";
        if (score.RiskFlags.Count > 0)
            saved += " A risk flag was raised: review risk with them today. The case's therapists were told in their inbox.";
        Flash(saved);
        return Redirect($"/sessions/{Id}/measures");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        (Case, Session) = await db.LoadVisibleSessionAsync(Actor, Id, ct, CasePurpose.Write);
        Member = Case.Members.FirstOrDefault(m => m.Id == MemberId);
        Instruments = InstrumentChoices.InOrder(await instruments.ForAgencyAsync(Case.AgencyId, ct));
        if (Member is not null && Instruments.FirstOrDefault(i => i.Id == InstrumentId) is { } chosen)
        {
            var rater = InstrumentChoices.FamilyRater(chosen);
            Existing = await db.Responses
                .Where(r => r.SessionId == Session.Id && r.MemberId == Member.Id && r.InstrumentId == chosen.Id && r.Rater == rater && r.WithdrawnAt == null)
                .OrderByDescending(r => r.RecordedAt).FirstOrDefaultAsync(ct);
        }
    }
}
