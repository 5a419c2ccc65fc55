using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>Scheduling, recording and closing sessions.</summary>
[Trait("Capability", "Foundation")]
public sealed class SessionTests
{
    private static Session ScheduledYesterday(Case c) =>
        c.CurrentEpisode.ScheduleSession(Now.AddDays(-1), 60, Therapist, Now.AddDays(-8));

    private static void RecordHeld(Session s, DateTime start, DateTime end, IReadOnlyCollection<Guid> attendees) =>
        s.RecordHeld(start, end, attendees, Modality.InPerson, "Notes", Now);

    [Fact]
    public void SchedulesASessionInAnOpenEpisode()
    {
        var c = NewCase();

        var s = c.CurrentEpisode.ScheduleSession(Now.AddDays(3), 50, OtherTherapist, Now);

        Assert.Equal(SessionStatus.Scheduled, s.Status);
        Assert.Equal(Now.AddDays(3), s.ScheduledStart);
        Assert.Equal(50, s.ScheduledMinutes);
        Assert.Equal(OtherTherapist, s.TherapistId);
        Assert.Equal(c.Id, s.CaseId);
        Assert.Equal(c.CurrentEpisode.Id, s.EpisodeId);
        Assert.Equal(AgencyId, s.AgencyId);
        Assert.Equal(1, s.Number);
    }

    [Fact]
    public void DoesNotScheduleSessionInAClosedEpisode()
    {
        var c = ActiveCase();
        c.AdvanceTo(EpisodePhase.Closed, Now.AddDays(-1));

        var e = Assert.Throws<DomainRuleException>(() => c.CurrentEpisode.ScheduleSession(Now.AddDays(1), 60, Therapist, Now));

        Assert.Equal("scheduledStart", e.Field);
        Assert.Empty(c.CurrentEpisode.Sessions);
    }

