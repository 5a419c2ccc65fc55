using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Alliance.Web.Security;

/// <summary>Who must use two-factor sign-in: admins, except in the demo agency.</summary>
public sealed class TwoFactorRule(AllianceDbContext db, UserManager<StaffUser> users)
{
    /// <summary>The page where a person sets up (or manages) two-factor sign-in.</summary>
    public const string SetupPath = "/account/two-factor/setup";

    /// <summary>True when the account must have two-factor sign-in.</summary>
    public async Task<bool> IsRequiredAsync(StaffUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!await users.IsInRoleAsync(user, StaffRoles.Admin).ConfigureAwait(false)) return false;
        // An agency that cannot be found is treated as a real one: the rule fails closed.
        var isDemo = await db.Agencies.AsNoTracking().Where(a => a.Id == user.AgencyId).Select(a => a.IsDemo).FirstOrDefaultAsync().ConfigureAwait(false);
        return !isDemo;
    }

    /// <summary>
    /// True when a signed-in person must set up two-factor sign-in before anything else: an admin (by the
    /// cookie's roles, refreshed from the database at every stamp check) outside the demo agency without it.
    /// </summary>
    public async Task<bool> MustSetUpAsync(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!principal.IsInRole(StaffRoles.Admin)) return false;
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)) return true;
        var state = await (
                from u in db.Users.AsNoTracking()
                join a in db.Agencies.AsNoTracking() on u.AgencyId equals a.Id
                where u.Id == id
                select new { u.TwoFactorEnabled, a.IsDemo })
            .FirstOrDefaultAsync().ConfigureAwait(false);
        return state is null || (!state.IsDemo && !state.TwoFactorEnabled);
    }
}

/// <summary>
/// Runs after authorization on every endpoint that needs sign-in: an admin who must use two-factor sign-in and
/// has not set it up reaches only the set-up page (pages are sent there; the API answers 403). Endpoints open
/// to everyone (sign-in, sign-out, status pages) never come here.
/// </summary>
internal sealed class TwoFactorGate : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        // Only admins can be held at the gate: nobody else needs the rule (or the services it is built from).
        if (authorizeResult.Succeeded && context.User.IsInRole(StaffRoles.Admin)
            && !context.Request.Path.StartsWithSegments(TwoFactorRule.SetupPath, StringComparison.OrdinalIgnoreCase)
            && await context.RequestServices.GetRequiredService<TwoFactorRule>().MustSetUpAsync(context.User).ConfigureAwait(false))
        {
            if (AllianceApp.IsMachineFacing(context.Request.Path))
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Two-factor sign-in required",
                    detail: "Admins of this agency must set up two-factor sign-in before using Alliance.").ExecuteAsync(context).ConfigureAwait(false);
            else
                context.Response.Redirect(TwoFactorRule.SetupPath);
            return;
        }
        await _standard.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}

/// <summary>
/// Identity's authenticator (TOTP) check, with each code accepted only once as NIST SP 800-63B asks: the time
/// step of the last accepted code is kept with the account, and a code of that step or an earlier one is refused.
/// </summary>
internal sealed class OnceOnlyAuthenticatorTokenProvider(TimeProvider clock) : AuthenticatorTokenProvider<StaffUser>
{
    /// <summary>Where the last accepted step is kept (Identity's user tokens).</summary>
    internal const string TokenProvider = "[Alliance]";
    internal const string LastStepName = "AuthenticatorLastStep";

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        if (!await base.ValidateAsync(purpose, token, manager, user).ConfigureAwait(false)) return false;
        var key = await manager.GetAuthenticatorKeyAsync(user).ConfigureAwait(false);
        if (key is null || Totp.MatchingStep(key, token, clock.GetUtcNow()) is not { } step) return false;

        var last = await manager.GetAuthenticationTokenAsync(user, TokenProvider, LastStepName).ConfigureAwait(false);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastStep) && step <= lastStep) return false;
        var saved = await manager.SetAuthenticationTokenAsync(user, TokenProvider, LastStepName, step.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return saved.Succeeded;
    }
}

/// <summary>RFC 6238 time-based one-time codes as authenticator apps make them: HMAC-SHA1, 30-second steps, 6 digits.</summary>
internal static class Totp
{
    private const int StepSeconds = 30;

    /// <summary>
    /// The time step whose code is the given one, looking as far each way as Identity's check does (two steps)
    /// and one more back in case a step boundary passed since; null when none matches.
    /// </summary>
    public static long? MatchingStep(string base32Key, string code, DateTimeOffset now)
    {
        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted)) return null;
        var key = Base32.Decode(base32Key);
        var current = now.ToUnixTimeSeconds() / StepSeconds;
        for (var step = current + 2; step >= current - 3; step--)
            if (Code(key, step) == wanted) return step;
        return null;
    }

    /// <summary>The six-digit code of one time step, as a number.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6238 as authenticator apps implement it is HMAC-SHA1; the code is checked, not a password hash.")]
    public static int Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = (hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3];
        return binary % 1_000_000;
    }
}

/// <summary>Base32 (RFC 4648), the alphabet authenticator keys are written in.</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>Decodes, ignoring case, spaces and padding.</summary>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c is ' ' or '=' or '-') continue;
            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0) throw new FormatException("The key is not base32.");
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. bytes];
    }
}

/// <summary>What the set-up page shows: the key to type, the link an authenticator app reads, and its QR code.</summary>
internal static class AuthenticatorSetup
{
    /// <summary>The issuer name authenticator apps show beside the code.</summary>
    public const string Issuer = "Alliance";

    /// <summary>The key in groups of four, lower case, the way people type it into an app.</summary>
    public static string FormatKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var builder = new StringBuilder(key.Length + key.Length / 4);
        for (var i = 0; i < key.Length; i++)
        {
            if (i > 0 && i % 4 == 0) builder.Append(' ');
            builder.Append(char.ToLowerInvariant(key[i]));
        }
        return builder.ToString();
    }

    /// <summary>The otpauth:// link (Key Uri Format) for the account.</summary>
    public static string Uri(string email, string key) =>
        string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{System.Uri.EscapeDataString(Issuer)}:{System.Uri.EscapeDataString(email)}?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&algorithm=SHA1&digits=6&period=30");

    /// <summary>The link as a QR code, a PNG in a data: URI (the page's policy allows data: images, not scripts).</summary>
    public static string QrCodeDataUri(string uri)
    {
        var png = PngByteQRCodeHelper.GetQRCode(uri, QRCodeGenerator.ECCLevel.M, 6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }

    /// <summary>A typed code without the spaces and dashes people add: six digits for the app, or a recovery code.</summary>
    public static string Clean(string? code) => new((code ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());

    /// <summary>True for six digits, the shape of an authenticator code.</summary>
    public static bool IsAppCode(string cleaned) => cleaned.Length == 6 && cleaned.All(char.IsAsciiDigit);

    /// <summary>A recovery code as Identity stores it: upper case, "XXXXX-XXXXX".</summary>
    public static string RecoveryCode(string cleaned)
    {
        var upper = cleaned.ToUpperInvariant();
        return upper.Length == 10 ? $"{upper[..5]}-{upper[5..]}" : upper;
    }
}
