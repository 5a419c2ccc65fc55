using Alliance.Domain;

namespace Alliance.Application;

/// <summary>The person a use case runs for.</summary>
public sealed record Actor(Guid StaffId, Guid AgencyId, IReadOnlySet<string> Roles)
{
    /// <summary>True when the person holds the role.</summary>
    public bool Is(string role) => Roles.Contains(role);

    /// <summary>True for a therapist.</summary>
    public bool IsTherapist => Is(StaffRoles.Therapist);

    /// <summary>True for a supervisor.</summary>
    public bool IsSupervisor => Is(StaffRoles.Supervisor);

    /// <summary>True for an admin.</summary>
    public bool IsAdmin => Is(StaffRoles.Admin);
}
