using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>Boundary watch in the model: contacts, incidents and their append-only entries, assistance, self-check patterns.</summary>
[Trait("Capability", "Boundaries")]
public sealed class BoundaryTests
{
    [Theory]
    [InlineData("agency-phone", ContactMeans.AgencyPhone, false)]
    [InlineData("agency-message", ContactMeans.AgencyMessage, false)]
    [InlineData("personal-phone", ContactMeans.PersonalPhone, true)]
    [InlineData("social-media", ContactMeans.SocialMedia, true)]
    [InlineData("In-Person-Outside", ContactMeans.InPersonOutside, true)]
    public void ChannelWordsFollowTheSpreadsheetFormat(string word, ContactMeans expected, bool personal)
    {
        Assert.True(ContactWords.TryParse(word, out var means));
        Assert.Equal(expected, means);
        Assert.Equal(personal, means.IsPersonal());
        Assert.Equal(word.ToLowerInvariant(), ContactWords.Word(means));
    }

    [Fact]
    public void AnUnknownChannelWordIsNotRead() => Assert.False(ContactWords.TryParse("carrier-pigeon", out _));

    [Fact]
    public void AContactIsWithAMemberOfTheFamilyOrTheWholeFamily()
    {
        var c = ActiveCase();
        var whole = new Contact(c, null, Now.AddHours(-3), ContactMeans.AgencyPhone, ContactStartedBy.Family, 10, "  Asked to move Thursday.  ", Therapist, Now);
        Assert.Null(whole.MemberId);
        Assert.Equal("Asked to move Thursday.", whole.Summary);
        Assert.Equal((c.AgencyId, c.Id), (whole.AgencyId, whole.CaseId));

        var stranger = Assert.Throws<DomainRuleException>(() => new Contact(c, Guid.NewGuid(), Now, ContactMeans.AgencyPhone, ContactStartedBy.Family, 5, null, Therapist, Now));
        Assert.Equal("memberId", stranger.Field);
    }

    [Theory]
    [InlineData(-1, "minutes")]
    [InlineData(1441, "minutes")]
    public void AContactsLengthIsWholeMinutesWithinADay(int minutes, string field) =>
        Assert.Equal(field, Assert.Throws<DomainRuleException>(() =>
            new Contact(ActiveCase(), null, Now.AddHours(-1), ContactMeans.AgencyPhone, ContactStartedBy.Family, minutes, null, Therapist, Now)).Field);

    [Fact]
    public void AContactIsRecordedAfterItTookPlaceWithAShortSummary()
    {
        var c = ActiveCase();
        Assert.Equal("at", Assert.Throws<DomainRuleException>(() => new Contact(c, null, Now.AddDays(1), ContactMeans.AgencyPhone, ContactStartedBy.Family, 5, null, Therapist, Now)).Field);
        Assert.Equal("summary", Assert.Throws<DomainRuleException>(() => new Contact(c, null, Now, ContactMeans.AgencyPhone, ContactStartedBy.Family, 5, new string('x', 1001), Therapist, Now)).Field);
    }

    [Theory]
    [InlineData(IncidentCategory.BoundaryCrossing, "boundary crossing")]
    [InlineData(IncidentCategory.Disrespect, "disrespect")]
    [InlineData(IncidentCategory.Violence, "violence")]
    [InlineData(IncidentCategory.InappropriateAdvances, "inappropriate advances")]
    [InlineData(IncidentCategory.OtherUnacceptableBehaviour, "other unacceptable behaviour")]
    [InlineData(IncidentCategory.Harm, "harm")]
    public void TheSixCategoriesOfTheIssueAreNamed(IncidentCategory category, string words)
    {
        Assert.Equal(words, IncidentWords.Say(category));
        var incident = Incident.ReportByStaff(AgencyId, null, null, category, "What happened.", Therapist, Now);
        Assert.Equal(category, incident.Category);
        Assert.Equal(6, Enum.GetValues<IncidentCategory>().Length);
    }

    [Fact]
    public void AnUnknownCategoryIsRefused() =>
        Assert.Equal("category", Assert.Throws<DomainRuleException>(() =>
            Incident.ReportByStaff(AgencyId, null, null, (IncidentCategory)42, "What happened.", Therapist, Now)).Field);

    [Fact]
    public void AFamilyMembersReportConcernsTheTherapistUnlessTheySayOtherwise()
    {
        var c = ActiveCase();
        var ada = c.Members[0].Id;
        var about = Incident.ReportByFamily(c, ada, IncidentCategory.Disrespect, "He laughed at my son.", aboutTherapist: true, Now);
        Assert.Equal(Therapist, about.ConcernsStaffId);
        Assert.Equal(ada, about.ReportedByMemberId);
        Assert.Null(about.ReportedByStaffId);
        Assert.True(about.ReportedByFamily);

        var other = Incident.ReportByFamily(c, ada, IncidentCategory.Violence, "Someone in the waiting room shouted.", aboutTherapist: false, Now);
        Assert.Null(other.ConcernsStaffId);
        Assert.Equal("memberId", Assert.Throws<DomainRuleException>(() => Incident.ReportByFamily(c, Guid.NewGuid(), IncidentCategory.Harm, "x", true, Now)).Field);
    }

