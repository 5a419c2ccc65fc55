using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>Supervision lines and one-time password links.</summary>
[Trait("Capability", "Foundation")]
public sealed class StaffingTests
{
    [Fact]
    public void DoesNotLetSomeoneSuperviseThemselves()
    {
        var e = Assert.Throws<DomainRuleException>(() => new SupervisionLine(AgencyId, Supervisor, Supervisor, Now));

        Assert.Equal("superviseeId", e.Field);
    }

    [Fact]
    public void ASupervisionLineEndsOnceAndKeepsItsHistory()
    {
        var line = new SupervisionLine(AgencyId, Supervisor, Therapist, Now.AddDays(-30));
        Assert.True(line.IsCurrent);

        line.End(Now);

        Assert.False(line.IsCurrent);
        Assert.Equal(Now, line.EndedAt);
        Assert.Equal(Now.AddDays(-30), line.StartedAt);
        Assert.Throws<DomainRuleException>(() => line.End(Now.AddDays(1)));
        Assert.Equal(Now, line.EndedAt);
    }

    [Fact]
    public void APasswordLinkWorksOnceAndOnlyBeforeItExpires()
    {
        var token = new PasswordSetupToken(AgencyId, Therapist, new string('a', 64), Now, TimeSpan.FromDays(3));

        Assert.True(token.IsUsable(Now.AddDays(3).AddTicks(-1)));
        Assert.False(token.IsUsable(Now.AddDays(3)));

        token.Use(Now.AddHours(1));

        Assert.False(token.IsUsable(Now.AddHours(2)));
        Assert.Equal("token", Assert.Throws<DomainRuleException>(() => token.Use(Now.AddHours(2))).Field);
    }

    [Fact]
    public void AnExpiredPasswordLinkCannotBeUsed()
    {
        var token = new PasswordSetupToken(AgencyId, Therapist, new string('b', 64), Now, TimeSpan.FromDays(3));

        Assert.Throws<DomainRuleException>(() => token.Use(Now.AddDays(4)));
        Assert.Null(token.UsedAt);
    }
}
