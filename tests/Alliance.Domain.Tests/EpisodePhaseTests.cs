using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>Phases move forward only (skipping is allowed), and each move records who, when and why.</summary>
[Trait("Capability", "Foundation")]
public sealed class EpisodePhaseTests
{
    private static readonly EpisodePhase[] Phases = Enum.GetValues<EpisodePhase>();

    /// <summary>Moves to the first visit or to active work, which MoveTo makes.</summary>
    public static TheoryData<EpisodePhase, EpisodePhase> ForwardMoves
    {
        get
        {
            var data = new TheoryData<EpisodePhase, EpisodePhase>();
            foreach (var from in Phases)
                foreach (var to in Phases.Where(p => p > from && p <= EpisodePhase.Active))
                    data.Add(from, to);
            return data;
        }
    }

    /// <summary>Moves to the ending or to closed, which have steps of their own.</summary>
    public static TheoryData<EpisodePhase, EpisodePhase> EndingMoves
    {
        get
        {
            var data = new TheoryData<EpisodePhase, EpisodePhase>();
            foreach (var from in Phases)
                foreach (var to in Phases.Where(p => p > from && p > EpisodePhase.Active))
                    data.Add(from, to);
            return data;
        }
    }

    public static TheoryData<EpisodePhase, EpisodePhase> SameOrBackwardMoves
    {
        get
        {
            var data = new TheoryData<EpisodePhase, EpisodePhase>();
            foreach (var from in Phases)
                foreach (var to in Phases.Where(p => p <= from))
                    data.Add(from, to);
            return data;
        }
    }

    private static Episode EpisodeAt(EpisodePhase phase)
    {
        var episode = NewCase().AdvanceTo(phase, Now.AddDays(-1));
        Assert.Equal(phase, episode.Phase);
        return episode;
    }

    [Fact]
    public void TheTablesCoverEveryPairOfPhasesOnce()
    {
        Assert.Equal(5, Phases.Length);
        Assert.Equal(3, ForwardMoves.Count);
        Assert.Equal(7, EndingMoves.Count);
        Assert.Equal(15, SameOrBackwardMoves.Count);
    }

    [Fact]
    public void OpensAtReferralWithTheOpeningRecorded()
    {
        var c = NewCase();
        var episode = Assert.Single(c.Episodes);

        Assert.Equal(1, episode.Number);
        Assert.Equal(EpisodePhase.Referral, episode.Phase);
        var opening = Assert.Single(episode.PhaseChanges);
        Assert.Null(opening.From);
        Assert.Equal(EpisodePhase.Referral, opening.To);
        Assert.Equal(Therapist, opening.ByStaffId);
        Assert.Equal(Now.AddDays(-28), opening.At);
        Assert.False(string.IsNullOrWhiteSpace(opening.Reason));
    }

    [Theory]
    [MemberData(nameof(ForwardMoves))]
    public void MovesForwardIncludingSkippingPhases(EpisodePhase from, EpisodePhase to)
    {
        var episode = EpisodeAt(from);
        if (to == EpisodePhase.Active) episode.Case.Orient(Now);

        var change = episode.MoveTo(to, OtherTherapist, "Next step", Now);

        Assert.Equal(to, episode.Phase);
        Assert.Equal(from, change.From);
        Assert.Equal(to, change.To);
        Assert.Same(change, episode.PhaseChanges[^1]);
    }

    [Theory]
    [MemberData(nameof(EndingMoves))]
    public void EndingAndClosingAreStepsOfTheirOwn(EpisodePhase from, EpisodePhase to)
    {
        var episode = EpisodeAt(from);
        var changesBefore = episode.PhaseChanges.Count;

        var e = Assert.Throws<DomainRuleException>(() => episode.MoveTo(to, Therapist, "Skipping the checklist", Now));

        Assert.Equal("phase", e.Field);
        Assert.Contains(to == EpisodePhase.Closed ? "outcome" : "checklist", e.Message, StringComparison.Ordinal);
        Assert.Equal(from, episode.Phase);
        Assert.Equal(changesBefore, episode.PhaseChanges.Count);
    }

