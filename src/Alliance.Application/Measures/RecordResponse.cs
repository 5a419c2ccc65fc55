using Alliance.Application.Episodes;
using System.Globalization;
using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;

namespace Alliance.Application.Measures;

/// <summary>Answers to one instrument about one member at one session, as they arrived.</summary>
/// <param name="Session">The session, with its episode, case and members loaded.</param>
/// <param name="MemberId">The member the answers are about (for a client rating, the member who answered).</param>
/// <param name="Instrument">The instrument answered.</param>
/// <param name="Rater">Who rated.</param>
/// <param name="Answers">The answers.</param>
/// <param name="Entry">Online (every required item needed) or transcribed (the missing-item rule decides).</param>
/// <param name="Source">How the answers reached Alliance.</param>
public sealed record AnswersSubmitted(Session Session, Guid MemberId, Instrument Instrument, RaterRole Rater,
    IReadOnlyList<ItemAnswer> Answers, AnswerEntry Entry, ResponseSource Source)
{
    /// <summary>The staff member who rated, for observer and therapist ratings.</summary>
    public Guid? RaterStaffId { get; init; }

    /// <summary>The family member who answered about someone else (a caregiver about a child).</summary>
    public Guid? AuthorMemberId { get; init; }
}

/// <summary>The saved response and its scores, or every error in the answers (then nothing was saved).</summary>
public sealed record RecordedAnswers(Response? Response, ScoreResult? Score, ValueList<AnswerError> Errors)
{
    /// <summary>True when the response was saved.</summary>
    public bool Succeeded => Response is not null;
}

/// <summary>
/// Checks answers against their instrument, scores them by its rules and saves them as a <see cref="Response"/>
/// (the FHIR QuestionnaireResponse kept encrypted). An answer that raises a risk flag (PHQ-9 item 9 above 0) tells
/// the case's therapists at once, in their inbox, with high priority; then the family's alerts are evaluated again
/// with the new score. Links, paper entry and the FHIR endpoint save through here (<see cref="SaveAsync"/>), so a risk
/// answer reaches the therapists in the same words whatever route it came by. A correction (<see cref="CorrectAsync"/>)
/// or a withdrawal (<see cref="WithdrawAsync"/>) keeps the record with its reason, and is saved together with the
/// alerts it changes; the audit trail keeps the original entries.
/// </summary>
public sealed class RecordResponse(AllianceDbContext db, CaseFeedback feedback, TimeProvider clock)
{
    /// <summary>The kind of notification a risk flag raises.</summary>
    public const string RiskNotification = "risk";

    /// <summary>Validates, scores and saves; with errors nothing is saved and every error is returned, named by item.</summary>
    public async Task<RecordedAnswers> HandleAsync(AnswersSubmitted submitted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var errors = AnswerValidator.Validate(submitted.Instrument, submitted.Answers, submitted.Entry);
        if (errors.Count > 0) return new RecordedAnswers(null, null, errors);
        if (submitted.Source == ResponseSource.Paper && submitted.Rater is RaterRole.Client or RaterRole.Caregiver)
        {
            // Answers typed from paper follow the orientation and consent as answers by link do (links are checked when issued).
            var episode = submitted.Session.Episode;
            await db.LoadConsentAsync(episode, ct).ConfigureAwait(false);
            episode.RequireClientMeasures(episode.Case.Members.FirstOrDefault(m => m.Id == submitted.MemberId)
                ?? throw new DomainRuleException("memberId", "Choose a member of this family."));
        }

        var scored = Score(submitted);
        var response = await SaveAsync(submitted.Session, submitted.MemberId, submitted.Instrument, scored, submitted.Source, submitted.RaterStaffId, ct).ConfigureAwait(false);
        return new RecordedAnswers(response, scored.Score, ValueList.Empty<AnswerError>());
    }

