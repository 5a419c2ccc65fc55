namespace Alliance.Domain;

/// <summary>A member's role in the family.</summary>
public enum FamilyRole
{
    /// <summary>A parent.</summary>
    Parent,
    /// <summary>A caregiver who is not a parent (grandparent, foster carer, guardian).</summary>
    Caregiver,
    /// <summary>A child or young person.</summary>
    Child,
    /// <summary>A partner in a couple.</summary>
    Partner,
    /// <summary>An individual client.</summary>
    Client,
    /// <summary>Anyone else who takes part.</summary>
    Other,
}

/// <summary>The phases of an episode of care, in the only order they may be taken.</summary>
public enum EpisodePhase
{
    /// <summary>Referred, not yet seen.</summary>
    Referral = 0,
    /// <summary>The first visit: orientation and consent.</summary>
    FirstVisit = 1,
    /// <summary>Active work.</summary>
    Active = 2,
    /// <summary>An ending is planned.</summary>
    TerminationPlanned = 3,
    /// <summary>The episode is over.</summary>
    Closed = 4,
}

/// <summary>What became of a scheduled session.</summary>
public enum SessionStatus
{
    /// <summary>Planned, not yet held.</summary>
    Scheduled,
    /// <summary>Held.</summary>
    Held,
    /// <summary>Cancelled beforehand.</summary>
    Cancelled,
    /// <summary>The family did not come.</summary>
    NoShow,
}

/// <summary>How a session was held.</summary>
public enum Modality
{
    /// <summary>In the agency's rooms.</summary>
    InPerson,
    /// <summary>By video call.</summary>
    Video,
    /// <summary>By telephone.</summary>
    Phone,
    /// <summary>At the family's home.</summary>
    HomeVisit,
}

/// <summary>Staff roles. A person may hold more than one.</summary>
public static class StaffRoles
{
    /// <summary>Works with families.</summary>
    public const string Therapist = "therapist";
    /// <summary>Supervises therapists.</summary>
    public const string Supervisor = "supervisor";
    /// <summary>Configures the agency.</summary>
    public const string Admin = "admin";

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Therapist, Supervisor, Admin];
}
