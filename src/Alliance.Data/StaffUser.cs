using Microsoft.AspNetCore.Identity;

namespace Alliance.Data;

/// <summary>A staff member's sign-in account. Staff belong to exactly one agency.</summary>
public sealed class StaffUser : IdentityUser<Guid>
{
    /// <summary>The agency the person works for.</summary>
    public Guid AgencyId { get; set; }

    /// <summary>The name colleagues know them by.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>False once the account is switched off; history keeps the person.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary>When the account was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }
}