    /// <summary>
    /// Saves a response already scored (for example one read from a FHIR QuestionnaireResponse), with any other
    /// changes the context tracks, and raises the risk notifications its flags call for. The family's alerts are
    /// evaluated with the new score (stored scores and the unsaved one together) and saved in the same transaction.
    /// </summary>
    public async Task<Response> SaveAsync(Session session, Guid memberId, Instrument instrument, ScoredResponse scored, ResponseSource source, Guid? raterStaffId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(scored);
        var now = clock.GetUtcNow().UtcDateTime;
        var score = scored.Score;
        var reason = Shortened(score.UnscorableReason);
        var response = new Response(session, memberId, instrument.Id, InstrumentChoices.ToRole(scored.Details.Rater), raterStaffId,
            score.Total, reason, score.RiskFlags.Count > 0, QuestionnaireResponseMapper.ToJson(instrument, scored), source, now);
        db.Responses.Add(response);
        NotifyRisk(session, memberId, instrument, score.RiskFlags, now);
        await feedback.EvaluateAndSaveAsync(session.CaseId, ct).ConfigureAwait(false);
        return response;
    }

    /// <summary>
    /// Replaces a response's answers with corrected ones (typed again from the paper form, say), with the reason; the
    /// answers are checked and scored as new ones are. The family's alerts are evaluated with the corrected score and
    /// saved in the same transaction as the correction. A correction that raises a risk flag the response did not have
    /// tells the therapists as a new answer would.
    /// </summary>
    /// <param name="response">The response, tracked by this context and current.</param>
    /// <param name="submitted">The corrected answers: the same session, member, instrument and rater as the response.</param>
    /// <param name="reason">Why it is corrected (1 to 500 characters).</param>
    /// <param name="ct">Cancels the work.</param>
    /// <exception cref="DomainRuleException">The response is withdrawn, the answers are not for it, or the reason is missing.</exception>
    public async Task<RecordedAnswers> CorrectAsync(Response response, AnswersSubmitted submitted, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(submitted);
        if (response.SessionId != submitted.Session.Id || response.MemberId != submitted.MemberId
            || !string.Equals(response.InstrumentId, submitted.Instrument.Id, StringComparison.Ordinal) || response.Rater != submitted.Rater)
            throw new DomainRuleException("responseId", "The corrected answers must be for the same session, member, questionnaire and rater.");
        var errors = AnswerValidator.Validate(submitted.Instrument, submitted.Answers, submitted.Entry);
        if (errors.Count > 0) return new RecordedAnswers(null, null, errors);

        var scored = Score(submitted);
        var score = scored.Score;
        var now = clock.GetUtcNow().UtcDateTime;
        var wasFlagged = response.RiskFlag;
        response.Correct(score.Total, Shortened(score.UnscorableReason), score.RiskFlags.Count > 0,
            QuestionnaireResponseMapper.ToJson(submitted.Instrument, scored), reason, now);
        if (!wasFlagged) NotifyRisk(submitted.Session, submitted.MemberId, submitted.Instrument, score.RiskFlags, now);
        await feedback.EvaluateAndSaveAsync(response.CaseId, ct).ConfigureAwait(false);
        return new RecordedAnswers(response, score, ValueList.Empty<AnswerError>());
    }

    /// <summary>
    /// Withdraws a response (entered for the wrong member or session, say) with the reason: it stays in the record and
    /// takes no further part in scores or alerts. The family's alerts are evaluated without it and saved in the same
    /// transaction as the withdrawal: the alerts it raised are withdrawn.
    /// </summary>
    /// <param name="response">The response, tracked by this context.</param>
    /// <param name="reason">Why it is withdrawn (1 to 500 characters).</param>
    /// <param name="ct">Cancels the work.</param>
    /// <returns>What the evaluation changed.</returns>
    /// <exception cref="DomainRuleException">The response is already withdrawn, or the reason is missing.</exception>
    public async Task<FeedbackChanges> WithdrawAsync(Response response, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Withdraw(reason, clock.GetUtcNow().UtcDateTime);
        return await feedback.EvaluateAndSaveAsync(response.CaseId, ct).ConfigureAwait(false);
    }

