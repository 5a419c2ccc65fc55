using System.Globalization;
using System.Text;
using Alliance.Data;
using Microsoft.AspNetCore.Identity;

namespace Alliance.Web.Security;

/// <summary>
/// Alliance's password rules beyond Identity's minimum length (12), after NIST SP 800-63B: length over
/// composition (no "one digit, one symbol" rules), a generous maximum, no password from a list of common and
/// leaked ones, nothing made of the person's own name or email, and not one or two characters repeated.
/// </summary>
internal sealed class PasswordRules(CommonPasswords common) : IPasswordValidator<StaffUser>
{
    /// <summary>The longest password accepted; NIST asks for at least 64.</summary>
    public const int MaximumLength = 256;

    /// <summary>Fewer different characters than this is a repetition, not a password ("aaaaaaaaaaaa", "121212121212").</summary>
    public const int MinimumDistinctCharacters = 5;

    /// <summary>Name and email parts shorter than this are too short to matter ("jo@...").</summary>
    private const int ShortestPersonalPart = 3;

    public const string TooLong = "Use at most 256 characters.";
    public const string Common = "This password is on a list of common and leaked passwords that attackers try first. Choose another: a few unrelated words make a strong one.";
    public const string Personal = "Leave your name and email address out of your password.";
    public const string Repetitive = "This password repeats the same few characters. Choose one with more variety.";

    public Task<IdentityResult> ValidateAsync(UserManager<StaffUser> manager, StaffUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        password ??= "";
        var errors = new List<IdentityError>();
        if (password.Length > MaximumLength)
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = TooLong });
        if (common.Contains(password))
            errors.Add(new IdentityError { Code = "PasswordCommon", Description = Common });
        if (ContainsPersonalDetails(password, user))
            errors.Add(new IdentityError { Code = "PasswordPersonal", Description = Personal });
        if (password.Length > 0 && password.Distinct().Count() < MinimumDistinctCharacters)
            errors.Add(new IdentityError { Code = "PasswordRepetitive", Description = Repetitive });
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    /// <summary>
    /// True when the password holds the email's local part or the display name, compared on letters and digits
    /// only and ignoring case, so "Maya.Okafor" is found in "mayaokafor-2024!".
    /// </summary>
    internal static bool ContainsPersonalDetails(string password, StaffUser user)
    {
        var plain = LettersAndDigits(password);
        var email = user.Email ?? user.UserName ?? "";
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var parts = new[] { at > 0 ? email[..at] : email, user.DisplayName };
        return parts.Select(LettersAndDigits)
            .Any(part => part.Length >= ShortestPersonalPart && plain.Contains(part, StringComparison.Ordinal));
    }

    private static string LettersAndDigits(string? text)
    {
        var builder = new StringBuilder(text?.Length ?? 0);
        foreach (var c in text ?? "")
            if (char.IsLetterOrDigit(c)) builder.Append(char.ToLower(c, CultureInfo.InvariantCulture));
        return builder.ToString();
    }
}

/// <summary>The list of common and leaked passwords (see Security/README.md for its source and licence), loaded once.</summary>
internal sealed class CommonPasswords
{
    private const string ResourceName = "Alliance.Web.Security.common-passwords.txt";
    private readonly Lazy<HashSet<string>> _passwords = new(Load);

    /// <summary>How many passwords the list holds.</summary>
    public int Count => _passwords.Value.Count;

    /// <summary>True when the password, ignoring case, is on the list.</summary>
    public bool Contains(string password) => _passwords.Value.Contains(password);

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) set.Add(line);
        return set;
    }
}
