using System.Security.Claims;
using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Auditing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Alliance.Web.Security;

/// <summary>Claims Alliance adds to a signed-in staff member's cookie.</summary>
internal static class StaffClaims
{
    public const string Agency = "alliance:agency";
    public const string DisplayName = "alliance:name";

    /// <summary>The actor for a signed-in principal, or null when it is not a staff member.</summary>
    public static Actor? ToActor(this ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var staffId)) return null;
        if (!Guid.TryParse(user.FindFirstValue(Agency), out var agencyId)) return null;
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Actor(staffId, agencyId, roles);
    }

    /// <summary>The actor for a request that passed authorization (the fallback policy requires sign-in).</summary>
    public static Actor RequireActor(this ClaimsPrincipal user) =>
        user.ToActor() ?? throw new InvalidOperationException("The request has no signed-in staff member.");
}

/// <summary>Puts the agency and display name into the sign-in cookie.</summary>
internal sealed class StaffClaimsFactory(UserManager<StaffUser> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user).ConfigureAwait(false);
        identity.AddClaim(new Claim(StaffClaims.Agency, user.AgencyId.ToString()));
        identity.AddClaim(new Claim(StaffClaims.DisplayName, user.DisplayName));
        return identity;
    }
}

/// <summary>
/// The tenant of a request: the signed-in person's agency, or none. Work the host does for itself
/// (migrations, demo seeding) runs in a scope that was explicitly switched to operator.
/// </summary>
internal sealed class HttpTenantContext(IHttpContextAccessor accessor) : ITenantContext
{
    private ITenantContext? _override;

    public AuditActor Actor
    {
        get
        {
            if (_override is { } o) return o.Actor;
            var http = accessor.HttpContext;
            var origin = http?.Connection.RemoteIpAddress?.ToString();
            if (http?.User.ToActor() is { } staff)
                return new AuditActor(AuditActorKind.Staff, staff.StaffId, http.User.FindFirstValue(StaffClaims.DisplayName) ?? "staff", origin);
            return new AuditActor(AuditActorKind.System, null, "anonymous request", origin);
        }
    }

    public Guid? AgencyId => _override is { } o ? o.AgencyId
        : Guid.TryParse(accessor.HttpContext?.User.FindFirstValue(StaffClaims.Agency), out var id) ? id : null;

    public bool IsOperator => _override?.IsOperator ?? false;

    /// <summary>Makes this scope act for the given tenant instead of the request's user.</summary>
    public void ActFor(ITenantContext tenant) => _override = tenant;
}
