using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>Members' names, roles and birth years, and who counts as a child.</summary>
[Trait("Capability", "Foundation")]
public sealed class MemberTests
{
    [Fact]
    public void AddsAMemberToTheFamily()
    {
        var c = NewCase();

        var m = c.AddMember("  Dora Marlowe ", FamilyRole.Caregiver, 1950, Now);

        Assert.Equal("Dora Marlowe", m.DisplayName);
        Assert.Equal(FamilyRole.Caregiver, m.Role);
        Assert.Equal(1950, m.BirthYear);
        Assert.Equal(c.Id, m.CaseId);
        Assert.Equal(AgencyId, m.AgencyId);
        Assert.Equal(Now, m.CreatedAt);
        Assert.True(c.HasMember(m.Id));
    }

    [Fact]
    public void NumbersMembersInTheOrderTheyWereAdded()
    {
        var c = NewCase();

        var fourth = c.AddMember("Dora Marlowe", FamilyRole.Caregiver, 1950, Now);

        Assert.Equal([1, 2, 3, 4], c.Members.Select(m => m.Position));
        Assert.Equal(4, fourth.Position);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void DoesNotAddAMemberWithoutAName(string? name)
    {
        var c = NewCase();
        var before = c.Members.Count;

        var e = Assert.Throws<DomainRuleException>(() => c.AddMember(name!, FamilyRole.Parent, 1980, Now));

        Assert.Equal("displayName", e.Field);
        Assert.Equal(before, c.Members.Count);
    }

    [Theory]
    [InlineData(80, true)]
    [InlineData(81, false)]
    public void AcceptsNamesUpTo80Characters(int length, bool allowed)
    {
        var c = NewCase();

        void Add() => c.AddMember(new string('n', length), FamilyRole.Other, null, Now);

        if (allowed) Add();
        else Assert.Equal("displayName", Assert.Throws<DomainRuleException>(Add).Field);
    }

    [Theory]
    [InlineData(1899, false)]
    [InlineData(1900, true)]
    [InlineData(2026, true)]
    [InlineData(2027, false)]
    [InlineData(null, true)]
    public void AcceptsBirthYearsFrom1900ToThisYear(int? birthYear, bool allowed)
    {
        var c = NewCase();

        Member Add() => c.AddMember("Eli Marlowe", FamilyRole.Child, birthYear, Now);

        if (allowed) Assert.Equal(birthYear, Add().BirthYear);
        else Assert.Equal("birthYear", Assert.Throws<DomainRuleException>(() => Add()).Field);
    }

    [Fact]
    public void RefusesARoleThatDoesNotExist()
    {
        var e = Assert.Throws<DomainRuleException>(() => NewCase().AddMember("Eli Marlowe", (FamilyRole)17, 2010, Now));

        Assert.Equal("role", e.Field);
    }

    [Fact]
    public void UpdatingKeepsTheRules()
    {
        var m = NewCase().Members[0];

        m.Update("Ada Marlowe-Grey", FamilyRole.Caregiver, 1984, Now);
        Assert.Equal(("Ada Marlowe-Grey", FamilyRole.Caregiver, (int?)1984), (m.DisplayName, m.Role, m.BirthYear));

        Assert.Throws<DomainRuleException>(() => m.Update("", FamilyRole.Parent, 1984, Now));
        Assert.Throws<DomainRuleException>(() => m.Update("Ada", FamilyRole.Parent, 1800, Now));
        Assert.Equal(("Ada Marlowe-Grey", FamilyRole.Caregiver, (int?)1984), (m.DisplayName, m.Role, m.BirthYear));
    }

    [Theory]
    // birth year, session year, age, child?
    [InlineData(2014, 2026, 12, true)]
    [InlineData(2013, 2026, 13, false)]
    [InlineData(2026, 2026, 0, true)]
    [InlineData(2020, 2026, 6, true)]
    [InlineData(1980, 2026, 46, false)]
    [InlineData(2013, 2025, 12, true)]
    public void CountsTwelveAndUnderInTheSessionYearAsAChild(int birthYear, int sessionYear, int age, bool child)
    {
        var m = NewCase().AddMember("Eli Marlowe", FamilyRole.Child, birthYear, Now);

        Assert.Equal(age, m.AgeIn(sessionYear));
        Assert.Equal(child, m.IsChildIn(sessionYear));
    }

    [Fact]
    public void CountsAMemberWithoutABirthYearAsAnAdult()
    {
        var m = NewCase().AddMember("Eli Marlowe", FamilyRole.Child, null, Now);

        Assert.Null(m.AgeIn(2026));
        Assert.False(m.IsChildIn(2026));
    }
}
