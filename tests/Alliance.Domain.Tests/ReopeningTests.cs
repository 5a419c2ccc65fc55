using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>Reopening a closed case starts a new episode at referral; an open case cannot be reopened.</summary>
[Trait("Capability", "Foundation")]
public sealed class ReopeningTests
{
    public static TheoryData<EpisodePhase> OpenPhases => new()
    {
        EpisodePhase.Referral, EpisodePhase.FirstVisit, EpisodePhase.Active, EpisodePhase.TerminationPlanned,
    };

    private static Case ClosedCase()
    {
        var c = ActiveCase();
        c.AdvanceTo(EpisodePhase.Closed, Now.AddDays(-7));
        return c;
    }

    [Theory]
    [MemberData(nameof(OpenPhases))]
    public void DoesNotReopenACaseWhoseEpisodeIsStillOpen(EpisodePhase phase)
    {
        var c = NewCase();
        c.AdvanceTo(phase, Now.AddDays(-3));

        var e = Assert.Throws<DomainRuleException>(() => c.Reopen(Therapist, "New referral", Now));

        Assert.Equal("phase", e.Field);
        Assert.Single(c.Episodes);
    }

    [Fact]
    public void ReopeningAClosedCaseStartsEpisodeTwoAtReferral()
    {
        var c = ClosedCase();
        var first = c.CurrentEpisode;

        var second = c.Reopen(OtherTherapist, "  Referred again by the school  ", Now);

        Assert.Equal(2, second.Number);
        Assert.Equal(EpisodePhase.Referral, second.Phase);
        Assert.Same(second, c.CurrentEpisode);
        Assert.Equal([first, second], c.Episodes);
        Assert.Equal(EpisodePhase.Closed, first.Phase);
        Assert.Equal(Now, second.OpenedAt);
        Assert.Null(second.ClosedAt);
        var opening = Assert.Single(second.PhaseChanges);
        Assert.Null(opening.From);
        Assert.Equal(EpisodePhase.Referral, opening.To);
        Assert.Equal(OtherTherapist, opening.ByStaffId);
        Assert.Equal(Now, opening.At);
        Assert.Equal("Referred again by the school", opening.Reason);
    }

    [Fact]
    public void EachReopeningTakesTheNextNumber()
    {
        var c = ClosedCase();
        c.Reopen(Therapist, "Second referral", Now.AddDays(-6));
        c.AdvanceTo(EpisodePhase.Closed, Now.AddDays(-5));

        var third = c.Reopen(Therapist, "Third referral", Now);

        Assert.Equal(3, third.Number);
        Assert.Equal([1, 2, 3], c.Episodes.Select(e => e.Number));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void DoesNotReopenWithoutAReason(string reason)
    {
        var c = ClosedCase();

        var e = Assert.Throws<DomainRuleException>(() => c.Reopen(Therapist, reason, Now));

        Assert.Equal("reason", e.Field);
        Assert.Single(c.Episodes);
    }

    [Fact]
    public void ANewEpisodeSchedulesSessionsAgain()
    {
        var c = ClosedCase();
        var second = c.Reopen(Therapist, "New referral", Now);

        var session = second.ScheduleSession(Now.AddDays(2), 60, Therapist, Now);

        Assert.Equal(1, session.Number);
        Assert.Equal(second.Id, session.EpisodeId);
    }
}