    [Fact]
    public void AReportAboutOneselfIsARequestForAssistanceInstead() =>
        Assert.Equal("concernsStaffId", Assert.Throws<DomainRuleException>(() =>
            Incident.ReportByStaff(AgencyId, null, Therapist, IncidentCategory.BoundaryCrossing, "I met them outside.", Therapist, Now)).Field);

    [Fact]
    public void EntriesAreOnlyAppendedAndTheNarrativeNeverChanges()
    {
        var incident = Incident.ReportByStaff(AgencyId, ActiveCase(), OtherTherapist, IncidentCategory.InappropriateAdvances, "First account.", Therapist, Now);
        incident.Append(IncidentEntryKind.FollowUp, "It happened twice.", Therapist, Now.AddHours(1));
        incident.Append(IncidentEntryKind.Correction, "It was Tuesday, not Monday.", Therapist, Now.AddHours(2));
        Assert.Equal("First account.", incident.Narrative);
        Assert.Equal([IncidentEntryKind.FollowUp, IncidentEntryKind.Correction], incident.Entries.Select(e => e.Kind));
        Assert.All(incident.Entries, e => Assert.Equal(incident.Id, e.IncidentId));
        // The response and closing are the supervisor's own acts, not appended as follow-ups.
        Assert.Equal("kind", Assert.Throws<DomainRuleException>(() => incident.Append(IncidentEntryKind.Closing, "Done.", Therapist, Now)).Field);
        // Nothing about an entry can be changed: it has no setter a caller can reach.
        Assert.All(typeof(IncidentEntry).GetProperties(), p => Assert.False(p.SetMethod?.IsPublic ?? false, p.Name));
        Assert.All(typeof(Incident).GetProperties().Where(p => p.Name == nameof(Incident.Narrative)), p => Assert.False(p.SetMethod?.IsPublic ?? false));
    }

    [Fact]
    public void TheSupervisorRespondsBeforeClosingAndTheConcernedPersonCanDoNeither()
    {
        var incident = Incident.ReportByStaff(AgencyId, ActiveCase(), OtherTherapist, IncidentCategory.BoundaryCrossing, "Gave the client a lift home.", Therapist, Now);
        Assert.Equal("text", Assert.Throws<DomainRuleException>(() => incident.Close("Closing.", Supervisor, Now)).Field);
        Assert.Equal("incident", Assert.Throws<DomainRuleException>(() => incident.Respond("Nothing happened.", OtherTherapist, Now)).Field);
        Assert.Equal("incident", Assert.Throws<DomainRuleException>(() => incident.Append(IncidentEntryKind.Correction, "Not true.", OtherTherapist, Now)).Field);

        incident.Respond("Talked it through; agreed no lifts.", Supervisor, Now.AddHours(1));
        incident.Close("Agreement holds after a month.", Supervisor, Now.AddDays(30));
        Assert.Equal(IncidentStatus.Closed, incident.Status);
        Assert.Equal((Now.AddDays(30), Supervisor), (incident.ClosedAt!.Value, incident.ClosedBy!.Value));
        Assert.Equal("status", Assert.Throws<DomainRuleException>(() => incident.Close("Again.", Supervisor, Now)).Field);
        Assert.Equal("status", Assert.Throws<DomainRuleException>(() => incident.Respond("More.", Supervisor, Now)).Field);
        // A follow-up can still be added after closing: the record grows, it is never rewritten.
        incident.Append(IncidentEntryKind.FollowUp, "The family moved away.", Therapist, Now.AddDays(40));
        Assert.Equal([IncidentEntryKind.Response, IncidentEntryKind.Closing, IncidentEntryKind.FollowUp], incident.Entries.Select(e => e.Kind));
    }

    [Fact]
    public void AnIncidentNeedsWordsWithinTheLimit()
    {
        Assert.Equal("narrative", Assert.Throws<DomainRuleException>(() => Incident.ReportByStaff(AgencyId, null, null, IncidentCategory.Harm, "   ", Therapist, Now)).Field);
        Assert.Equal("narrative", Assert.Throws<DomainRuleException>(() => Incident.ReportByStaff(AgencyId, null, null, IncidentCategory.Harm, new string('a', 4001), Therapist, Now)).Field);
    }

