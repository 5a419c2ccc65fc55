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
        c.AdvanceTo(EpisodePhase.Active, Now.AddDays(-21));
        return c;
    }

    /// <summary>Records the family's agreements and every member's (the child assents, the first parent consents for her), in text version 1.</summary>
    public static void Orient(this Case c, DateTime at)
    {
        var e = c.CurrentEpisode;
        e.RecordFamilyAgreements(SecretsPolicy.NoSecrets, null, YoungPersonSharing.ScoresOnly);
        var parent = c.Members.First(m => !m.IsChildIn(at.Year));
        foreach (var m in c.Members)
            e.RecordAgreement(m, 1, m.IsChildIn(at.Year) ? parent.Id : null, true, true, null, Therapist, at);
    }

    /// <summary>
    /// Takes the current episode to a phase the way the process does: orientation before active work, the ending
    /// checklist before termination planned, and closing with an outcome (never started, dropped out, or not measured).
    /// </summary>
    public static Episode AdvanceTo(this Case c, EpisodePhase phase, DateTime at)
    {
        var e = c.CurrentEpisode;
        if (phase == EpisodePhase.Closed && e.Phase is EpisodePhase.Referral)
        {
            e.Close(EpisodeOutcome.NeverStarted, [], "The family did not take up the referral.", Therapist, at);
            return e;
        }
        if (phase >= EpisodePhase.FirstVisit && e.Phase < EpisodePhase.FirstVisit) e.MoveTo(EpisodePhase.FirstVisit, Therapist, "First visit booked", at);
        if (phase >= EpisodePhase.Active && e.Phase < EpisodePhase.Active)
        {
            if (e.Agreements.Count == 0) c.Orient(at);
            e.MoveTo(EpisodePhase.Active, Therapist, "Orientation done", at);
        }
        if (phase >= EpisodePhase.TerminationPlanned && e.Phase < EpisodePhase.TerminationPlanned)
            e.PlanEnding(new EndingChecklist(at.AddDays(7), true, "Call the agency's duty line if things slip.", null), false, Therapist, "Ending planned", at);
        if (phase == EpisodePhase.Closed && e.Phase < EpisodePhase.Closed)
            e.Close(EpisodeOutcome.NotMeasured, [], "Planned ending reached; the goals were met.", Therapist, at);
        return e;
    }

    public static IReadOnlyList<Guid> MemberIds(this Case c) => c.Members.Select(m => m.Id).ToList();
}
