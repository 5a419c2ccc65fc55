using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>
/// The guided process: orientation and consent (adults agree, children assent with a parent consenting), the text's
/// versions, gating of questionnaires and of active work with the therapist's override, reviews, the ending checklist
/// and closing with an outcome.
/// </summary>
[Trait("Capability", "Process")]
public sealed class ProcessTests
{
    private static (Case Case, Episode Episode, Member Ada, Member Ben, Member Cleo) Family()
    {
        var c = NewCase();
        return (c, c.CurrentEpisode, c.Members[0], c.Members[1], c.Members[2]);
    }

    private static void AgreeFamily(Episode e) => e.RecordFamilyAgreements(SecretsPolicy.NoSecrets, null, YoungPersonSharing.ScoresOnly);

    private static Session Held(Case c, DateTime start, params Member[] came)
    {
        var s = c.CurrentEpisode.ScheduleSession(start, 60, Therapist, start.AddDays(-7));
        s.RecordHeld(start, start.AddMinutes(55), came.Select(m => m.Id).ToList(), Modality.InPerson, null, start.AddHours(1));
        return s;
    }

    [Fact]
    public void AnAdultAgreesAndAChildAssentsWithAParentWhoMayConsentForThem()
    {
        var (_, e, ada, _, cleo) = Family();
        AgreeFamily(e);

        var adult = e.RecordAgreement(ada, 1, null, true, true, null, Therapist, Now);
        var child = e.RecordAgreement(cleo, 1, ada.Id, true, false, null, Therapist, Now);

        Assert.Equal((AgreementForm.Agreed, (Guid?)null, 1), (adult.Form, adult.ConsentingMemberId, adult.TextVersion));
        Assert.Equal((AgreementForm.Assented, (Guid?)ada.Id, false), (child.Form, child.ConsentingMemberId, child.FeedbackConsent));
        Assert.True(e.OrientationOf(cleo.Id, 1).IsOriented);
    }

