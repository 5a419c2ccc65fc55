using System.Globalization;
using Alliance.Application;
using Alliance.Application.Measures;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Questionnaires;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Sessions;

/// <summary>
/// A therapist copies a member's answers from a paper form: the same checks as online, except that items left blank
/// on paper are allowed and the instrument's missing-item rule decides the score.
/// </summary>
public sealed class PaperModel(Alliance.Data.AllianceDbContext db, AgencyInstruments instruments, RecordResponse recorder) : AlliancePage
{
    [FromRoute] public Guid Id { get; set; }
    [FromQuery(Name = "member")] public Guid? MemberId { get; set; }
    [FromQuery(Name = "instrument")] public string? InstrumentId { get; set; }

    public Case Case { get; private set; } = null!;
    public Session Session { get; private set; } = null!;
    public Member? Member { get; private set; }
    public QuestionnaireForm? Form { get; private set; }
    public IReadOnlyList<Instrument> Instruments { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Member is not null && Instruments.FirstOrDefault(i => i.Id == InstrumentId) is { } instrument)
            Form = new QuestionnaireForm(instrument, forFamily: false);
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
        if (!await TryAsync(async () => result = await recorder.HandleAsync(submitted, ct), prefix: null)) return Page();
        if (!result!.Succeeded)
        {
            Form.AddErrors(result.Errors);
            return Page();
        }
        var score = result.Score!;
        var saved = score.Total is { } total
            ? $"{instrument.Title} for {Member.DisplayName} is saved: {total.ToString("0.##", CultureInfo.InvariantCulture)}."
            : $"{instrument.Title} for {Member.DisplayName} is saved, not scored: {score.UnscorableReason}";
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
    }
}