    [Theory]
    [MemberData(nameof(SameOrBackwardMoves))]
    public void RefusesToStayOrMoveBackward(EpisodePhase from, EpisodePhase to)
    {
        var episode = EpisodeAt(from);
        var changesBefore = episode.PhaseChanges.Count;

        var e = Assert.Throws<DomainRuleException>(() => episode.MoveTo(to, Therapist, "Going back", Now));

        Assert.Equal("phase", e.Field);
        Assert.Equal(from, episode.Phase);
        Assert.Equal(changesBefore, episode.PhaseChanges.Count);
    }

    [Fact]
    public void RefusesAPhaseThatDoesNotExist()
    {
        var episode = EpisodeAt(EpisodePhase.Referral);

        var e = Assert.Throws<DomainRuleException>(() => episode.MoveTo((EpisodePhase)99, Therapist, "Odd", Now));

        Assert.Equal("phase", e.Field);
        Assert.Equal(EpisodePhase.Referral, episode.Phase);
    }

    [Fact]
    public void RecordsWhoWhenAndWhyOfEveryMove()
    {
        var episode = EpisodeAt(EpisodePhase.Referral);
        var t1 = Now.AddDays(-5);
        var t2 = Now.AddDays(-2);

        episode.MoveTo(EpisodePhase.FirstVisit, Therapist, "  First visit booked  ", t1);
        episode.Case.Orient(t1);
        episode.MoveTo(EpisodePhase.Active, OtherTherapist, "Family agreed to begin", t2);

        Assert.Collection(episode.PhaseChanges,
            opening => Assert.Null(opening.From),
            first =>
            {
                Assert.Equal((EpisodePhase?)EpisodePhase.Referral, first.From);
                Assert.Equal(EpisodePhase.FirstVisit, first.To);
                Assert.Equal(Therapist, first.ByStaffId);
                Assert.Equal(t1, first.At);
                Assert.Equal("First visit booked", first.Reason);
                Assert.Equal(episode.Id, first.EpisodeId);
                Assert.Equal(AgencyId, first.AgencyId);
            },
            second =>
            {
                Assert.Equal((EpisodePhase?)EpisodePhase.FirstVisit, second.From);
                Assert.Equal(EpisodePhase.Active, second.To);
                Assert.Equal(OtherTherapist, second.ByStaffId);
                Assert.Equal(t2, second.At);
                Assert.Equal("Family agreed to begin", second.Reason);
            });
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    [InlineData(null)]
    public void RefusesAMoveWithoutAReason(string? reason)
    {
        var episode = EpisodeAt(EpisodePhase.Referral);

        var e = Assert.Throws<DomainRuleException>(() => episode.MoveTo(EpisodePhase.FirstVisit, Therapist, reason!, Now));

        Assert.Equal("reason", e.Field);
        Assert.Equal(EpisodePhase.Referral, episode.Phase);
        Assert.Single(episode.PhaseChanges);
    }

    [Fact]
    public void AcceptsAReasonOfFiveHundredCharactersButNotMore()
    {
        var episode = EpisodeAt(EpisodePhase.Referral);

        var e = Assert.Throws<DomainRuleException>(() => episode.MoveTo(EpisodePhase.FirstVisit, Therapist, new string('x', 501), Now));
        Assert.Equal("reason", e.Field);

        episode.MoveTo(EpisodePhase.FirstVisit, Therapist, new string('x', 500), Now);
        Assert.Equal(EpisodePhase.FirstVisit, episode.Phase);
    }

    [Fact]
    public void ClosingStampsTheClosingTime()
    {
        var episode = EpisodeAt(EpisodePhase.TerminationPlanned);
        Assert.Null(episode.ClosedAt);

        episode.Close(EpisodeOutcome.NotMeasured, [], "Planned ending reached; the goals were met.", Therapist, Now);

        Assert.Equal(Now, episode.ClosedAt);
    }

    [Fact]
    public void EveryMoveChangesTheCaseVersion()
    {
        var c = NewCase();
        var before = c.Version;

        c.CurrentEpisode.MoveTo(EpisodePhase.FirstVisit, Therapist, "Booked", Now);

        Assert.NotEqual(before, c.Version);
    }
}