    [Fact]
    public void AChildNeedsAnAdultParentOrCaregiverToConsentAndAnAdultAgreesForThemselves()
    {
        var (c, e, ada, _, cleo) = Family();
        AgreeFamily(e);
        var sibling = c.AddMember("Dot Marlowe", FamilyRole.Child, 2014, Now);
        var uncle = c.AddMember("Eli Marlowe", FamilyRole.Other, 1970, Now);

        Assert.Contains("name the parent or guardian", Assert.Throws<DomainRuleException>(() => e.RecordAgreement(cleo, 1, null, true, true, null, Therapist, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("cannot consent", Assert.Throws<DomainRuleException>(() => e.RecordAgreement(cleo, 1, sibling.Id, true, true, null, Therapist, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("cannot consent", Assert.Throws<DomainRuleException>(() => e.RecordAgreement(cleo, 1, uncle.Id, true, true, null, Therapist, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("agrees for themselves", Assert.Throws<DomainRuleException>(() => e.RecordAgreement(ada, 1, ada.Id, true, true, null, Therapist, Now)).Message, StringComparison.Ordinal);
        Assert.Empty(e.Agreements);
    }

    [Fact]
    public void TheFamilysSecretsPolicyComesFirstAndLimitedSecretsStateTheirRule()
    {
        var (_, e, ada, _, _) = Family();

        Assert.Equal("secretsPolicy", Assert.Throws<DomainRuleException>(() => e.RecordAgreement(ada, 1, null, true, true, null, Therapist, Now)).Field);
        Assert.Equal("secretsRule", Assert.Throws<DomainRuleException>(() => e.RecordFamilyAgreements(SecretsPolicy.LimitedSecrets, "  ", YoungPersonSharing.NothingShared)).Field);

        e.RecordFamilyAgreements(SecretsPolicy.LimitedSecrets, "Each may say something alone; we decide together how to share it.", YoungPersonSharing.NothingShared);
        Assert.Equal((SecretsPolicy.LimitedSecrets, YoungPersonSharing.NothingShared), (e.SecretsPolicy, e.YoungPersonSharing));
        e.RecordFamilyAgreements(SecretsPolicy.NoSecrets, "ignored", YoungPersonSharing.ScoresOnly);
        Assert.Null(e.SecretsRule);
    }

    [Fact]
    public void ActiveWorkWaitsForEveryMemberWhoCameToBeOrientedButNotForAMemberWhoWasAbsent()
    {
        var (c, e, ada, ben, cleo) = Family();
        e.MoveTo(EpisodePhase.FirstVisit, Therapist, "First visit booked", Now.AddDays(-8));
        Held(c, Now.AddDays(-7), ada, cleo);
        AgreeFamily(e);
        e.RecordAgreement(ada, 1, null, true, true, null, Therapist, Now.AddDays(-7));

        var refused = Assert.Throws<DomainRuleException>(() => e.MoveTo(EpisodePhase.Active, Therapist, "Begin", Now));
        Assert.Equal(("phase", "Cleo Marlowe has not been oriented yet. Go through the orientation with them, or record why the work starts without it."), (refused.Field, refused.Message));

        e.RecordAgreement(cleo, 1, ada.Id, true, true, null, Therapist, Now.AddDays(-7));
        // Ben has not come yet: he is oriented when he first attends, and the guide reminds the therapist until then.
        e.MoveTo(EpisodePhase.Active, Therapist, "Begin", Now);
        Assert.Equal(EpisodePhase.Active, e.Phase);
        var view = ProcessGuide.For(e, new ProcessSettings(1, 6, false, false), Now);
        Assert.Contains(view.Reminders, r => r.StartsWith("Not yet oriented: Ben Marlowe.", StringComparison.Ordinal));
        Assert.False(e.OrientationOf(ben.Id, 1).IsOriented);
    }

    [Fact]
    public void TheTherapistMayBeginWithoutOrientationByRecordingWhy()
    {
        var (_, e, _, ben, _) = Family();

        Assert.Equal("reason", Assert.Throws<DomainRuleException>(() => e.Override(OverrideScope.MoveToActive, null, "because", Therapist, Now)).Field);
        var o = e.Override(OverrideScope.MoveToActive, null, "Family in crisis; orientation at the next session.", Therapist, Now);
        e.MoveTo(EpisodePhase.Active, Therapist, "Crisis work", Now);

        Assert.Equal((OverrideScope.MoveToActive, (Guid?)null, Therapist), (o.Scope, o.MemberId, o.By));
        Assert.Equal(EpisodePhase.Active, e.Phase);
        // Going past the start does not go past the questionnaires.
        Assert.Throws<DomainRuleException>(() => e.RequireClientMeasures(ben));
    }

    [Fact]
    public void QuestionnairesFollowOrientationAndConsentAndAnOverrideCoversOnlyTheMemberNamed()
    {
        var (_, e, ada, ben, cleo) = Family();
        AgreeFamily(e);

        Assert.Contains("has not been oriented yet", Assert.Throws<DomainRuleException>(() => e.RequireClientMeasures(ada)).Message, StringComparison.Ordinal);

        e.RecordAgreement(ada, 1, null, measuresConsent: true, feedbackConsent: true, null, Therapist, Now);
        e.RecordAgreement(ben, 1, null, measuresConsent: false, feedbackConsent: false, null, Therapist, Now);
        e.RequireClientMeasures(ada);
        Assert.Contains("did not consent", Assert.Throws<DomainRuleException>(() => e.RequireClientMeasures(ben)).Message, StringComparison.Ordinal);
        Assert.False(e.AllowsFeedbackConversation(ben.Id));

        e.Override(OverrideScope.ClientMeasures, cleo.Id, "Away at camp; her mother consented by phone.", Therapist, Now);
        Assert.True(e.AllowsClientMeasures(cleo));
        // An override never goes past a member's own "no".
        e.Override(OverrideScope.ClientMeasures, null, "Everyone answers today, we agreed it by phone.", Therapist, Now);
        Assert.False(e.AllowsClientMeasures(ben));

        // A member who changes their mind is recorded again; the earlier agreement is kept.
        e.RecordAgreement(ben, 1, null, true, true, null, Therapist, Now.AddMinutes(5));
        Assert.True(e.AllowsClientMeasures(ben));
        Assert.Equal(2, e.Agreements.Count(a => a.MemberId == ben.Id));
    }

    [Fact]
    public void AChangedTextAsksForAgreementAgainButKeepsWhatWasAgreedAndInWhichVersion()
    {
        var (_, e, ada, _, _) = Family();
        var v1 = OrientationText.Default(AgencyId, Now.AddDays(-30));
        AgreeFamily(e);
        e.RecordAgreement(ada, v1.Version, null, true, true, null, Therapist, Now.AddDays(-20));

        var v2 = v1.Revise(v1.Parts with { Confidentiality = v1.Confidentiality + " Recordings are kept for 30 days." }, Supervisor, Now);

        Assert.Equal(2, v2.Version);
        var before = e.OrientationOf(ada.Id, v2.Version);
        Assert.True(before is { IsOriented: true, NeedsRenewal: true });
        Assert.Contains(ProcessGuide.For(e, new ProcessSettings(v2.Version, 6, false, false), Now).Reminders,
            r => r.Contains("has changed since Ada Marlowe agreed", StringComparison.Ordinal));
        e.RecordAgreement(ada, v2.Version, null, true, true, null, Therapist, Now);
        Assert.False(e.OrientationOf(ada.Id, v2.Version).NeedsRenewal);
        Assert.Equal([1, 2], e.Agreements.Where(a => a.MemberId == ada.Id).Select(a => a.TextVersion));
        Assert.Equal("expectations", Assert.Throws<DomainRuleException>(() => v2.Revise(v2.Parts, Supervisor, Now)).Field);
        Assert.Equal("roles", Assert.Throws<DomainRuleException>(() => v2.Revise(v2.Parts with { Roles = " " }, Supervisor, Now)).Field);
    }

    [Fact]
    public void EpisodesImportedFromSpreadsheetsCountAsOrientedBeforeImport()
    {
        var (_, e, ada, ben, cleo) = Family();

        e.RecordOrientedBeforeImport(Therapist, Now);
        e.RecordOrientedBeforeImport(Therapist, Now.AddDays(1));

        Assert.Equal(3, e.Agreements.Count);
        Assert.All(e.Agreements, a => Assert.Equal((AgreementForm.RecordedBeforeImport, 0), (a.Form, a.TextVersion)));
        Assert.All([ada, ben, cleo], m => Assert.True(e.OrientationOf(m.Id, 4) is { IsOriented: true, NeedsRenewal: false }));
        e.RequireClientMeasures(cleo);
    }

    [Theory]
    [InlineData(5, 6, null)]
    [InlineData(6, 6, 6)]
    [InlineData(7, 6, 6)]
    [InlineData(4, 4, 4)]
    [InlineData(3, 4, null)]
    public void AReviewIsDueEveryNHeldSessions(int held, int every, int? dueAfter)
    {
        var c = ActiveCase();
        for (var i = 0; i < held; i++) Held(c, Now.AddDays(-7 * (held - i)), c.Members[0]);
        // A cancelled session is not a session held.
        c.CurrentEpisode.ScheduleSession(Now.AddDays(-1), 60, Therapist, Now.AddDays(-3)).Cancel("Unwell");

        Assert.Equal(dueAfter, c.CurrentEpisode.ReviewDue(every));
    }

    [Fact]
    public void AReviewLooksAtEveryGoalAndTheNextOneIsDueNSessionsLater()
    {
        var c = ActiveCase();
        var e = c.CurrentEpisode;
        Assert.Equal("decision", Assert.Throws<DomainRuleException>(() => e.RecordReview(new Dictionary<Guid, int>(), ReviewDecision.Continue, null, Therapist, Now)).Field);
        var calmer = e.AddGoal("Calmer mornings", Therapist, Now.AddDays(-60));
        var talk = e.AddGoal("Talk without shouting", Therapist, Now.AddDays(-60));
        for (var i = 0; i < 6; i++) Held(c, Now.AddDays(-7 * (6 - i)), c.Members[0]);

        Assert.Equal("progress", Assert.Throws<DomainRuleException>(() => e.RecordReview(new Dictionary<Guid, int> { [calmer.Id] = 4 }, ReviewDecision.Continue, null, Therapist, Now)).Field);
        Assert.Equal("progress", Assert.Throws<DomainRuleException>(() => e.RecordReview(new Dictionary<Guid, int> { [calmer.Id] = 4, [talk.Id] = 11 }, ReviewDecision.Continue, null, Therapist, Now)).Field);
        Assert.Equal(6, e.ReviewDue(6));

        var review = e.RecordReview(new Dictionary<Guid, int> { [calmer.Id] = 4, [talk.Id] = 7 }, ReviewDecision.ChangeApproach, "More time with the parents.", Therapist, Now);

        Assert.Equal((6, ReviewDecision.ChangeApproach), (review.AfterSessions, review.Decision));
        Assert.Equal([4, 7], review.Progress.OrderBy(p => p.GoalId == calmer.Id ? 0 : 1).Select(p => p.Progress));
        Assert.Null(e.ReviewDue(6));
        for (var i = 0; i < 6; i++) Held(c, Now.AddDays(1 + i), c.Members[0]);
        Assert.Equal(12, e.ReviewDue(6));
    }

    [Fact]
    public void GoalsAreTheFamilysWordsAndEachMemberSaysHowImportantEachIs()
    {
        var (_, e, ada, ben, _) = Family();
        var goal = e.AddGoal("  Calmer mornings before school ", Therapist, Now);

        e.RateGoal(goal.Id, ada.Id, 5, Now);
        e.RateGoal(goal.Id, ben.Id, 2, Now);
        e.RateGoal(goal.Id, ben.Id, 3, Now.AddDays(7));

        Assert.Equal("Calmer mornings before school", goal.Text);
        Assert.Equal([(ada.Id, 5), (ben.Id, 3)], goal.Importance.Select(i => (i.MemberId, i.Importance)));
        Assert.Equal("importance", Assert.Throws<DomainRuleException>(() => e.RateGoal(goal.Id, ada.Id, 6, Now)).Field);
        Assert.Equal("memberId", Assert.Throws<DomainRuleException>(() => e.RateGoal(goal.Id, Guid.NewGuid(), 3, Now)).Field);
        Assert.Equal("text", Assert.Throws<DomainRuleException>(() => e.AddGoal(new string('x', Goal.MaxLength + 1), Therapist, Now)).Field);
    }

    [Fact]
    public void ThePlanSaysHowOftenAndHowLongWithinSaneBounds()
    {
        var (_, e, _, _, _) = Family();
        Assert.False(e.HasPlan);

        e.SetPlan(14, 50, null);

        Assert.True(e.HasPlan);
        Assert.Equal((14, 50, (int?)null), (e.PlanIntervalDays, e.PlanSessionMinutes, e.PlanSessions));
        Assert.Equal("planIntervalDays", Assert.Throws<DomainRuleException>(() => e.SetPlan(0, 50, null)).Field);
        Assert.Equal("planSessionMinutes", Assert.Throws<DomainRuleException>(() => e.SetPlan(7, 10, null)).Field);
        Assert.Equal("planSessions", Assert.Throws<DomainRuleException>(() => e.SetPlan(7, 60, 0)).Field);
    }

    [Fact]
    public void TheEndingChecklistAsksForTheFinalSessionARelapsePlanAndFollowUpWhenOffered()
    {
        var c = ActiveCase();
        var e = c.CurrentEpisode;

        Assert.Equal("finalSessionAt", Assert.Throws<DomainRuleException>(() => e.PlanEnding(new EndingChecklist(null, true, "Duty line if things slip.", null), true, Therapist, "Ending", Now)).Field);
        Assert.Equal("relapsePlan", Assert.Throws<DomainRuleException>(() => e.PlanEnding(new EndingChecklist(Now.AddDays(7), true, "Call", null), true, Therapist, "Ending", Now)).Field);
        Assert.Equal("followUpAt", Assert.Throws<DomainRuleException>(() => e.PlanEnding(new EndingChecklist(Now.AddDays(7), true, "Duty line if things slip.", Now.AddDays(90)), false, Therapist, "Ending", Now)).Field);
        Assert.Equal("followUpAt", Assert.Throws<DomainRuleException>(() => e.PlanEnding(new EndingChecklist(Now.AddDays(7), true, "Duty line if things slip.", Now.AddDays(1)), true, Therapist, "Ending", Now)).Field);
        Assert.Equal(EpisodePhase.Active, e.Phase);

        var change = e.PlanEnding(new EndingChecklist(Now.AddDays(7), false, "Duty line if things slip.", null), true, Therapist, "Termination due; agreed with the family", Now);

        Assert.Equal((EpisodePhase.Active, EpisodePhase.TerminationPlanned), (change!.From, change.To));
        Assert.Equal(["plan the final measures", "offer a follow-up"], e.EndingChecklistGaps(agencyOffersFollowUp: true));
        Assert.Equal(["plan the final measures"], e.EndingChecklistGaps(agencyOffersFollowUp: false));
        Assert.Null(e.PlanEnding(new EndingChecklist(Now.AddDays(7), true, "Duty line if things slip.", Now.AddDays(97)), true, Therapist, "Update", Now));
        Assert.Empty(e.EndingChecklistGaps(agencyOffersFollowUp: true));
    }

    [Fact]
    public void ClosingRecordsTheOutcomeAndASummaryAndFitsTheWayTheEpisodeEnded()
    {
        var referral = NewCase().CurrentEpisode;
        Assert.Equal("outcome", Assert.Throws<DomainRuleException>(() => referral.Close(EpisodeOutcome.DroppedOut, [], "The family did not come.", Therapist, Now)).Field);
        referral.Close(EpisodeOutcome.NeverStarted, [], "The family did not take up the referral.", Therapist, Now);
        Assert.Equal((EpisodePhase.Closed, (EpisodeOutcome?)EpisodeOutcome.NeverStarted, (DateTime?)Now), (referral.Phase, referral.Outcome, referral.ClosedAt));

        var active = ActiveCase();
        var e = active.CurrentEpisode;
        Assert.Contains("Plan the ending first", Assert.Throws<DomainRuleException>(() => e.Close(EpisodeOutcome.Recovered, [], "Goals met, all well.", Therapist, Now)).Message, StringComparison.Ordinal);
        Assert.Equal("summary", Assert.Throws<DomainRuleException>(() => e.Close(EpisodeOutcome.DroppedOut, [], "short", Therapist, Now)).Field);
        var ada = active.Members[0];
        var change = e.Close(EpisodeOutcome.DroppedOut, [new MemberOutcome(ada.Id, "wellbeing-check", 18, 24, 5, ChangeOutcome.ReliablyImproved)], "The family stopped coming after session 5.", Therapist, Now);

        Assert.Equal("Closed: the family stopped coming", change.Reason);
        Assert.Equal((EpisodeOutcome.DroppedOut, "The family stopped coming after session 5."), (e.Outcome, e.ClosingSummary));
        var kept = Assert.Single(e.MemberOutcomes);
        Assert.Equal((e.Id, e.AgencyId, ChangeOutcome.ReliablyImproved), (kept.EpisodeId, kept.AgencyId, kept.Outcome));
        Assert.Equal("outcome", Assert.Throws<DomainRuleException>(() => e.Close(EpisodeOutcome.DroppedOut, [], "Closing twice is not possible.", Therapist, Now)).Field);
    }

    [Theory]
    [InlineData(new ChangeOutcome[0], EpisodeOutcome.NotMeasured)]
    [InlineData(new[] { ChangeOutcome.Recovered, ChangeOutcome.Recovered }, EpisodeOutcome.Recovered)]
    [InlineData(new[] { ChangeOutcome.Recovered, ChangeOutcome.NoReliableChange }, EpisodeOutcome.ReliablyImproved)]
    [InlineData(new[] { ChangeOutcome.ReliablyImproved, ChangeOutcome.NoReliableChange }, EpisodeOutcome.ReliablyImproved)]
    [InlineData(new[] { ChangeOutcome.Recovered, ChangeOutcome.Deteriorated }, EpisodeOutcome.Deteriorated)]
    [InlineData(new[] { ChangeOutcome.NoReliableChange }, EpisodeOutcome.NoReliableChange)]
    public void TheFamilysOutcomeNeverHidesAMembersDeterioration(ChangeOutcome[] members, EpisodeOutcome expected) =>
        Assert.Equal(expected, ProcessGuide.FamilyOutcome(members));

    [Fact]
    public void TheGuideLeadsThroughTheFirstVisitToActiveWorkAndOnToTheEnding()
    {
        var (c, e, ada, ben, cleo) = Family();
        var settings = new ProcessSettings(1, 6, false, false);
        NextAction Next() => ProcessGuide.For(e, settings, Now).Next.Action;

        Assert.Equal(NextAction.ScheduleFirstVisit, Next());
        e.MoveTo(EpisodePhase.FirstVisit, Therapist, "First visit booked", Now.AddDays(-8));
        Held(c, Now.AddDays(-7), ada, ben, cleo);
        Assert.Equal(NextAction.Orient, Next());
        Assert.Equal("Go through the orientation with Ada Marlowe, Ben Marlowe and Cleo Marlowe.", ProcessGuide.For(e, settings, Now).Next.Text);
        c.Orient(Now.AddDays(-7));
        Assert.Equal(NextAction.RecordGoals, Next());
        e.AddGoal("Calmer mornings", Therapist, Now);
        Assert.Equal(NextAction.RecordPlan, Next());
        e.SetPlan(7, 60, null);
        Assert.Equal(NextAction.StartActiveWork, Next());
        e.MoveTo(EpisodePhase.Active, Therapist, "Begin", Now);
        Assert.Equal(NextAction.ScheduleSession, Next());
        Assert.Equal(NextAction.PlanEnding, ProcessGuide.For(e, settings with { TerminationDue = true }, Now).Next.Action);
        for (var i = 0; i < 5; i++) Held(c, Now.AddDays(-6 + i), ada);
        Assert.Equal(NextAction.Review, Next());

        var view = ProcessGuide.For(e, settings, Now);
        Assert.Equal([StepState.Done, StepState.Done, StepState.Now, StepState.Ahead, StepState.Ahead], view.Steps.Select(s => s.State));
        Assert.Equal("3 of 3 oriented", view.Steps[1].Detail);
        Assert.Equal("review due", view.Steps[2].Detail);
        e.PlanEnding(new EndingChecklist(Now.AddDays(7), true, "Duty line if things slip.", null), false, Therapist, "Ending", Now);
        Assert.Equal(NextAction.Close, Next());
        Assert.Equal(NextAction.CompleteEndingChecklist, ProcessGuide.For(e, settings with { OffersFollowUp = true }, Now).Next.Action);
    }
}
