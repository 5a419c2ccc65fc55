using Alliance.Domain;
using static Alliance.Domain.Tests.Families;

namespace Alliance.Domain.Tests;

/// <summary>An agency's name, time zone, working days and hours stay coherent.</summary>
[Trait("Capability", "Foundation")]
public sealed class AgencySettingsTests
{
    private static Agency NewAgency() => new("Riverside Family Centre", "Europe/London", Now);

    [Fact]
    public void StartsWithAWorkingWeekOfMondayToFridayEightToSix()
    {
        var a = NewAgency();

        Assert.Equal(WorkingDaySet.MondayToFriday, a.WorkingDays);
        Assert.Equal(new TimeOnly(8, 0), a.WorkdayStart);
        Assert.Equal(new TimeOnly(18, 0), a.WorkdayEnd);
        Assert.Equal("Europe/London", a.TimeZoneId);
        Assert.False(a.IsDemo);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("   ")]
    public void DoesNotCreateAnAgencyInAnUnknownTimeZone(string zone)
    {
        var e = Assert.Throws<DomainRuleException>(() => new Agency("Riverside", zone, Now));

        Assert.Equal("timeZoneId", e.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void DoesNotCreateAnAgencyWithoutAName(string name)
    {
        Assert.Equal("name", Assert.Throws<DomainRuleException>(() => new Agency(name, "UTC", Now)).Field);
    }

    [Fact]
    public void UpdatesEverySetting()
    {
        var a = NewAgency();

        a.UpdateSettings("  Riverside Centre ", "America/New_York", WorkingDaySet.Monday | WorkingDaySet.Saturday, new TimeOnly(7, 30), new TimeOnly(15, 0));

        Assert.Equal("Riverside Centre", a.Name);
        Assert.Equal("America/New_York", a.TimeZoneId);
        Assert.True(a.WorkingDays.Contains(DayOfWeek.Saturday));
        Assert.False(a.WorkingDays.Contains(DayOfWeek.Tuesday));
        Assert.Equal(new TimeOnly(7, 30), a.WorkdayStart);
        Assert.Equal(new TimeOnly(15, 0), a.WorkdayEnd);
    }

    public static TheoryData<string, string, WorkingDaySet, TimeOnly, TimeOnly, string> InvalidSettings => new()
    {
        // name, zone, days, start, end, field at fault
        { "Riverside", "Nowhere/Unknown", WorkingDaySet.MondayToFriday, new TimeOnly(9, 0), new TimeOnly(17, 0), "timeZoneId" },
        { "Riverside", "Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(17, 0), new TimeOnly(9, 0), "workdayEnd" },
        { "Riverside", "Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(9, 0), new TimeOnly(9, 0), "workdayEnd" },
        { "Riverside", "Europe/London", WorkingDaySet.None, new TimeOnly(9, 0), new TimeOnly(17, 0), "workingDays" },
        { "", "Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(9, 0), new TimeOnly(17, 0), "name" },
        { new string('r', 201), "Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(9, 0), new TimeOnly(17, 0), "name" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void RefusesIncoherentSettingsAndKeepsTheOldOnes(string name, string zone, WorkingDaySet days, TimeOnly start, TimeOnly end, string field)
    {
        var a = NewAgency();

        var e = Assert.Throws<DomainRuleException>(() => a.UpdateSettings(name, zone, days, start, end));

        Assert.Equal(field, e.Field);
        Assert.Equal(("Riverside Family Centre", "Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(8, 0), new TimeOnly(18, 0)),
            (a.Name, a.TimeZoneId, a.WorkingDays, a.WorkdayStart, a.WorkdayEnd));
    }

    [Fact]
    public void ConvertsBetweenUtcAndTheAgencysLocalTime()
    {
        var a = NewAgency();
        // British Summer Time: UTC+1 in July.
        var utc = new DateTime(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);

        Assert.Equal(new DateTime(2026, 7, 1, 13, 0, 0), a.ToLocal(utc));
        Assert.Equal(utc, a.ToUtc(new DateTime(2026, 7, 1, 13, 0, 0)));
    }

    [Theory]
    [InlineData(DayOfWeek.Monday, WorkingDaySet.Monday)]
    [InlineData(DayOfWeek.Wednesday, WorkingDaySet.Wednesday)]
    [InlineData(DayOfWeek.Saturday, WorkingDaySet.Saturday)]
    [InlineData(DayOfWeek.Sunday, WorkingDaySet.Sunday)]
    public void MapsEachWeekdayToItsOwnFlag(DayOfWeek day, WorkingDaySet flag)
    {
        Assert.Equal(flag, WorkingDays.Of(day));
        Assert.True(flag.Contains(day));
        Assert.False(WorkingDaySet.None.Contains(day));
    }
}