    [Fact]
    public void ARequestForAssistanceIsAnsweredOnceBySomeoneElse()
    {
        var request = new AssistanceRequest(AgencyId, Therapist, null, "I keep thinking about the Marlowes at night.", Now);
        Assert.True(request.AboutSelf);
        Assert.Equal("answer", Assert.Throws<DomainRuleException>(() => request.Respond(Therapist, "Fine.", Now)).Field);
        request.Respond(Supervisor, "Let us meet on Thursday.", Now.AddHours(2));
        Assert.Equal((Supervisor, Now.AddHours(2)), (request.AnsweredBy!.Value, request.AnsweredAt!.Value));
        Assert.Equal("answer", Assert.Throws<DomainRuleException>(() => request.Respond(Supervisor, "Again.", Now)).Field);
        Assert.Equal("text", Assert.Throws<DomainRuleException>(() => new AssistanceRequest(AgencyId, Therapist, null, "", Now)).Field);
    }

    private static readonly Guid Family1 = Guid.Parse("00000000-0000-0000-0000-0000000c0001");
    private static readonly Guid Family2 = Guid.Parse("00000000-0000-0000-0000-0000000c0002");
    private static DateOnly M(int month) => new(2026, month, 1);

    // Hand-worked: with "2 of the last 3 months" at May, the window is March, April, May.
    // Family 1: yes in March and May -> pattern (2 months). Family 2: yes in January and May -> only May is in the window.
    [Fact]
    public void AFamilyEndorsedInTwoOfTheLastThreeMonthsIsAPattern()
    {
        (DateOnly, Guid, bool)[] answers =
        [
            (M(1), Family2, true), (M(3), Family1, true), (M(4), Family1, false), (M(4), Family2, false), (M(5), Family1, true), (M(5), Family2, true),
        ];
        var pattern = Assert.Single(SelfCheckPatterns.Find(answers, M(5), times: 2, window: 3));
        Assert.Equal(Family1, pattern.CaseId);
        Assert.Equal([M(3), M(5)], pattern.Months);
    }

    [Fact]
    public void NoPatternWhenTheFamilyIsEndorsedOnceOrOutsideTheWindow()
    {
        (DateOnly, Guid, bool)[] answers = [(M(1), Family1, true), (M(2), Family1, true), (M(5), Family1, true), (M(4), Family2, false), (M(5), Family2, false)];
        Assert.Empty(SelfCheckPatterns.Find(answers, M(5), times: 2, window: 3));
        // A wider window (the agency's setting) takes the earlier months in.
        Assert.Equal([M(1), M(2), M(5)], Assert.Single(SelfCheckPatterns.Find(answers, M(5), times: 2, window: 5)).Months);
    }

    [Fact]
    public void AMonthsSecondSelfCheckReplacesItsAnswersForTheFamily()
    {
        var check = new SelfCheck(AgencyId, Therapist, new DateOnly(2026, 3, 17), Now);
        Assert.Equal(new DateOnly(2026, 3, 1), check.Month);
        check.Answer(Family1, sharedOwnTroubles: true, appearance: false, outsideThoughts: false, extraTime: false, "A note.", Now);
        check.Answer(Family1, false, false, false, false, null, Now.AddDays(1));
        var answer = Assert.Single(check.Answers);
        Assert.False(answer.Endorsed);
        Assert.Null(answer.Note);
        Assert.Equal("note", Assert.Throws<DomainRuleException>(() => check.Answer(Family2, true, true, true, true, new string('n', 2001), Now)).Field);
    }

    [Fact]
    public void BoundarySettingsStayWithinSensibleRanges()
    {
        var settings = new BoundarySettings(AgencyId);
        Assert.Equal((2, 3, 20, 5), (settings.SelfCheckTimes, settings.SelfCheckWindow, settings.MinimumDecisions, settings.MinimumExpected));
        Assert.Equal("selfCheckTimes", Assert.Throws<DomainRuleException>(() => settings.Change(4, 3, 20, 5, 0.05m, 2m)).Field);
        Assert.Equal("alpha", Assert.Throws<DomainRuleException>(() => settings.Change(2, 3, 20, 5, 0m, 2m)).Field);
        settings.Change(3, 6, 30, 5, 0.1m, 1.5m);
        Assert.Equal((3, 6, 30), (settings.SelfCheckTimes, settings.SelfCheckWindow, settings.MinimumDecisions));
    }

    [Fact]
    public void AnIntakeDecisionCarriesAnAllowedValueOfEachAttribute()
    {
        var funding = new ReferralField(AgencyId, "Funding source", ["Public", "Insurance", "Self-paying"], Now);
        var decision = new IntakeDecision(AgencyId, Therapist, null, "R-2026-014", IntakeOutcome.Declined, "Caseload full", new Dictionary<ReferralField, string> { [funding] = "insurance" }, Now);
        Assert.Equal("Insurance", decision.Values[funding.Id]);
        Assert.Equal("attributes", Assert.Throws<DomainRuleException>(() =>
            new IntakeDecision(AgencyId, Therapist, null, "R-2026-015", IntakeOutcome.Accepted, "Fits", new Dictionary<ReferralField, string> { [funding] = "Lottery" }, Now)).Field);
        Assert.Equal("values", Assert.Throws<DomainRuleException>(() => new ReferralField(AgencyId, "Band", ["Only one"], Now)).Field);
    }
}