    /// <summary>Scores the answers as a FHIR QuestionnaireResponse about the member, by its author, at the session.</summary>
    private ScoredResponse Score(AnswersSubmitted submitted)
    {
        var details = new ResponseDetails(ToRater(submitted.Rater), clock.GetUtcNow())
        {
            Subject = $"Patient/{submitted.MemberId}",
            Author = submitted.AuthorMemberId is { } author ? QuestionnaireLinks.AuthorReference(author)
                : submitted.RaterStaffId is { } staff ? $"Practitioner/{staff}" : null,
            Encounter = $"Encounter/{submitted.Session.Id}",
        };
        return ScoredResponse.Create(submitted.Instrument, submitted.Answers, details);
    }

    /// <summary>Tells the case's therapists of each risk flag, in their inbox, at high priority.</summary>
    private void NotifyRisk(Session session, Guid memberId, Instrument instrument, ValueList<RiskFlag> flags, DateTime now)
    {
        if (flags.Count == 0) return;
        var family = session.Episode.Case;
        var name = family.Members.FirstOrDefault(m => m.Id == memberId)?.DisplayName ?? "A family member";
        var therapists = new[] { family.PrimaryTherapistId, family.CoTherapistId }.OfType<Guid>().Distinct().ToList();
        foreach (var flag in flags)
            foreach (var therapist in therapists)
                db.Notifications.Add(new Notification(session.AgencyId, therapist, RiskNotification, RiskText(name, family, session, instrument, flag), family.Id, now));
    }

    private static string? Shortened(string? reason) => reason is { Length: > 500 } ? reason[..497] + "..." : reason;

    /// <summary>
    /// The therapist's sentence for a risk flag: who, which item, and that it was answered above the threshold; never
    /// the answers themselves.
    /// </summary>
    public static string RiskText(string memberName, Case family, Session session, Instrument instrument, RiskFlag flag)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(flag);
        var number = instrument.Items.Where(i => i.Kind != ItemKind.Display).ToList().FindIndex(i => i.LinkId == flag.LinkId) + 1;
        var threshold = instrument.FindItem(flag.LinkId)?.Risk?.AtOrAbove ?? flag.Value;
        var how = threshold == decimal.Truncate(threshold)
            ? "above " + (threshold - 1).ToString("0", CultureInfo.InvariantCulture)
            : "at or above " + threshold.ToString("0.##", CultureInfo.InvariantCulture);
        return $"High priority: {memberName} ({family.Name}, session {session.Number.ToString(CultureInfo.InvariantCulture)}) answered item {number.ToString(CultureInfo.InvariantCulture)} of {instrument.Title} {how}. Review risk with them today.";
    }

    private static Rater ToRater(RaterRole role) => role switch
    {
        RaterRole.Client => Rater.Client,
        RaterRole.Caregiver => Rater.Caregiver,
        RaterRole.Observer => Rater.Observer,
        _ => Rater.Therapist,
    };
}

/// <summary>Who a family member can call in a crisis: the agency's own list, or a sentence that holds anywhere.</summary>
public static class CrisisContacts
{
    /// <summary>Shown when the agency has set no contacts.</summary>
    public const string Default =
        "If you are in danger now, or thinking about ending your life or hurting yourself, call your local emergency number or go to the nearest emergency department. You can also tell someone you trust, and your therapist.";

    /// <summary>The lines to show, one contact a line.</summary>
    public static IReadOnlyList<string> For(Agency agency)
    {
        ArgumentNullException.ThrowIfNull(agency);
        var text = string.IsNullOrWhiteSpace(agency.CrisisContacts) ? Default : agency.CrisisContacts;
        return text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
    }
}
