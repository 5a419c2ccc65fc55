using Alliance.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Alliance.Web.Security;

/// <summary>
/// Identity's user store, with the two secrets of two-factor sign-in encrypted at rest like session notes: the
/// authenticator key (whoever reads it can make every code) and the unused recovery codes. Both are Identity's own
/// tokens of the account; the store encrypts them on the way in and decrypts them on the way out, so the user manager,
/// the code check and the recovery codes work as before. A key or codes stored in the clear before this (an older
/// database) are still read, and encrypted when next written.
/// </summary>
internal sealed class SecretTokenStore(AllianceDbContext context, ISensitiveTextProtector protector, IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole<Guid>, AllianceDbContext, Guid>(context, describer)
{
    /// <summary>The login provider under which Identity's store keeps its own tokens.</summary>
    internal const string IdentityProvider = "[AspNetUserStore]";

    /// <summary>Identity's names of the two secrets.</summary>
    internal static readonly string[] SecretNames = ["AuthenticatorKey", "RecoveryCodes"];

    public override Task SetTokenAsync(StaffUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken)
        => base.SetTokenAsync(user, loginProvider, name, value is not null && IsSecret(loginProvider, name) ? protector.Protect(value) : value, cancellationToken);

    public override async Task<string?> GetTokenAsync(StaffUser user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var stored = await base.GetTokenAsync(user, loginProvider, name, cancellationToken).ConfigureAwait(false);
        return stored is not null && IsSecret(loginProvider, name) ? protector.Unprotect(stored) : stored;
    }

    private static bool IsSecret(string loginProvider, string name) =>
        loginProvider == IdentityProvider && SecretNames.Contains(name, StringComparer.Ordinal);
}
