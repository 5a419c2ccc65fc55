using System.Security.Cryptography;
using System.Text;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Staff;

/// <summary>A new staff account's details.</summary>
public sealed record NewStaff(string Email, string DisplayName, IReadOnlyCollection<string> Roles);

/// <summary>
/// Staff accounts: creation with roles, and one-time links to set a password. A link carries 256 random bits;
/// only its SHA-256 hash is stored, and it works once, for three days.
/// </summary>
public sealed class StaffAccounts(AllianceDbContext db, UserManager<StaffUser> users, RoleManager<IdentityRole<Guid>> roles, TimeProvider clock)
{
    /// <summary>How long a set-password link works.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromDays(3);

    /// <summary>The path of the set-password page.</summary>
    public const string SetPasswordPath = "/account/set-password";

    /// <summary>Creates the three roles if the database lacks them.</summary>
    public async Task EnsureRolesAsync()
    {
        foreach (var role in StaffRoles.All)
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.NewGuid() }).ConfigureAwait(false), "roles");
    }

    /// <summary>Creates an account without a password. The caller saves nothing else: Identity saves the user itself.</summary>
    public async Task<StaffUser> CreateAsync(Guid agencyId, NewStaff staff, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(staff);
        var email = staff.Email?.Trim() ?? "";
        if (email.Length is 0 or > 256 || !email.Contains('@', StringComparison.Ordinal))
            throw new DomainRuleException("email", "Give a valid email address.");
        var name = staff.DisplayName?.Trim() ?? "";
        if (name.Length is 0 or > 120)
            throw new DomainRuleException("displayName", "Give a name of 1 to 120 characters.");
        if (staff.Roles.Count == 0 || staff.Roles.Any(r => !StaffRoles.All.Contains(r)))
            throw new DomainRuleException("roles", "Choose one or more of therapist, supervisor, admin.");
        if (await users.FindByEmailAsync(email).ConfigureAwait(false) is not null)
            throw new DomainRuleException("email", "An account with this email address already exists.");

        await EnsureRolesAsync().ConfigureAwait(false);
        var user = new StaffUser
        {
            Id = Guid.NewGuid(),
            AgencyId = agencyId,
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        Check(password is null ? await users.CreateAsync(user).ConfigureAwait(false) : await users.CreateAsync(user, password).ConfigureAwait(false), "password");
        Check(await users.AddToRolesAsync(user, staff.Roles.Distinct()).ConfigureAwait(false), "roles");
        return user;
    }

    /// <summary>Issues a one-time link for the person to set their password. The link is returned once and never stored.</summary>
    public async Task<Uri> IssueSetPasswordLinkAsync(StaffUser user, Uri baseAddress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        db.PasswordSetupTokens.Add(new PasswordSetupToken(user.AgencyId, user.Id, Hash(token), clock.GetUtcNow().UtcDateTime, LinkLifetime));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return new Uri(baseAddress, $"{SetPasswordPath}?token={token}");
    }

    /// <summary>The account a set-password token belongs to, when the token is still usable.</summary>
    public async Task<StaffUser?> FindByTokenAsync(string? token, CancellationToken ct = default)
    {
        var record = await FindTokenAsync(token, ct).ConfigureAwait(false);
        return record is null ? null : await users.FindByIdAsync(record.StaffId.ToString()).ConfigureAwait(false);
    }

    /// <summary>Sets the password with a one-time token; the token is spent only when the password is accepted.</summary>
    public async Task SetPasswordAsync(string? token, string password, CancellationToken ct = default)
    {
        var record = await FindTokenAsync(token, ct).ConfigureAwait(false)
            ?? throw new DomainRuleException("token", "This link has been used or has expired. Ask your agency's admin for a new one.");
        var user = await users.FindByIdAsync(record.StaffId.ToString()).ConfigureAwait(false)
            ?? throw new DomainRuleException("token", "This link has been used or has expired. Ask your agency's admin for a new one.");
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password).ConfigureAwait(false);
            errors.AddRange(result.Errors.Select(e => e.Description));
        }
        if (errors.Count > 0) throw new DomainRuleException("password", string.Join(" ", errors));

        if (await users.HasPasswordAsync(user).ConfigureAwait(false))
            Check(await users.RemovePasswordAsync(user).ConfigureAwait(false), "password");
        Check(await users.AddPasswordAsync(user, password).ConfigureAwait(false), "password");
        await users.UpdateSecurityStampAsync(user).ConfigureAwait(false);
        record.Use(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    private async Task<PasswordSetupToken?> FindTokenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100) return null;
        var hash = Hash(token);
        var record = await db.PasswordSetupTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, ct).ConfigureAwait(false);
        return record is not null && record.IsUsable(clock.GetUtcNow().UtcDateTime) ? record : null;
    }

    /// <summary>SHA-256 of a token, lower-case hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded)
            throw new DomainRuleException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
