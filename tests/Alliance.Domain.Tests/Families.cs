using Alliance.Domain;

namespace Alliance.Domain.Tests;

/// <summary>Fixed people, times and a small family, so each test states only what it is about.</summary>
internal static class Families
{
    public static readonly Guid AgencyId = Guid.Parse("00000000-0000-0000-0000-00000000a001");
    public static readonly Guid Therapist = Guid.Parse("00000000-0000-0000-0000-00000000f001");
    public static readonly Guid OtherTherapist = Guid.Parse("00000000-0000-0000-0000-00000000f002");
    public static readonly Guid ThirdTherapist = Guid.Parse("00000000-0000-0000-0000-00000000f003");
    public static readonly Guid Supervisor = Guid.Parse("00000000-0000-0000-0000-00000000e001");

    /// <summary>"Now" in every test: a Tuesday at noon, UTC.</summary>
    public static readonly DateTime Now = new(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A family of two parents and a child, opened four weeks ago, at referral.</summary>
    public static Case NewCase(Guid? coTherapist = null)
    {
        var c = Case.Open(AgencyId, "Marlowe family", Therapist, coTherapist, Therapist, Now.AddDays(-28));
        c.AddMember("Ada Marlowe", FamilyRole.Parent, 1985, Now.AddDays(-28));
        c.AddMember("Ben Marlowe", FamilyRole.Parent, 1983, Now.AddDays(-28));
        c.AddMember("Cleo Marlowe", FamilyRole.Child, 2016, Now.AddDays(-28));
        return c;
    }

    /// <summary>A case whose episode is in active work.</summary>
    public static Case ActiveCase()
    {
        var c = NewCase();
        c.CurrentEpisode.MoveTo(EpisodePhase.Active, Therapist, "Orientation done", Now.AddDays(-21));
        return c;
    }

    public static IReadOnlyList<Guid> MemberIds(this Case c) => c.Members.Select(m => m.Id).ToList();
}
