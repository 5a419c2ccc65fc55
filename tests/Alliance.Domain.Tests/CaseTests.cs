using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>A case has one primary therapist, optionally a different co-therapist, and a recorded history of transfers.</summary>
[Trait("Capability", "Foundation")]
public sealed class CaseTests
{
    [Fact]
    public void OpensACaseInItsAgencyWithItsTherapists()
    {
        var c = Case.Open(AgencyId, "  Marlowe family ", Therapist, OtherTherapist, Supervisor, Now);

        Assert.Equal(AgencyId, c.AgencyId);
        Assert.Equal("Marlowe family", c.Name);
        Assert.Equal(Therapist, c.PrimaryTherapistId);
        Assert.Equal(OtherTherapist, c.CoTherapistId);
        Assert.Equal(Now, c.CreatedAt);
        Assert.True(c.IsTherapist(Therapist));
        Assert.True(c.IsTherapist(OtherTherapist));
        Assert.False(c.IsTherapist(ThirdTherapist));
        Assert.Equal(Supervisor, c.CurrentEpisode.PhaseChanges[0].ByStaffId);
    }

    [Fact]
    public void DoesNotOpenACaseWithTheSameTherapistTwice()
    {
        var e = Assert.Throws<DomainRuleException>(() => Case.Open(AgencyId, "Marlowe family", Therapist, Therapist, Therapist, Now));

        Assert.Equal("coTherapistId", e.Field);
    }

    [Fact]
    public void DoesNotMakeThePrimaryTherapistAlsoTheCoTherapist()
    {
        var c = NewCase(coTherapist: OtherTherapist);

        var e = Assert.Throws<DomainRuleException>(() => c.SetCoTherapist(Therapist));

        Assert.Equal("coTherapistId", e.Field);
        Assert.Equal(OtherTherapist, c.CoTherapistId);
    }

    [Fact]
    public void SetsChangesAndClearsTheCoTherapist()
    {
        var c = NewCase();

        c.SetCoTherapist(OtherTherapist);
        Assert.Equal(OtherTherapist, c.CoTherapistId);
        c.SetCoTherapist(ThirdTherapist);
        Assert.Equal(ThirdTherapist, c.CoTherapistId);
        c.SetCoTherapist(null);
        Assert.Null(c.CoTherapistId);
    }

    [Fact]
    public void TransferRecordsFromToWhoWhenAndWhy()
    {
        var c = NewCase();
        var version = c.Version;

        var move = c.Transfer(OtherTherapist, Supervisor, "  Therapist on leave  ", Now);

        Assert.Equal(OtherTherapist, c.PrimaryTherapistId);
        Assert.Same(move, Assert.Single(c.Assignments));
        Assert.Equal(Therapist, move.FromTherapistId);
        Assert.Equal(OtherTherapist, move.ToTherapistId);
        Assert.Equal(Supervisor, move.ByStaffId);
        Assert.Equal("Therapist on leave", move.Reason);
        Assert.Equal(Now, move.At);
        Assert.Equal(c.Id, move.CaseId);
        Assert.Equal(AgencyId, move.AgencyId);
        Assert.NotEqual(version, c.Version);
    }

    [Fact]
    public void SuccessiveTransfersChainFromTheCurrentTherapist()
    {
        var c = NewCase();

        c.Transfer(OtherTherapist, Supervisor, "Leave", Now.AddDays(-1));
        c.Transfer(ThirdTherapist, Supervisor, "Caseload balance", Now);

        Assert.Equal([(Therapist, OtherTherapist), (OtherTherapist, ThirdTherapist)],
            c.Assignments.Select(a => (a.FromTherapistId, a.ToTherapistId)));
        Assert.Equal(ThirdTherapist, c.PrimaryTherapistId);
    }

    [Fact]
    public void DoesNotTransferACaseToItsOwnTherapist()
    {
        var c = NewCase();

        var e = Assert.Throws<DomainRuleException>(() => c.Transfer(Therapist, Supervisor, "No change", Now));

        Assert.Equal("therapistId", e.Field);
        Assert.Empty(c.Assignments);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void DoesNotTransferWithoutAReason(string reason)
    {
        var c = NewCase();

        var e = Assert.Throws<DomainRuleException>(() => c.Transfer(OtherTherapist, Supervisor, reason, Now));

        Assert.Equal("reason", e.Field);
        Assert.Equal(Therapist, c.PrimaryTherapistId);
        Assert.Empty(c.Assignments);
    }

    [Fact]
    public void TransferToTheCoTherapistLeavesNoCoTherapist()
    {
        var c = NewCase(coTherapist: OtherTherapist);

        c.Transfer(OtherTherapist, Supervisor, "Co-therapist takes over", Now);

        Assert.Equal(OtherTherapist, c.PrimaryTherapistId);
        Assert.Null(c.CoTherapistId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public void DoesNotOpenACaseWithoutAName(string? name)
    {
        var e = Assert.Throws<DomainRuleException>(() => Case.Open(AgencyId, name!, Therapist, null, Therapist, Now));

        Assert.Equal("name", e.Field);
    }

    [Fact]
    public void AcceptsCaseNamesUpTo120Characters()
    {
        Assert.Equal(120, Case.Open(AgencyId, new string('a', 120), Therapist, null, Therapist, Now).Name.Length);
        Assert.Equal("name", Assert.Throws<DomainRuleException>(() => Case.Open(AgencyId, new string('a', 121), Therapist, null, Therapist, Now)).Field);
    }

    [Fact]
    public void KnowsItsOwnMembersOnly()
    {
        var c = NewCase();
        var other = NewCase();

        Assert.True(c.HasMember(c.Members[0].Id));
        Assert.False(c.HasMember(other.Members[0].Id));
    }
}
