using Alliance.Application.Feedback;
using Alliance.Application.Measures;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// The rules over stored (encrypted) answers on both providers: a PHQ-9 item 9 answer raises a high alert; two members
/// 1.5 apart on a family-alliance dimension (4.5 and 3.0) raise a split; withdrawing the PHQ-9 withdraws its alert in
/// the same save as the withdrawal.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class AnswerFeedbackTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();

    private static Response Answered(Session session, Guid member, string instrumentId, IEnumerable<ItemAnswer> answers)
    {
        var instrument = Catalog.Get(instrumentId);
        var scored = ScoredResponse.Create(instrument, answers, new ResponseDetails(Rater.Client, Now) { Subject = $"Patient/{member}", Encounter = $"Encounter/{session.Id}" });
        return new Response(session, member, instrumentId, RaterRole.Client, null, scored.Score.Total, scored.Score.UnscorableReason,
            scored.Score.RiskFlags.Count > 0, QuestionnaireResponseMapper.ToJson(instrument, scored), ResponseSource.Link, Now);
    }

    /// <summary>Family alliance: 4 on every item except shared purpose (together, and "different" answered raw, reverse scored).</summary>
    private static List<ItemAnswer> FamilyAlliance(int together, int differentRaw) =>
        new[] { ("engagement-helping", 4), ("engagement-say", 4), ("connection-trust", 4), ("connection-care", 4), ("safety-speak", 4), ("safety-holding-back", 2),
                ("purpose-together", together), ("purpose-different", differentRaw) }
            .Select(a => new ItemAnswer(a.Item1, AnswerValue.Option(a.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList();

    /// <summary>
    /// Ada and Ben, two adults of one family, at one held session with their family-alliance answers: shared purpose
    /// Ada 5 + (6 - 2) = 9, 4.5 per item; Ben 3 + (6 - 3) = 6, 3.0: 1.5 apart, a split.
    /// </summary>
    private static (Case Case, Member Ada, Session Session, Response Ben) SplitFamily(AllianceDbContext db, Agency agency, StaffUser therapist, string surname)
    {
        var c = Case.Open(agency.Id, surname + " family", therapist.Id, null, therapist.Id, Now.AddDays(-30));
        var ada = c.AddMember("Ada " + surname, FamilyRole.Parent, 1981, Now.AddDays(-30));
        var ben = c.AddMember("Ben " + surname, FamilyRole.Partner, 1979, Now.AddDays(-30));
        var s = c.CurrentEpisode.ScheduleSession(Now.AddDays(-7), 60, therapist.Id, Now.AddDays(-14));
        s.RecordHeld(Now.AddDays(-7), Now.AddDays(-7).AddMinutes(50), [ada.Id, ben.Id], Modality.InPerson, null, Now);
        db.Cases.Add(c);
        db.Responses.Add(Answered(s, ada.Id, "family-alliance", FamilyAlliance(5, 2)));
        var benAnswers = Answered(s, ben.Id, "family-alliance", FamilyAlliance(3, 3));
        db.Responses.Add(benAnswers);
        return (c, ada, s, benAnswers);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task RiskAnswersAndDimensionSplitsAreRaisedAndAWithdrawalIsSavedWithItsAlerts(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId, caseId, phqId;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Eastbrook");
            var therapist = Staff(db, agency, "Noor Hale");
            await db.SaveChangesAsync();
            var (c, ada, s, _) = SplitFamily(db, agency, therapist, "Okafor");
            var phq = Answered(s, ada.Id, "phq-9", Catalog.Get("phq-9").ScoredItems.Select(i => new ItemAnswer(i.LinkId, AnswerValue.Option(i.Options.Single(o => o.Score == (i.LinkId == "phq9-9" ? 3 : 0)).Code))));
            db.Responses.Add(phq);
            await db.SaveChangesAsync();
            (agencyId, caseId, phqId) = (agency.Id, c.Id, phq.Id);
        }

        await using (var db = database.OpenFor(agencyId))
        {
            Assert.Equal(new FeedbackChanges(2, 0, 0), await new CaseFeedback(db, TimeProvider.System).EvaluateAsync(caseId));
            await db.SaveChangesAsync();
        }
        await using (var db = database.OpenFor(agencyId))
        {
            var alerts = await db.Alerts.AsNoTracking().OrderBy(a => a.Kind).ToListAsync();
            Assert.Equal(["phq9-item9-risk", "split-alliance"], alerts.Select(a => a.Kind));
            Assert.Equal(("high", """[{"sessionNumber":1,"score":3,"item":9,"itemValue":3}]"""), (alerts[0].Severity, alerts[0].EvidenceJson));
            Assert.Equal(("medium", "family-alliance", (Guid?)null), (alerts[1].Severity, alerts[1].Instrument, alerts[1].MemberId));
            Assert.Equal("""[{"sessionNumber":1,"score":4.5,"member":"Ada Okafor"},{"sessionNumber":1,"score":3,"member":"Ben Okafor"}]""", alerts[1].EvidenceJson);
        }

        // Withdrawn through the use case: the response and the alert change in one save.
        await using (var db = database.OpenFor(agencyId))
        {
            var recorder = new RecordResponse(db, new CaseFeedback(db, TimeProvider.System), TimeProvider.System);
            var response = await db.Responses.SingleAsync(r => r.Id == phqId);
            Assert.Equal(new FeedbackChanges(0, 1, 0), await recorder.WithdrawAsync(response, "Answered for the wrong session", CancellationToken.None));
        }
        await using (var db = database.OpenFor(agencyId))
        {
            Assert.NotNull((await db.Responses.AsNoTracking().SingleAsync(r => r.Id == phqId)).WithdrawnAt);
            var risk = await db.Alerts.AsNoTracking().SingleAsync(a => a.Kind == "phq9-item9-risk");
            Assert.Equal(AlertStatus.Withdrawn, risk.Status);
            Assert.Equal(AlertStatus.Open, (await db.Alerts.AsNoTracking().SingleAsync(a => a.Kind == "split-alliance")).Status);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task CorrectedAnswersAreReadAfreshAndTheirSplitGoes(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId, caseId, benResponse;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Southbrook");
            var therapist = Staff(db, agency, "Ira Vale");
            await db.SaveChangesAsync();
            var (c, _, _, ben) = SplitFamily(db, agency, therapist, "Mensah");
            await db.SaveChangesAsync();
            (agencyId, caseId, benResponse) = (agency.Id, c.Id, ben.Id);
        }
        await using (var db = database.OpenFor(agencyId))
        {
            Assert.Equal(new FeedbackChanges(1, 0, 0), await new CaseFeedback(db, TimeProvider.System).EvaluateAsync(caseId));
            await db.SaveChangesAsync();
        }

        // Ben's answers were typed wrongly: corrected (same response) to Ada's, the family is no longer split. Answers read
        // before are recognised by their content, so the corrected ones are read again rather than taken as known.
        await using (var db = database.OpenFor(agencyId))
        {
            var response = await db.Responses.SingleAsync(r => r.Id == benResponse);
            var session = await db.Sessions.Include(x => x.Episode).ThenInclude(e => e.Case).ThenInclude(c => c.Members).SingleAsync(x => x.Id == response.SessionId);
            var recorder = new RecordResponse(db, new CaseFeedback(db, TimeProvider.System), TimeProvider.System);
            var corrected = await recorder.CorrectAsync(response,
                new AnswersSubmitted(session, response.MemberId, Catalog.Get("family-alliance"), RaterRole.Client, FamilyAlliance(5, 2), AnswerEntry.Transcribed, ResponseSource.Paper),
                "Typed from the wrong form", CancellationToken.None);
            Assert.Empty(corrected.Errors);
        }
        await using (var db = database.OpenFor(agencyId))
        {
            Assert.Equal(AlertStatus.Withdrawn, (await db.Alerts.AsNoTracking().SingleAsync(a => a.Kind == "split-alliance")).Status);
        }
    }
}
