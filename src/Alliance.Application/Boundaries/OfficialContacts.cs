using Alliance.Boundaries;
using Alliance.Domain;

namespace Alliance.Application.Boundaries;

/// <summary>The agency's own contacts, read from the lines the admin wrote, as the contact-detail scanner takes them.</summary>
public static class OfficialContacts
{
    /// <summary>
    /// The scanner's settings: the agency's phone region, and each line of its official contacts sorted into phone
    /// numbers, e-mail addresses, street addresses and social-media accounts by the scanner itself.
    /// </summary>
    /// <exception cref="DomainRuleException">The region is unknown, or a line reads as no contact detail at all (the message names the line).</exception>
    public static ContactDetailSettings Read(string region, string? lines)
    {
        var plain = new ContactDetailScanner(new ContactDetailSettings { Region = region });
        List<string> phones = [], emails = [], addresses = [], accounts = [];
        var number = 0;
        foreach (var raw in (lines ?? "").Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var found = plain.Scan(line);
            if (found.Count == 0)
                throw new DomainRuleException("officialContacts", $"Line {number} reads as no phone number, e-mail address, street address or social-media account.");
            foreach (var f in found)
            {
                var detail = line.Substring(f.Start, f.Length);
                (f.Type switch
                {
                    ContactDetailType.PhoneNumber => phones,
                    ContactDetailType.EmailAddress => emails,
                    ContactDetailType.StreetAddress => addresses,
                    _ => accounts,
                }).Add(detail);
            }
        }
        return new ContactDetailSettings
        {
            Region = region,
            OfficialPhoneNumbers = phones,
            OfficialEmailAddresses = emails,
            OfficialStreetAddresses = addresses,
            OfficialSocialMedia = accounts,
        };
    }

    /// <summary>The scanner settings of an agency's stored boundary settings.</summary>
    public static ContactDetailSettings Of(BoundarySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Read(settings.PhoneRegion, settings.OfficialContacts);
    }
}
