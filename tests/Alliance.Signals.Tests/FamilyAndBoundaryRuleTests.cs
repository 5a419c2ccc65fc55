using Alliance.Signals;

namespace Alliance.Signals.Tests;

/// <summary>Split alliance, feedback gap, treatment prolonged, session overrun and contacts, at their boundaries.</summary>
[Trait("Capability", "Signals")]
public sealed class FamilyAndBoundaryRuleTests
{
    private static TestFolder Family(params string[] memberIds)
    {
        var folder = new TestFolder();
        foreach (var id in memberIds)
        {
            folder.Member("F1", id, "parent");
        }

        return folder;
    }

    [Theory]
    [InlineData("38", "32", true)] // exactly 6 apart
    [InlineData("38", "32.1", false)] // 5.9
    [InlineData("32", "38", true)]
    public void SplitAllianceIsSixOrMoreBetweenHighestAndLowest(string first, string second, bool fires)
    {
        var folder = Family("M1", "M2").Sessions("F1", 1)
            .Score("F1", "M1", 1, "alliance-check", first)
            .Score("F1", "M2", 1, "alliance-check", second);
        var splits = folder.Alerts().Where(a => a.Kind == AlertKind.SplitAlliance).ToList();
        Assert.Equal(fires ? 1 : 0, splits.Count);
        if (fires)
        {
            Assert.Null(splits[0].MemberId);
            Assert.Null(splits[0].Instrument);
            Assert.Equal(["M1", "M2"], splits[0].Evidence.Select(e => e.MemberId));
            Assert.Contains("restate a goal", splits[0].ConsiderNext, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SplitAllianceComparesAdultAndChildVersionsAndListsMembersById()
    {
        var folder = new TestFolder()
            .Member("F1", "M2", "parent", 1980).Member("F1", "M10", "child", 2016).Member("F1", "M1", "parent", 1982)
            .Sessions("F1", 1)
            .Score("F1", "M2", 1, "alliance-check", "36")
            .Score("F1", "M10", 1, "child-alliance-check", "30")
            .Score("F1", "M1", 1, "alliance-check", "37");
        var split = Assert.Single(folder.Alerts(), a => a.Kind == AlertKind.SplitAlliance);
        Assert.Equal(["M1", "M10", "M2"], split.Evidence.Select(e => e.MemberId)); // ordinal order
        Assert.Equal(["37", "30", "36"], split.Evidence.Select(e => e.Score!.Value.ToString()));
    }

    [Fact]
    public void SplitAllianceIgnoresObserverRatingsAndFiresAtEverySuchSession()
    {
        var folder = Family("M1", "M2").Sessions("F1", 3)
            .Score("F1", "M1", 1, "alliance-check", "38").Score("F1", "M2", 1, "alliance-check", "30")
            .Score("F1", "M1", 2, "alliance-check", "38").Score("F1", "M2", 2, "alliance-check", "30", "observer")
            .Score("F1", "M1", 3, "alliance-check", "38").Score("F1", "M2", 3, "alliance-check", "31");
        Assert.Equal(["1::", "3::"], folder.Keys(AlertKind.SplitAlliance));
    }

    [Fact]
    public void FeedbackGapNeedsAHeldSessionWithAScoreMarkedNo()
    {
        var folder = Family("M1").Session("F1", 1, feedback: "no").Session("F1", 2, feedback: "").Session("F1", 3, feedback: "yes")
            .Session("F1", 4, feedback: "No").Session("F1", 5, feedback: "no")
            .Score("F1", "M1", 1, "alliance-check", "38")
            .Score("F1", "M1", 2, "alliance-check", "38")
            .Score("F1", "M1", 3, "alliance-check", "38")
            .Score("F1", "M1", 4, "self-efficacy-check", "20", "therapist");
        var gaps = folder.Alerts().Where(a => a.Kind == AlertKind.FeedbackGap).ToList();

        // Session 1 (no), session 4 (No, a therapist rating counts); not 2 (empty), 3 (yes) or 5 (no score).
        Assert.Equal([1, 4], gaps.Select(g => g.SessionNumber!.Value));
        Assert.All(gaps, g => Assert.Equal(AlertSeverity.Low, g.Severity));
    }

    [Fact]
    public void TreatmentProlongedIsTheThirdAttendedHeldSessionAfterTerminationDue()
    {
        // Termination due at 4; session 5 cancelled, 6 held without M1, then 7, 8, 9 attended.
        var folder = Family("M1", "M2")
            .Session("F1", 1, attended: "M1").Session("F1", 2, attended: "M1").Session("F1", 3, attended: "M1").Session("F1", 4, attended: "M1")
            .Session("F1", 5, status: "cancelled").Session("F1", 6, attended: "M2").Session("F1", 7, attended: "M1;M2")
            .Session("F1", 8, attended: "M1").Session("F1", 9, attended: "M1")
            .Series("F1", "M1", "wellbeing-check", "20", "26", "27", "28");
        var prolonged = Assert.Single(folder.Alerts(), a => a.Kind == AlertKind.TreatmentProlonged);
        Assert.Equal(9, prolonged.SessionNumber);
        Assert.Equal("M1", prolonged.MemberId);
        Assert.Equal("wellbeing-check", prolonged.Instrument);
        Assert.Equal([4, 7, 8, 9], prolonged.Evidence.Select(e => e.SessionNumber!.Value));
    }

    [Fact]
    public void TreatmentProlongedInfersAttendanceFromAnyRatersScoreWhenNoneIsListed()
    {
        var folder = Family("M1")
            .Sessions("F1", 7)
            .Series("F1", "M1", "wellbeing-check", "20", "26", "27", "28")
            .Score("F1", "M1", 5, "alliance-check", "38")
            .Score("F1", "M1", 6, "alliance-check", "38")
            .Score("F1", "M1", 7, "alliance-check", "30", "observer");
        Assert.Equal(["7:M1:wellbeing-check"], folder.Keys(AlertKind.TreatmentProlonged));
    }

    [Fact]
    public void TreatmentProlongedWaitsForTheThirdSession()
    {
        var folder = Family("M1").Sessions("F1", 6)
            .Series("F1", "M1", "wellbeing-check", "20", "26", "27", "28", "28", "28");
        Assert.Empty(folder.Keys(AlertKind.TreatmentProlonged));
    }

    [Fact]
    public void TreatmentProlongedFiresOncePerMemberNamingTheEarliestTerminationDue()
    {
        var folder = Family("M1");
        for (var n = 1; n <= 8; n++)
        {
            folder.Session("F1", n, attended: "M1");
        }

        folder
            .Series("F1", "M1", "phq-9", "15", "8", "7", "6")
            .Series("F1", "M1", "gad-7", "12", "7", "6", "5")
            .Series("F1", "M1", "wellbeing-check", "20", "21", "26", "27", "28");
        var prolonged = Assert.Single(folder.Alerts(), a => a.Kind == AlertKind.TreatmentProlonged);
        Assert.Equal("gad-7", prolonged.Instrument); // gad-7 and phq-9 both due at 4; gad-7 is ordinally first
        Assert.Equal(7, prolonged.SessionNumber);
    }

    [Theory]
    [InlineData("65", true)] // exactly 15 over
    [InlineData("64", false)]
    public void SessionOverrunCountsSessionsFifteenOrMoreMinutesOver(string actual, bool fires)
    {
        var folder = Family("M1")
            .Session("F1", 1, actual: "70").Session("F1", 2, actual: "50").Session("F1", 3, actual: "70").Session("F1", 4, actual: actual);
        Assert.Equal(fires ? ["4::"] : [], folder.Keys(AlertKind.SessionOverrun));
    }

    [Fact]
    public void SessionOverrunIgnoresSessionsWithoutBothMinutesAndNonHeldSessions()
    {
        var folder = Family("M1")
            .Session("F1", 1, actual: "70").Session("F1", 2, scheduled: "", actual: "90").Session("F1", 3, actual: "")
            .Session("F1", 4, actual: "90", status: "no-show").Session("F1", 5, actual: "70");
        Assert.Empty(folder.Keys(AlertKind.SessionOverrun));
    }

    [Fact]
    public void SessionOverrunLooksAtTheLastFiveHeldSessionsOnly()
    {
        // Overruns at 1, 2 and 7: never three among five consecutive held sessions.
        var folder = Family("M1");
        string[] actual = ["70", "70", "50", "50", "50", "50", "70"];
        for (var n = 1; n <= actual.Length; n++)
        {
            folder.Session("F1", n, actual: actual[n - 1]);
        }

        Assert.Empty(folder.Keys(AlertKind.SessionOverrun));
    }

    [Fact]
    public void SessionOverrunRestsForFiveHeldSessionsAfterFiring()
    {
        var folder = Family("M1");
        for (var n = 1; n <= 12; n++)
        {
            folder.Session("F1", n, actual: "80");
        }

        // Fires at 3 (three overruns), rests at 4-8, fires again at 9, rests from 10.
        var overruns = folder.Alerts().Where(a => a.Kind == AlertKind.SessionOverrun).ToList();
        Assert.Equal([3, 9], overruns.Select(o => o.SessionNumber!.Value));
        Assert.Equal([1, 2, 3], overruns[0].Evidence.Select(e => e.SessionNumber!.Value));
        Assert.Equal([5, 6, 7, 8, 9], overruns[1].Evidence.Select(e => e.SessionNumber!.Value));
    }

    [Theory]
    [InlineData("2025-03-12T06:59", true)]
    [InlineData("2025-03-12T07:00", false)]
    [InlineData("2025-03-12T19:59", false)]
    [InlineData("2025-03-12T20:00", true)]
    [InlineData("2025-03-15T12:00", true)] // a Saturday
    [InlineData("2025-03-16T12:00", true)] // a Sunday
    public void OutOfHoursIsATherapistContactBefore7AtOrAfter20OrAtTheWeekend(string time, bool fires)
    {
        var folder = Family("M1").Session("F1", 1, "2025-03-10").Contact("F1", "M1", time, "agency-phone", "therapist");
        Assert.Equal(fires ? ["1:M1:"] : [], folder.Keys(AlertKind.OutOfHoursContact));
    }

    [Fact]
    public void OutOfHoursIgnoresContactsTheClientStarted()
    {
        var folder = Family("M1").Session("F1", 1, "2025-03-10").Contact("F1", "M1", "2025-03-12T23:00", "agency-phone", "client");
        Assert.Empty(folder.Keys(AlertKind.OutOfHoursContact));
    }

    [Theory]
    [InlineData("personal-phone", true)]
    [InlineData("personal-email", true)]
    [InlineData("personal-message", true)]
    [InlineData("social-media", true)]
    [InlineData("in-person-outside", true)]
    [InlineData("agency-phone", false)]
    [InlineData("agency-email", false)]
    [InlineData("agency-message", false)]
    public void PersonalContactIsAnyNonAgencyChannel(string channel, bool fires)
    {
        var folder = Family("M1").Session("F1", 1, "2025-03-10").Contact("F1", "", "2025-03-11T10:00", channel, "client");
        Assert.Equal(fires ? ["1::"] : [], folder.Keys(AlertKind.PersonalContact));
    }

    [Fact]
    public void ContactsCarryTheLastHeldSessionOnOrBeforeTheirDate()
    {
        var folder = Family("M1")
            .Session("F1", 1, "2025-03-10").Session("F1", 2, "2025-03-17", status: "cancelled").Session("F1", 3, "2025-03-24")
            .Contact("F1", "M1", "2025-03-01T10:00", "social-media", "client") // before any session
            .Contact("F1", "M1", "2025-03-19T10:00", "social-media", "client") // after the cancelled one
            .Contact("F1", "M1", "2025-03-24T08:00", "social-media", "client"); // same day as session 3
        Assert.Equal([null, 1, 3], folder.Alerts().Where(a => a.Kind == AlertKind.PersonalContact).Select(a => a.SessionNumber));
    }

    [Fact]
    public void WorkingHoursComeFromTheRules()
    {
        var rules = SignalRules.Default with
        {
            WorkingHours = new WorkingHours(new TimeOnly(9, 0), new TimeOnly(17, 0), [DayOfWeek.Monday, DayOfWeek.Saturday]),
        };
        var folder = Family("M1").Session("F1", 1, "2025-03-10")
            .Contact("F1", "M1", "2025-03-15T10:00", "agency-phone", "therapist") // Saturday, in hours
            .Contact("F1", "M1", "2025-03-17T08:30", "agency-phone", "therapist") // Monday, before 9
            .Contact("F1", "M1", "2025-03-18T10:00", "agency-phone", "therapist"); // Tuesday
        var times = folder.Alerts(rules).Where(a => a.Kind == AlertKind.OutOfHoursContact).Select(a => a.Evidence[0].Time!.Value.Day);
        Assert.Equal([17, 18], times);
    }
}
