using Alliance.Data;
using Alliance.Domain;

namespace Alliance.Data.Tests;

/// <summary>Agencies and staff rows that cases need, written straight to the database.</summary>
internal static class Seed
{
    /// <summary>A fixed "now" with whole milliseconds, which every provider stores exactly.</summary>
    public static readonly DateTime Now = new(2026, 3, 10, 12, 0, 0, 250, DateTimeKind.Utc);

    public static Agency Agency(AllianceDbContext db, string name)
    {
        var agency = new Agency(name, "Europe/London", Now.AddDays(-100));
        db.Agencies.Add(agency);
        return agency;
    }

    public static StaffUser Staff(AllianceDbContext db, Agency agency, string name)
    {
        var email = $"{name.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid():N}@agency.example";
        var user = new StaffUser
        {
            Id = Guid.NewGuid(),
            AgencyId = agency.Id,
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = name,
            SecurityStamp = Guid.NewGuid().ToString(),
            CreatedAt = Now.AddDays(-90),
        };
        db.Users.Add(user);
        return user;
    }

    /// <summary>Records the family's agreements and each member's agreement (a child's with the consenting parent), in text version 1.</summary>
    public static void Orient(Episode episode, Guid therapistId, DateTime at, params (Member Member, Guid? ConsentingMemberId)[] members)
    {
        episode.RecordFamilyAgreements(SecretsPolicy.NoSecrets, null, YoungPersonSharing.ScoresOnly);
        foreach (var (member, consenting) in members)
            episode.RecordAgreement(member, 1, consenting, true, true, null, therapistId, at);
    }

    /// <summary>Plans the ending (when the episode is active) and closes the episode as not measured.</summary>
    public static void Close(Episode episode, Guid therapistId, DateTime at)
    {
        if (episode.Phase == EpisodePhase.Active)
            episode.PlanEnding(new EndingChecklist(at, true, "Call the agency's duty line if things slip.", null), false, therapistId, "Ending planned", at);
        episode.Close(EpisodeOutcome.NotMeasured, [], "Planned ending reached; the goals were met.", therapistId, at);
    }

    /// <summary>A family with two members and one held session, in the given agency.</summary>
    public static Case Family(AllianceDbContext db, Agency agency, string name, StaffUser therapist, StaffUser? coTherapist = null)
    {
        var c = Case.Open(agency.Id, name, therapist.Id, coTherapist?.Id, therapist.Id, Now.AddDays(-30));
        var parent = c.AddMember($"Parent of {name}", FamilyRole.Parent, 1980, Now.AddDays(-30));
        var child = c.AddMember($"Child of {name}", FamilyRole.Child, 2015, Now.AddDays(-30));
        var episode = c.CurrentEpisode;
        Orient(episode, therapist.Id, Now.AddDays(-21), (parent, null), (child, parent.Id));
        episode.MoveTo(EpisodePhase.Active, therapist.Id, "Started", Now.AddDays(-20));
        var s = episode.ScheduleSession(Now.AddDays(-7), 60, therapist.Id, Now.AddDays(-14));
        s.RecordHeld(Now.AddDays(-7), Now.AddDays(-7).AddHours(1), [parent.Id], Modality.InPerson, "Notes", Now);
        db.Cases.Add(c);
        return c;
    }
}
