using System.Text;
using System.Text.RegularExpressions;
using Alliance.Domain;
using PhoneNumbers;

namespace Alliance.Boundaries;

/// <summary>
/// Giving out personal contact details: finds phone numbers, e-mail addresses, street addresses and social-media
/// handles or profile links written in free text (session notes, contact summaries) that are not among the agency's
/// official contacts. Findings carry the position and a masked form only, so the detail itself does not spread.
/// </summary>
/// <remarks>
/// Phone numbers: libphonenumber's matcher with the agency's region at leniency VALID (a number must be a valid number
/// for its country, which keeps dates, times, scores and session numbers out). E-mail addresses: a pragmatic pattern
/// (local part, @, a dotted domain ending in letters). Social media: @handles, and links to Facebook, Instagram,
/// TikTok, Snapchat, X/Twitter, LinkedIn, WhatsApp (including wa.me) and Telegram (t.me). Street addresses: a house
/// number followed by one to four capitalised words and a street word (Street, St, Road, Rd, Avenue, Lane, Drive,
/// Close, Court, Way, Place, Crescent, Boulevard, Terrace, Gardens, Grove, Square...). Limits of that heuristic: it
/// misses addresses without a house number ("Rose Cottage"), written in lower case ("12 high street"), or using a
/// street word not in the list; postcodes and ZIP codes alone are not looked for; and a capitalised phrase that
/// happens to end in a street word ("3 Times Square") is reported even when it is a landmark. An "@word" such as
/// "@home" reads as a handle. The scanner is a prompt for reflection, so it errs towards reporting.
/// </remarks>
public sealed partial class ContactDetailScanner
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    private readonly string region;
    private readonly HashSet<string> officialPhones = new(StringComparer.Ordinal);
    private readonly HashSet<string> officialEmails = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> officialAddresses = [];
    private readonly HashSet<string> officialHandles = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> officialLinks = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Prepares a scanner for the agency (its region and official contacts, normalised once).</summary>
    /// <param name="settings">The agency's region and official contacts.</param>
    /// <exception cref="DomainRuleException">The region is unknown or an official contact cannot be read; the field names which.</exception>
    public ContactDetailScanner(ContactDetailSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        region = settings.Region?.Trim().ToUpperInvariant() ?? "";
        if (!Phones.GetSupportedRegions().Contains(region))
            throw new DomainRuleException("region", "Choose a known region code, such as GB or US.");

        int index = 0;
        foreach (var phone in settings.OfficialPhoneNumbers)
        {
            index++;
            officialPhones.Add(ToE164(phone, index));
        }

        foreach (var email in settings.OfficialEmailAddresses)
        {
            officialEmails.Add(email.Trim());
        }

        foreach (var address in settings.OfficialStreetAddresses)
        {
            officialAddresses.Add(" " + NormaliseAddress(address) + " ");
        }

        foreach (var entry in settings.OfficialSocialMedia)
        {
            var trimmed = entry.Trim();
            var link = SocialLinkPattern().Match(trimmed);
            if (link.Success)
            {
                officialLinks.Add(NormaliseLink(link));
            }
            else
            {
                officialHandles.Add(trimmed.TrimStart('@'));
            }
        }
    }

    /// <summary>Scans one text with a scanner made for these settings (for many texts, make one scanner and reuse it).</summary>
    /// <param name="text">The free text; null or empty finds nothing.</param>
    /// <param name="settings">The agency's region and official contacts.</param>
    public static IReadOnlyList<ContactDetailFinding> Scan(string? text, ContactDetailSettings settings) =>
        new ContactDetailScanner(settings).Scan(text);

    /// <summary>Finds the contact details in the text that are not the agency's, in order of position.</summary>
    /// <param name="text">The free text; null or empty finds nothing.</param>
    public IReadOnlyList<ContactDetailFinding> Scan(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        // Candidates in order of priority: a link or e-mail address can contain digits or an @, which must not be
        // reported again as a phone number or a handle. A span taken by an official contact is taken all the same.
        var taken = new List<(int Start, int End)>();
        var findings = new List<ContactDetailFinding>();

        foreach (Match link in SocialLinkPattern().Matches(text))
        {
            var (start, length) = TrimTrailingPunctuation(text, link.Index, link.Length);
            if (Claim(taken, start, length) && !IsOfficialLink(link))
            {
                findings.Add(new(ContactDetailType.SocialMedia, start, length, link.Groups["site"].Value.ToLowerInvariant() + "/" + MaskWord(link.Groups["path"].Value)));
            }
        }

        foreach (Match email in EmailPattern().Matches(text))
        {
            if (Claim(taken, email.Index, email.Length) && !officialEmails.Contains(email.Value))
            {
                findings.Add(new(ContactDetailType.EmailAddress, email.Index, email.Length, MaskEmail(email.Value)));
            }
        }

        foreach (var phone in Phones.FindNumbers(text, region, PhoneNumberUtil.Leniency.VALID, long.MaxValue))
        {
            if (Claim(taken, phone.Start, phone.Length) &&
                !officialPhones.Contains(Phones.Format(phone.Number, PhoneNumberFormat.E164)))
            {
                findings.Add(new(ContactDetailType.PhoneNumber, phone.Start, phone.Length, MaskPhone(phone.Number)));
            }
        }

        foreach (Match handle in HandlePattern().Matches(text))
        {
            if (Claim(taken, handle.Index, handle.Length) && !officialHandles.Contains(handle.Groups["name"].Value))
            {
                findings.Add(new(ContactDetailType.SocialMedia, handle.Index, handle.Length, "@" + MaskWord(handle.Groups["name"].Value)));
            }
        }

        foreach (Match address in AddressPattern().Matches(text))
        {
            var normalised = " " + NormaliseAddress(address.Value) + " ";
            if (Claim(taken, address.Index, address.Length) &&
                !officialAddresses.Exists(official => official.Contains(normalised, StringComparison.Ordinal)))
            {
                findings.Add(new(ContactDetailType.StreetAddress, address.Index, address.Length, MaskAddress(address)));
            }
        }

        findings.Sort((x, y) => x.Start.CompareTo(y.Start));
        return findings;
    }

    private static bool Claim(List<(int Start, int End)> taken, int start, int length)
    {
        int end = start + length;
        foreach (var span in taken)
        {
            if (start < span.End && span.Start < end)
            {
                return false;
            }
        }

        taken.Add((start, end));
        return true;
    }

    private string ToE164(string phone, int index)
    {
        try
        {
            return Phones.Format(Phones.Parse(phone, region), PhoneNumberFormat.E164);
        }
        catch (NumberParseException)
        {
            throw new DomainRuleException("officialPhoneNumbers", $"Official phone number {index} is not a phone number.");
        }
    }

    private bool IsOfficialLink(Match link) =>
        officialLinks.Contains(NormaliseLink(link)) || officialHandles.Contains(FirstSegment(link.Groups["path"].Value));

    private static string NormaliseLink(Match link) =>
        link.Groups["site"].Value.ToLowerInvariant() + "/" + link.Groups["path"].Value.TrimEnd('/', '.', ',', ';', ':', '!', '?').Split('?')[0].TrimEnd('/');

    private static string FirstSegment(string path)
    {
        var segment = path.TrimStart('@');
        int cut = segment.IndexOfAny(['/', '?', '#']);
        return cut < 0 ? segment.TrimEnd('.', ',', ';', ':', '!') : segment[..cut];
    }

    private static (int Start, int Length) TrimTrailingPunctuation(string text, int start, int length)
    {
        while (length > 0 && ".,;:!?".Contains(text[start + length - 1], StringComparison.Ordinal))
        {
            length--;
        }

        return (start, length);
    }

    /// <summary>+44 7*** ***123: country code, first digit, stars, last three digits.</summary>
    private static string MaskPhone(PhoneNumber number)
    {
        var national = Phones.GetNationalSignificantNumber(number);
        var masked = new StringBuilder("+").Append(number.CountryCode).Append(' ');
        if (national.Length <= 4)
        {
            return masked.Append('*', national.Length).ToString();
        }

        var digits = national[0] + new string('*', national.Length - 4) + national[^3..];
        return masked.Append(digits.AsSpan(0, 4)).Append(' ').Append(digits.AsSpan(4)).ToString();
    }

    /// <summary>j***@example.org: the first character of the local part, then the domain.</summary>
    private static string MaskEmail(string email)
    {
        int at = email.IndexOf('@', StringComparison.Ordinal);
        return email[0] + "***" + email[at..].ToLowerInvariant();
    }

    private static string MaskWord(string word) => word.Length == 0 ? "***" : word[0] + "***";

    /// <summary>** H*** Road: the house number hidden, each name word to its first letter, the street word kept.</summary>
    private static string MaskAddress(Match address)
    {
        var masked = new StringBuilder();
        masked.Append('*', address.Groups["number"].Length).Append(' ');
        foreach (var word in address.Groups["name"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            masked.Append(word[0]).Append("*** ");
        }

        return masked.Append(address.Groups["type"].Value).ToString();
    }

    private static readonly Dictionary<string, string> StreetAbbreviations = new(StringComparer.Ordinal)
    {
        ["st"] = "street", ["rd"] = "road", ["ave"] = "avenue", ["ln"] = "lane", ["dr"] = "drive", ["ct"] = "court",
        ["pl"] = "place", ["cres"] = "crescent", ["blvd"] = "boulevard", ["sq"] = "square", ["hwy"] = "highway",
        ["pkwy"] = "parkway",
    };

    /// <summary>Lower case, letters and digits only, single spaces, street abbreviations written out.</summary>
    private static string NormaliseAddress(string address)
    {
        var words = NonWordPattern().Replace(address.ToLowerInvariant(), " ")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => StreetAbbreviations.GetValueOrDefault(word, word));
        return string.Join(' ', words);
    }

    [GeneratedRegex(@"[^\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonWordPattern();

    [GeneratedRegex(@"(?<![\w.%+-])[\w.%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(
        @"(?<![\w.-])(?:https?://)?(?:www\.|m\.|mobile\.)?(?<site>facebook\.com|fb\.com|fb\.me|instagram\.com|instagr\.am|tiktok\.com|snapchat\.com|x\.com|twitter\.com|linkedin\.com|wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|whatsapp\.com|t\.me)/(?<path>[^\s<>""'()\[\]]+)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SocialLinkPattern();

    // A handle: @ not preceded by a word character (so not an e-mail address), with at least one letter, and not a
    // time such as @10am.
    [GeneratedRegex(
        @"(?<![\w@./])@(?!\d{1,2}(?::\d{2})?(?:am|pm)\b)(?=[\w.]*[A-Za-z])(?<name>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@])",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex HandlePattern();

    [GeneratedRegex(
        @"(?<![\w/.:-])(?<number>\d{1,5}[A-Za-z]?(?:\s?[-–]\s?\d{1,5}[A-Za-z]?)?),?\s+(?<name>(?:[A-Z][\p{L}'’-]*\.?\s+){1,4})(?<type>Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Way|Place|Pl|Crescent|Cres|Boulevard|Blvd|Terrace|Gardens|Grove|Square|Sq|Parade|Mews|Row|Walk|Hill|Highway|Hwy|Parkway|Pkwy)\b\.?",
        RegexOptions.CultureInvariant)]
    private static partial Regex AddressPattern();
}

/// <summary>The agency's region and official contacts for <see cref="ContactDetailScanner"/>.</summary>
public sealed record ContactDetailSettings
{
    /// <summary>
    /// The region a phone number without a country code is read in: a two-letter code such as "GB" or "US".
    /// Default "GB" (agency-adjustable).
    /// </summary>
    public string Region { get; init; } = "GB";

    /// <summary>The agency's phone numbers, in any common format; compared after normalising to E.164.</summary>
    public IReadOnlyList<string> OfficialPhoneNumbers { get; init; } = [];

    /// <summary>The agency's e-mail addresses; compared without regard to case.</summary>
    public IReadOnlyList<string> OfficialEmailAddresses { get; init; } = [];

    /// <summary>
    /// The agency's street addresses; an address found in text is official when it appears within one of these,
    /// comparing lower case words with street abbreviations written out ("12 Harbour Rd" within "12 Harbour Road, Bristol").
    /// </summary>
    public IReadOnlyList<string> OfficialStreetAddresses { get; init; } = [];

    /// <summary>The agency's social-media handles ("@harbourlight") or profile links ("instagram.com/harbourlight").</summary>
    public IReadOnlyList<string> OfficialSocialMedia { get; init; } = [];
}

/// <summary>What kind of contact detail was found.</summary>
public enum ContactDetailType
{
    /// <summary>A phone number.</summary>
    PhoneNumber,

    /// <summary>An e-mail address.</summary>
    EmailAddress,

    /// <summary>A street address.</summary>
    StreetAddress,

    /// <summary>A social-media handle or profile link.</summary>
    SocialMedia,
}

/// <summary>A contact detail in a text that is not one of the agency's. Carries its position and a masked form, never the detail.</summary>
/// <param name="Type">What kind of detail.</param>
/// <param name="Start">The position of its first character in the text (0-based).</param>
/// <param name="Length">Its length in characters.</param>
/// <param name="Masked">A masked form for display, such as "+44 7*** ***123" or "j***@example.org".</param>
public sealed record ContactDetailFinding(ContactDetailType Type, int Start, int Length, string Masked) : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.ContactDetailInText;

    /// <summary>The kind of detail in plain words.</summary>
    public string TypeText => Type switch
    {
        ContactDetailType.PhoneNumber => "phone number",
        ContactDetailType.EmailAddress => "e-mail address",
        ContactDetailType.StreetAddress => "street address",
        _ => "social-media handle or link",
    };

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("Detail", TypeText),
        new("Shown as", Masked),
        new("Position in the text", $"characters {Num(Start + 1)} to {Num(Start + Length)}"),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"The text contains {(Type == ContactDetailType.EmailAddress ? "an" : "a")} {TypeText} ({Masked}) that is not one of the agency's official contacts.";

    /// <inheritdoc />
    public override string WhatToConsider =>
        "Whose detail is it? If it is the therapist's own, giving personal contact details to a family opens a channel " +
        "outside the agency's, where availability and confidentiality are harder to hold. If it is the family's, it " +
        "belongs in their contact record rather than in the note. Is this worth raising in supervision?";
}