    [Fact]
    public void DoesNotRecordASessionAsHeldOnceTheEpisodeIsClosed()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);
        c.AdvanceTo(EpisodePhase.Closed, Now);

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, Now.AddDays(-1), Now.AddDays(-1).AddHours(1), c.MemberIds()));

        Assert.Equal("status", e.Field);
        Assert.Equal(SessionStatus.Scheduled, s.Status);
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(5, true)]
    [InlineData(Session.MaxMinutes, true)]
    [InlineData(Session.MaxMinutes + 1, false)]
    public void PlansSessionsOfFiveMinutesToEightHours(int minutes, bool allowed)
    {
        var c = NewCase();

        void Schedule() => c.CurrentEpisode.ScheduleSession(Now.AddDays(1), minutes, Therapist, Now);

        if (allowed) Schedule();
        else Assert.Equal("scheduledMinutes", Assert.Throws<DomainRuleException>(Schedule).Field);
        Assert.Equal(allowed ? 1 : 0, c.CurrentEpisode.Sessions.Count);
    }

    [Fact]
    public void RecordsAHeldSessionWithItsAttendeesModalityAndNotes()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);
        var start = Now.AddDays(-1).AddMinutes(3);
        var end = start.AddMinutes(55);
        var attending = new[] { c.Members[0].Id, c.Members[2].Id };

        s.RecordHeld(start, end, attending, Modality.HomeVisit, "  Mapped the evening routine.  ", Now);

        Assert.Equal(SessionStatus.Held, s.Status);
        Assert.Equal(start, s.ActualStart);
        Assert.Equal(end, s.ActualEnd);
        Assert.Equal(55, s.ActualMinutes);
        Assert.Equal(Modality.HomeVisit, s.Modality);
        Assert.Equal("Mapped the evening routine.", s.Notes);
        Assert.Equal(attending.Order(), s.Attendees.Select(a => a.MemberId).Order());
        Assert.All(s.Attendees, a => Assert.Equal(s.Id, a.SessionId));
    }

    [Fact]
    public void RecordingAgainReplacesTheAttendees()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);
        var start = Now.AddDays(-1);
        RecordHeld(s, start, start.AddHours(1), c.MemberIds());

        RecordHeld(s, start, start.AddHours(1), [c.Members[1].Id]);

        Assert.Equal(c.Members[1].Id, Assert.Single(s.Attendees).MemberId);
    }

    [Fact]
    public void DoesNotAcceptAnAttendeeFromOutsideTheFamily()
    {
        var c = ActiveCase();
        var otherFamily = NewCase();
        var s = ScheduledYesterday(c);
        var start = Now.AddDays(-1);

        var stranger = Assert.Throws<DomainRuleException>(() => RecordHeld(s, start, start.AddHours(1), [c.Members[0].Id, otherFamily.Members[0].Id]));
        var unknown = Assert.Throws<DomainRuleException>(() => RecordHeld(s, start, start.AddHours(1), [Guid.NewGuid()]));

        Assert.Equal("attendees", stranger.Field);
        Assert.Equal("attendees", unknown.Field);
        Assert.Equal(SessionStatus.Scheduled, s.Status);
        Assert.Empty(s.Attendees);
    }

    [Fact]
    public void DoesNotRecordAHeldSessionWithNobodyAttending()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, Now.AddDays(-1), Now.AddDays(-1).AddHours(1), []));

        Assert.Equal("attendees", e.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-90)]
    public void DoesNotAcceptASessionThatEndsAtOrBeforeItsStart(int minutesAfterStart)
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);
        var start = Now.AddDays(-1);

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, start, start.AddMinutes(minutesAfterStart), c.MemberIds()));

        Assert.Equal("actualEnd", e.Field);
        Assert.Equal(SessionStatus.Scheduled, s.Status);
    }

    [Fact]
    public void AcceptsASessionEndingOneMinuteAfterItStarts()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);
        var start = Now.AddDays(-1);

        RecordHeld(s, start, start.AddMinutes(1), c.MemberIds());

        Assert.Equal(1, s.ActualMinutes);
    }

    [Fact]
    public void DoesNotAcceptASessionLongerThanEightHours()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);
        var start = Now.AddDays(-1);

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, start, start.AddMinutes(Session.MaxMinutes + 1), c.MemberIds()));

        Assert.Equal("actualEnd", e.Field);
    }

    [Fact]
    public void DoesNotRecordASessionAsHeldWhenItStartsInTheFuture()
    {
        var c = ActiveCase();
        var s = c.CurrentEpisode.ScheduleSession(Now.AddHours(1), 60, Therapist, Now.AddDays(-1));

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, Now.AddSeconds(1), Now.AddHours(1), c.MemberIds()));

        Assert.Equal("actualStart", e.Field);
        Assert.Equal(SessionStatus.Scheduled, s.Status);
    }

    [Fact]
    public void AStartOfExactlyNowIsNotInTheFutureButItsEndThenIs()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);

        // The start passes its own check; the only thing wrong is that any end after it lies in the future.
        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, Now, Now.AddMinutes(1), c.MemberIds()));

        Assert.Equal("actualEnd", e.Field);
    }

    [Fact]
    public void DoesNotRecordASessionAsEndingInTheFuture()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, Now.AddMinutes(-30), Now.AddMinutes(30), c.MemberIds()));

        Assert.Equal("actualEnd", e.Field);
        Assert.Equal(SessionStatus.Scheduled, s.Status);
    }

    [Fact]
    public void AcceptsASessionEndingExactlyNow()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);

        RecordHeld(s, Now.AddMinutes(-50), Now, c.MemberIds());

        Assert.Equal(SessionStatus.Held, s.Status);
        Assert.Equal(Now, s.ActualEnd);
    }

    [Fact]
    public void RefusesAModalityThatDoesNotExist()
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);

        var e = Assert.Throws<DomainRuleException>(() => s.RecordHeld(Now.AddHours(-2), Now.AddHours(-1), c.MemberIds(), (Modality)42, null, Now));

        Assert.Equal("modality", e.Field);
    }

    [Fact]
    public void NumbersSessionsInDateOrderWhateverOrderTheyWereScheduledIn()
    {
        var c = ActiveCase();
        var episode = c.CurrentEpisode;

        var third = episode.ScheduleSession(Now.AddDays(21), 60, Therapist, Now);
        var first = episode.ScheduleSession(Now.AddDays(7), 60, Therapist, Now.AddMinutes(1));
        var second = episode.ScheduleSession(Now.AddDays(14), 60, Therapist, Now.AddMinutes(2));

        Assert.Equal((1, 2, 3), (first.Number, second.Number, third.Number));
        Assert.Equal([1, 2, 3], episode.Sessions.OrderBy(s => s.StartsAt).Select(s => s.Number));
    }

    [Fact]
    public void RenumbersWhenAHeldSessionActuallyTookPlaceEarlier()
    {
        var c = ActiveCase();
        var episode = c.CurrentEpisode;
        var a = episode.ScheduleSession(Now.AddDays(-10), 60, Therapist, Now.AddDays(-20));
        var b = episode.ScheduleSession(Now.AddDays(-8), 60, Therapist, Now.AddDays(-20));
        var later = episode.ScheduleSession(Now.AddDays(7), 60, Therapist, Now.AddDays(-20));
        Assert.Equal((1, 2, 3), (a.Number, b.Number, later.Number));

        // b was moved at short notice and actually held two days before a's planned date.
        RecordHeld(b, Now.AddDays(-12), Now.AddDays(-12).AddHours(1), c.MemberIds());

        Assert.Equal((2, 1, 3), (a.Number, b.Number, later.Number));
    }

    [Fact]
    public void SessionsAtTheSameTimeKeepTheOrderTheyWereCreatedIn()
    {
        var c = ActiveCase();
        var episode = c.CurrentEpisode;
        var created1 = episode.ScheduleSession(Now.AddDays(2), 60, Therapist, Now.AddMinutes(-5));
        var created2 = episode.ScheduleSession(Now.AddDays(2), 60, OtherTherapist, Now);

        Assert.Equal((1, 2), (created1.Number, created2.Number));
    }

    [Fact]
    public void NumbersStartAgainInANewEpisode()
    {
        var c = ActiveCase();
        c.CurrentEpisode.ScheduleSession(Now.AddDays(-3), 60, Therapist, Now.AddDays(-4));
        c.AdvanceTo(EpisodePhase.Closed, Now.AddDays(-2));
        c.Reopen(Therapist, "Referred again", Now.AddDays(-1));

        var s = c.CurrentEpisode.ScheduleSession(Now.AddDays(3), 60, Therapist, Now);

        Assert.Equal(1, s.Number);
    }

    public static TheoryData<SessionStatus, bool> CloseFromEveryStatus => new()
    {
        { SessionStatus.Held, true }, { SessionStatus.Held, false },
        { SessionStatus.Cancelled, true }, { SessionStatus.Cancelled, false },
        { SessionStatus.NoShow, true }, { SessionStatus.NoShow, false },
    };

    private static Session SessionWithStatus(Case c, SessionStatus status)
    {
        var s = ScheduledYesterday(c);
        switch (status)
        {
            case SessionStatus.Held: RecordHeld(s, Now.AddDays(-1), Now.AddDays(-1).AddHours(1), c.MemberIds()); break;
            case SessionStatus.Cancelled: s.Cancel("Family unwell"); break;
            case SessionStatus.NoShow: s.MarkNoShow(null); break;
        }
        Assert.Equal(status, s.Status);
        return s;
    }

    [Theory]
    [MemberData(nameof(CloseFromEveryStatus))]
    public void CancelsOrMarksNoShowOnlyAPlannedSession(SessionStatus status, bool cancel)
    {
        var c = ActiveCase();
        var s = SessionWithStatus(c, status);

        var e = Assert.Throws<DomainRuleException>(() =>
        {
            if (cancel) s.Cancel("Too late");
            else s.MarkNoShow("Too late");
        });

        Assert.Equal("status", e.Field);
        Assert.Equal(status, s.Status);
    }

    [Theory]
    [InlineData(true, SessionStatus.Cancelled)]
    [InlineData(false, SessionStatus.NoShow)]
    public void CancelsOrMarksNoShowAPlannedSessionWithItsReason(bool cancel, SessionStatus expected)
    {
        var c = ActiveCase();
        var s = ScheduledYesterday(c);

        if (cancel) s.Cancel("  Family unwell ");
        else s.MarkNoShow("  Family unwell ");

        Assert.Equal(expected, s.Status);
        Assert.Equal("Family unwell", s.StatusReason);
    }

    [Fact]
    public void ABlankReasonForCancellingIsStoredAsNone()
    {
        var s = ScheduledYesterday(ActiveCase());

        s.Cancel("   ");

        Assert.Null(s.StatusReason);
    }

    [Fact]
    public void RefusesACancellationReasonOverFiveHundredCharacters()
    {
        var s = ScheduledYesterday(ActiveCase());

        var e = Assert.Throws<DomainRuleException>(() => s.Cancel(new string('x', 501)));

        Assert.Equal("reason", e.Field);
        Assert.Equal(SessionStatus.Scheduled, s.Status);
    }

    [Theory]
    [InlineData(SessionStatus.Cancelled)]
    [InlineData(SessionStatus.NoShow)]
    public void DoesNotRecordACancelledOrMissedSessionAsHeld(SessionStatus status)
    {
        var c = ActiveCase();
        var s = SessionWithStatus(c, status);

        var e = Assert.Throws<DomainRuleException>(() => RecordHeld(s, Now.AddDays(-1), Now.AddDays(-1).AddHours(1), c.MemberIds()));

        Assert.Equal("status", e.Field);
        Assert.Equal(status, s.Status);
    }

    [Fact]
    public void StoresTimesAsUtcWhateverKindTheyCameIn()
    {
        var c = ActiveCase();
        var unspecified = DateTime.SpecifyKind(Now.AddDays(-1), DateTimeKind.Unspecified);

        var s = c.CurrentEpisode.ScheduleSession(unspecified, 60, Therapist, Now);
        RecordHeld(s, unspecified, unspecified.AddHours(1), c.MemberIds());

        Assert.Equal(DateTimeKind.Utc, s.ScheduledStart.Kind);
        Assert.Equal(DateTimeKind.Utc, s.ActualStart!.Value.Kind);
        Assert.Equal(DateTimeKind.Utc, s.ActualEnd!.Value.Kind);
        Assert.Equal(Now.AddDays(-1), s.ActualStart);
    }
}
