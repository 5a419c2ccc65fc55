using Alliance.Domain;

namespace Alliance.Boundaries.Tests;

[Trait("Capability", "Boundaries")]
public class SessionsAgainstThePlanTests
{
    private static readonly Guid Case = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly DateTime AsOf = new(2025, 3, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly SessionPlan Weekly = SessionPlan.EveryWeeks(1, 50);

    private static HeldSession At(DateTime start, int? minutes = 50) => new(Guid.NewGuid(), start, minutes);

    private static IReadOnlyList<BoundaryFinding> Check(SessionPlan plan, IEnumerable<HeldSession> sessions, TimeBeyondNeedSettings? settings = null) =>
        TimeBeyondNeed.FindForCase(new CaseSessionsInput(Case, plan, sessions.ToList()), AsOf, settings);

    [Fact]
    public void SixSessionsInFourWeeksOfAWeeklyPlanAreMoreFrequentThanPlanned()
    {
        // Weekly plan, 28-day window: allowance ceil(28 / 7) = 4, tolerance 1, so 6 sessions (> 5) are flagged.
        var sessions = Enumerable.Range(0, 6).Select(i => At(AsOf.AddDays(-4 * i)));

        var finding = Assert.IsType<SessionsMoreFrequentThanPlanFinding>(Assert.Single(Check(Weekly, sessions)));

        Assert.Equal("sessions-more-frequent-than-plan", finding.Kind);
        Assert.Equal(6, finding.HeldSessions);
        Assert.Equal(4, finding.PlannedSessions);
        Assert.Equal(new DateOnly(2025, 2, 28), finding.WindowFrom);
        Assert.Contains("had 6 sessions", finding.Explanation, StringComparison.Ordinal);
        Assert.Contains("allows 4", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void FiveSessionsInFourWeeksAreExactlyTheAllowanceAndTolerance()
    {
        var sessions = Enumerable.Range(0, 5).Select(i => At(AsOf.AddDays(-5 * i)));
        Assert.Empty(Check(Weekly, sessions));
    }

    [Fact]
    public void TheWindowIncludesNowAndExcludesItsFirstMoment()
    {
        // Six sessions, one exactly 28 days before now: outside the half-open window (asOf − 28 d, asOf], so 5 count.
        var sessions = Enumerable.Range(0, 5).Select(i => At(AsOf.AddDays(-5 * i))).Append(At(AsOf.AddDays(-28)));
        Assert.Empty(Check(Weekly, sessions));
        // Moved a minute later, it counts: 6 > 5.
        sessions = Enumerable.Range(0, 5).Select(i => At(AsOf.AddDays(-5 * i))).Append(At(AsOf.AddDays(-28).AddMinutes(1)));
        Assert.Single(Check(Weekly, sessions));
    }

    [Fact]
    public void SessionsAfterNowAreIgnored()
    {
        var sessions = Enumerable.Range(0, 5).Select(i => At(AsOf.AddDays(-5 * i))).Append(At(AsOf.AddHours(1)));
        Assert.Empty(Check(Weekly, sessions));
    }

    [Fact]
    public void AFortnightlyPlanAllowsTwoPlusOne()
    {
        // ceil(28 / 14) = 2, tolerance 1: 4 sessions flagged, 3 not.
        var plan = SessionPlan.EveryWeeks(2, 50);
        Assert.Single(Check(plan, Enumerable.Range(0, 4).Select(i => At(AsOf.AddDays(-7 * i)))));
        Assert.Empty(Check(plan, Enumerable.Range(0, 3).Select(i => At(AsOf.AddDays(-7 * i)))));
    }

    [Fact]
    public void AnIntervalThatDoesNotDivideTheWindowRoundsTheAllowanceUp()
    {
        // Every 10 days: sessions can fall on days 0, −10, −20 of a 28-day window: ceil(2.8) = 3; tolerance 1: 5 flagged, 4 not.
        var plan = new SessionPlan(10, 50);
        var flagged = Assert.IsType<SessionsMoreFrequentThanPlanFinding>(Assert.Single(Check(plan, Enumerable.Range(0, 5).Select(i => At(AsOf.AddDays(-5 * i))))));
        Assert.Equal(3, flagged.PlannedSessions);
        Assert.Empty(Check(plan, Enumerable.Range(0, 4).Select(i => At(AsOf.AddDays(-5 * i)))));
    }

    [Fact]
    public void MoreSessionsThanPlannedInAllIsFlaggedOnlyPastThePlan()
    {
        // 12 planned; fortnightly sessions so the frequency rule stays quiet. 12 held: none; 13 held: flagged.
        var plan = SessionPlan.EveryWeeks(2, 50, plannedSessions: 12);
        Assert.Empty(Check(plan, Enumerable.Range(0, 12).Select(i => At(AsOf.AddDays(-14 * i)))));
        var finding = Assert.IsType<SessionsBeyondPlannedNumberFinding>(
            Assert.Single(Check(plan, Enumerable.Range(0, 13).Select(i => At(AsOf.AddDays(-14 * i))))));
        Assert.Equal(13, finding.HeldSessions);
        Assert.Equal("sessions-beyond-planned-number", finding.Kind);
    }

    [Fact]
    public void ThreeOfTheLatestFiveSessionsLongerThanPlannedAreFlagged()
    {
        // Plan 50 minutes, tolerance 15: longer means more than 65. Latest five: 70, 66, 65, 50, 80 → 70, 66, 80 = 3.
        int[] minutes = [70, 66, 65, 50, 80];
        var sessions = minutes.Select((m, i) => At(AsOf.AddDays(-7 * (4 - i)), m)).ToList();

        var finding = Assert.IsType<SessionsLongerThanPlanFinding>(Assert.Single(Check(Weekly, sessions)));

        Assert.Equal("sessions-longer-than-plan", finding.Kind);
        Assert.Equal(3, finding.LongerSessions);
        Assert.Equal(5, finding.SessionsLookedAt);
        Assert.Equal(sessions.Last().SessionId, finding.Sessions[^1].SessionId);
        Assert.Contains("3 of this case's latest 5 sessions", finding.Explanation, StringComparison.Ordinal);
        Assert.Contains(finding.Evidence, e => e.Value == "66 minutes");
    }

    [Fact]
    public void ExactlyFifteenMinutesPastThePlanIsNotLonger()
    {
        // 70, 65, 65, 50, 80: only 70 and 80 exceed 65.
        int[] minutes = [70, 65, 65, 50, 80];
        Assert.Empty(Check(Weekly, minutes.Select((m, i) => At(AsOf.AddDays(-7 * (4 - i)), m))));
    }

    [Fact]
    public void OlderLongSessionsOutsideTheLatestFiveDoNotCount()
    {
        // Seven sessions: 90, 90, then 50, 70, 50, 80, 50: among the latest five only 70 and 80 are longer.
        int[] minutes = [90, 90, 50, 70, 50, 80, 50];
        Assert.Empty(Check(Weekly, minutes.Select((m, i) => At(AsOf.AddDays(-7 * (6 - i)), m))));
    }

    [Fact]
    public void SessionsWithoutARecordedLengthAreNotLonger()
    {
        int?[] minutes = [70, null, null, 50, 80];
        Assert.Empty(Check(Weekly, minutes.Select((m, i) => At(AsOf.AddDays(-7 * (4 - i)), m))));
    }

    [Fact]
    public void AgencySettingsChangeTheOutcome()
    {
        int[] minutes = [70, 65, 65, 50, 80];
        var sessions = minutes.Select((m, i) => At(AsOf.AddDays(-7 * (4 - i)), m)).ToList();
        Assert.Single(Check(Weekly, sessions, new TimeBeyondNeedSettings { LongerMinutes = 10 }));
        Assert.Single(Check(Weekly, sessions, new TimeBeyondNeedSettings { LongerCount = 2 }));
    }

    [Fact]
    public void BadPlansAndSettingsNameTheField()
    {
        Assert.Equal("everyDays", Assert.Throws<DomainRuleException>(() => Check(new SessionPlan(0, 50), [])).Field);
        Assert.Equal("minutesPerSession", Assert.Throws<DomainRuleException>(() => Check(new SessionPlan(7, 0), [])).Field);
        Assert.Equal("plannedSessions", Assert.Throws<DomainRuleException>(() => Check(new SessionPlan(7, 50, 0), [])).Field);
        Assert.Equal("longerCount", Assert.Throws<DomainRuleException>(() => Check(Weekly, [], new TimeBeyondNeedSettings { LongerCount = 6 })).Field);
    }
}

[Trait("Capability", "Boundaries")]
public class FamilyShareOfHoursTests
{
    private static readonly Guid Therapist = Guid.Parse("00000000-0000-0000-0000-0000000000aa");

    private static FamilyTimeInput Family(int n, int minutes, NeedBand need = NeedBand.Moderate, int contactMinutes = 0) =>
        new(new Guid(n, 0, 0, new byte[8]), minutes - contactMinutes, contactMinutes, need);

    [Fact]
    public void TwiceTheExpectedShareIsFlaggedExactlyAtTheThreshold()
    {
        // Five families of equal need: 20% expected each. A: 2,400 of 6,000 minutes (2,100 in sessions, 300 in
        // contacts) = 40% = 2 × 20%, and ≥ 15%: flagged. B-E 900 each.
        var families = new[] { Family(1, 2400, contactMinutes: 300), Family(2, 900), Family(3, 900), Family(4, 900), Family(5, 900) };

        var finding = Assert.Single(TimeBeyondNeed.FindFamilyShare(Therapist, families));

        Assert.Equal("family-share-of-hours", finding.Kind);
        Assert.Equal(families[0].CaseId, finding.CaseId);
        Assert.Equal(0.4m, finding.Share);
        Assert.Equal(0.2m, finding.ExpectedShare);
        Assert.Equal(2m, finding.Multiple);
        Assert.Equal(2400, finding.FamilyMinutes);
        Assert.Equal(6000, finding.TherapistMinutes);
        Assert.Contains("took 40 hours of the therapist's 100 hours", finding.Explanation, StringComparison.Ordinal);
        Assert.Contains("2.0 times as much", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void JustBelowTwiceTheExpectedShareIsNotFlagged()
    {
        // 2,399 of 6,000 = 39.98% < 40%.
        var families = new[] { Family(1, 2399), Family(2, 901), Family(3, 900), Family(4, 900), Family(5, 900) };
        Assert.Empty(TimeBeyondNeed.FindFamilyShare(Therapist, families));
    }

    [Fact]
    public void FewerThanFiveActiveFamiliesAreNotJudged()
    {
        // Four families: A has 70%, but with so few families large shares are natural.
        var families = new[] { Family(1, 2100), Family(2, 300), Family(3, 300), Family(4, 300) };
        Assert.Empty(TimeBeyondNeed.FindFamilyShare(Therapist, families));
    }

    [Fact]
    public void TwiceASmallExpectedShareBelowTheMinimumIsNotFlagged()
    {
        // Twenty families of equal need: 5% expected. A: 214 of 2,000 minutes = 10.7% ≥ 2 × 5%, but below 15%.
        var families = Enumerable.Range(2, 19).Select(n => Family(n, 94)).Prepend(Family(1, 214)).ToArray();
        Assert.Equal(2000, families.Sum(f => f.Minutes));
        Assert.Empty(TimeBeyondNeed.FindFamilyShare(Therapist, families));
        // The minimum is what holds it back: at 10% it is flagged.
        Assert.Single(TimeBeyondNeed.FindFamilyShare(Therapist, families, new TimeBeyondNeedSettings { ShareMinimum = 0.10m }));
    }

    [Fact]
    public void GreaterNeedJustifiesMoreTime()
    {
        // A severe (weight 2) with four mild (1 each): expected 2/6 = 33.3%; A has 60% < 66.7%: not flagged.
        var families = new[] { Family(1, 600, NeedBand.Severe), Family(2, 100, NeedBand.Mild), Family(3, 100, NeedBand.Mild), Family(4, 100, NeedBand.Mild), Family(5, 100, NeedBand.Mild) };
        Assert.Empty(TimeBeyondNeed.FindFamilyShare(Therapist, families));
    }

    [Fact]
    public void ANonClinicalFamilyWithAModestShareCanStillBeFarAboveItsNeed()
    {
        // A non-clinical (0.5) with four moderate (1.5 each): Σ = 6.5, expected 0.5 / 6.5 = 7.69%; twice that is
        // 15.38%. A: 1,600 of 10,000 minutes = 16% ≥ 15.38% and ≥ 15%: flagged.
        var families = new[] { Family(1, 1600, NeedBand.NonClinical), Family(2, 2100), Family(3, 2100), Family(4, 2100), Family(5, 2100) };
        var finding = Assert.Single(TimeBeyondNeed.FindFamilyShare(Therapist, families));
        Assert.Equal(0.16m, finding.Share);
        Assert.Equal(0.0769, (double)finding.ExpectedShare, 4);
    }

    [Fact]
    public void ATherapistWithNoHoursHasNoFindings()
    {
        Assert.Empty(TimeBeyondNeed.FindFamilyShare(Therapist, Enumerable.Range(1, 6).Select(n => Family(n, 0)).ToArray()));
    }

    [Fact]
    public void TheShareWindowEndsNow()
    {
        var now = new DateTime(2025, 3, 31, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal((new DateTime(2024, 12, 31, 0, 0, 0, DateTimeKind.Utc), now), TimeBeyondNeed.ShareWindow(now));
    }

    [Fact]
    public void BadInputNamesTheField()
    {
        var families = new[] { new FamilyTimeInput(Guid.NewGuid(), -5, 0, NeedBand.Mild) };
        Assert.Equal("minutes", Assert.Throws<DomainRuleException>(() => TimeBeyondNeed.FindFamilyShare(Therapist, families)).Field);
        var zeroWeight = new TimeBeyondNeedSettings { NeedWeights = new NeedWeights { Severe = 0 } };
        Assert.Equal("needWeights", Assert.Throws<DomainRuleException>(() => TimeBeyondNeed.FindFamilyShare(Therapist, [], zeroWeight)).Field);
    }
}

[Trait("Capability", "Boundaries")]
public class ContactOutsideAgencyHoursTests
{
    private static readonly AgencyHours London = new("Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(8, 0), new TimeOnly(18, 0));

    private static ContactInput Contact(DateTime utc, bool therapist = true) => new(Guid.NewGuid(), Guid.Empty, utc, therapist);

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void SummerTimeMovesTheSameUtcMomentOutOfHours()
    {
        // 17:30 UTC on Wednesday 16 July 2025 is 18:30 in London (BST, UTC+1): after 18:00, out of hours.
        // 17:30 UTC on Wednesday 15 January 2025 is 17:30 in London (GMT): within hours.
        var findings = TimeBeyondNeed.FindOutOfHours([Contact(Utc(2025, 7, 16, 17, 30)), Contact(Utc(2025, 1, 15, 17, 30))], London);

        var finding = Assert.Single(findings);
        Assert.Equal("contact-outside-agency-hours", finding.Kind);
        Assert.Equal(new DateTime(2025, 7, 16, 18, 30, 0), finding.Local);
        Assert.True(finding.WorkingDay);
        Assert.Contains("Wednesday 2025-07-16 18:30", finding.Explanation, StringComparison.Ordinal);
        Assert.Contains("outside the agency's working hours of 08:00 to 18:00", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStartIsInsideAndTheEndIsOutside()
    {
        // 07:00 UTC in July = 08:00 BST: the first working minute. 17:00 UTC = 18:00 BST: the end, out of hours.
        // 06:59 UTC = 07:59 BST: before the start.
        var findings = TimeBeyondNeed.FindOutOfHours(
            [Contact(Utc(2025, 7, 16, 7)), Contact(Utc(2025, 7, 16, 17)), Contact(Utc(2025, 7, 16, 6, 59))], London);
        Assert.Equal([new TimeOnly(7, 59), new TimeOnly(18, 0)], findings.Select(f => TimeOnly.FromDateTime(f.Local)));
    }

    [Fact]
    public void ADayTheAgencyDoesNotWorkIsOutOfHoursAtAnyTime()
    {
        // Saturday 19 July 2025, 10:00 BST.
        var finding = Assert.Single(TimeBeyondNeed.FindOutOfHours([Contact(Utc(2025, 7, 19, 9))], London));
        Assert.False(finding.WorkingDay);
        Assert.Contains("on a day the agency does not work", finding.Explanation, StringComparison.Ordinal);
        // An agency that works Saturdays.
        var saturdays = London with { Days = WorkingDaySet.MondayToFriday | WorkingDaySet.Saturday };
        Assert.Empty(TimeBeyondNeed.FindOutOfHours([Contact(Utc(2025, 7, 19, 9))], saturdays));
    }

    [Fact]
    public void TheLocalDayDecidesNotTheUtcDay()
    {
        // New York, Monday to Friday 09:00-17:00. 02:00 UTC on Saturday 19 July 2025 is 22:00 on Friday (EDT, UTC−4):
        // a working day, outside hours. 14:00 UTC on Monday 21 July is 10:00 EDT: within hours.
        var newYork = new AgencyHours("America/New_York", WorkingDaySet.MondayToFriday, new TimeOnly(9, 0), new TimeOnly(17, 0));
        var finding = Assert.Single(TimeBeyondNeed.FindOutOfHours([Contact(Utc(2025, 7, 19, 2)), Contact(Utc(2025, 7, 21, 14))], newYork));
        Assert.Equal(DayOfWeek.Friday, finding.Local.DayOfWeek);
        Assert.True(finding.WorkingDay);
    }

    [Fact]
    public void ClientInitiatedContactsCountOnlyWhenTheAgencySaysSo()
    {
        var late = Contact(Utc(2025, 7, 16, 20), therapist: false);
        Assert.Empty(TimeBeyondNeed.FindOutOfHours([late], London));
        var finding = Assert.Single(TimeBeyondNeed.FindOutOfHours([late], London, new TimeBeyondNeedSettings { IncludeClientInitiated = true }));
        Assert.Contains("the family started", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAgencysOwnSettingsAreUsed()
    {
        var agency = new Agency("Harbourlight", "Europe/London", new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var hours = AgencyHours.Of(agency);
        Assert.Equal(London, hours);
    }

    [Fact]
    public void IncoherentHoursNameTheField()
    {
        Assert.Equal("timeZoneId", Assert.Throws<DomainRuleException>(() => TimeBeyondNeed.FindOutOfHours([], London with { TimeZoneId = "Mars/Olympus" })).Field);
        Assert.Equal("workingDays", Assert.Throws<DomainRuleException>(() => TimeBeyondNeed.FindOutOfHours([], London with { Days = WorkingDaySet.None })).Field);
        Assert.Equal("workdayEnd", Assert.Throws<DomainRuleException>(() => TimeBeyondNeed.FindOutOfHours([], London with { End = new TimeOnly(8, 0) })).Field);
    }
}
