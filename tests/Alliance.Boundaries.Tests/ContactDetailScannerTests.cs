using Alliance.Domain;

namespace Alliance.Boundaries.Tests;

[Trait("Capability", "Boundaries")]
public class ContactDetailScannerTests
{
    // Synthetic details only: example domains, Ofcom's drama range for the agency (0117 496 0xxx), and patterned
    // mobile numbers: libphonenumber's metadata treats Ofcom's drama mobiles (07700 900xxx) as not valid, so a note
    // holding one would not be flagged at leniency VALID.
    private static readonly ContactDetailSettings Harbourlight = new()
    {
        Region = "GB",
        OfficialPhoneNumbers = ["0117 496 0123"],
        OfficialEmailAddresses = ["Intake@Harbourlight.example"],
        OfficialStreetAddresses = ["12 Harbour Road, Bristol BS1 4AA"],
        OfficialSocialMedia = ["@harbourlight", "https://www.facebook.com/HarbourlightFamilies"],
    };

    private static ContactDetailFinding Single(string text, ContactDetailType type)
    {
        var finding = Assert.Single(ContactDetailScanner.Scan(text, Harbourlight));
        Assert.Equal(type, finding.Type);
        Assert.Equal("contact-detail-in-text", finding.Kind);
        return finding;
    }

    [Fact]
    public void AMobileNumberIsFoundWithItsPositionAndMasked()
    {
        const string text = "Gave mum my number 07400 123456 in case of a crisis.";
        var finding = Single(text, ContactDetailType.PhoneNumber);
        Assert.Equal("07400 123456", text.Substring(finding.Start, finding.Length));
        Assert.Equal("+44 7*** ***456", finding.Masked);
        // The evidence and explanation never repeat the number itself.
        var shown = finding.Explanation + string.Join(" ", finding.Evidence.Select(e => e.Value));
        Assert.DoesNotContain("123456", shown, StringComparison.Ordinal);
        Assert.Contains("+44 7*** ***456", finding.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInternationalNumberIsFoundWhateverTheRegion()
    {
        var finding = Single("Dad now on +1 201-555-0123 while abroad.", ContactDetailType.PhoneNumber);
        Assert.Equal("+1 2*** ***123", finding.Masked);
    }

    [Fact]
    public void TheAgencysOwnNumberIsNotFlaggedInAnyFormat()
    {
        Assert.Empty(ContactDetailScanner.Scan("Told them to ring the office on 0117 496 0123 or +44 117 496 0123.", Harbourlight));
    }

    [Theory]
    [InlineData("Session 12 on 2024-03-12 at 14:30, ORS 38/40, SRS 36.5, next on 12/03/2024.")]
    [InlineData("Scores 21 24 27 31; reviewed at session 8 of 12; 45 minutes; room 101.")]
    [InlineData("PHQ-9 total 14, GAD-7 9. Case ref 2024-0042. Meeting @10am.")]
    public void DatesTimesScoresAndSessionNumbersAreNotPhoneNumbers(string text)
    {
        Assert.Empty(ContactDetailScanner.Scan(text, Harbourlight));
        Assert.Empty(ContactDetailScanner.Scan(text, Harbourlight with { Region = "US" }));
    }

    [Fact]
    public void AnEmailAddressInASentenceIsFoundAndMasked()
    {
        const string text = "She can write to me at jo.bloggs@example.org.";
        var finding = Single(text, ContactDetailType.EmailAddress);
        Assert.Equal("jo.bloggs@example.org", text.Substring(finding.Start, finding.Length));
        Assert.Equal("j***@example.org", finding.Masked);
        Assert.Equal("The text contains an e-mail address (j***@example.org) that is not one of the agency's official contacts.", finding.Explanation);
    }

    [Fact]
    public void TheAgencysOwnEmailIsNotFlaggedWhateverItsCase()
    {
        Assert.Empty(ContactDetailScanner.Scan("Reminded them to use intake@harbourlight.example only.", Harbourlight));
    }

    [Fact]
    public void AStreetAddressIsFoundAndMasked()
    {
        const string text = "Met dad for coffee near 48 Bramble Lane after school.";
        var finding = Single(text, ContactDetailType.StreetAddress);
        Assert.Equal("48 Bramble Lane", text.Substring(finding.Start, finding.Length));
        Assert.Equal("** B*** Lane", finding.Masked);
    }

    [Fact]
    public void TheAgencysAddressIsNotFlaggedEvenAbbreviated()
    {
        Assert.Empty(ContactDetailScanner.Scan("Sessions move to 12 Harbour Rd from May.", Harbourlight));
    }

    [Theory]
    [InlineData("He walked 3 miles on the way home.")]
    [InlineData("We agreed 2 small steps for the week.")]
    [InlineData("Scored 12 on the Outcome Rating Scale; 3 Goals set at the Close of session.")]
    public void OrdinaryPhrasesWithNumbersAreNotAddresses(string text)
    {
        Assert.Empty(ContactDetailScanner.Scan(text, Harbourlight));
    }

    [Fact]
    public void ACapitalisedPhraseEndingInAStreetWordIsReportedTheKnownLimit()
    {
        // The heuristic cannot tell a landmark or a title from an address; it errs towards reporting.
        Assert.Equal(ContactDetailType.StreetAddress, Single("We used the 4 Family Way exercise.", ContactDetailType.StreetAddress).Type);
    }

    [Fact]
    public void AHandleAndProfileLinksAreFound()
    {
        const string text = "Teen follows me @sam_the_counsellor; also instagram.com/sam.private and https://wa.me/447700900123.";
        var findings = ContactDetailScanner.Scan(text, Harbourlight);
        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal(ContactDetailType.SocialMedia, f.Type));
        Assert.Equal(["@s***", "instagram.com/s***", "wa.me/4***"], findings.Select(f => f.Masked));
        Assert.Equal("@sam_the_counsellor", text.Substring(findings[0].Start, findings[0].Length));
        Assert.Equal("https://wa.me/447700900123", text.Substring(findings[2].Start, findings[2].Length));
    }

    [Theory]
    [InlineData("facebook.com/someone.else", "facebook.com/s***")]
    [InlineData("see tiktok.com/@danceteen now", "tiktok.com/@***")]
    [InlineData("x.com/anon", "x.com/a***")]
    [InlineData("https://twitter.com/anon", "twitter.com/a***")]
    [InlineData("www.linkedin.com/in/someone", "linkedin.com/i***")]
    [InlineData("snapchat.com/add/someone", "snapchat.com/a***")]
    [InlineData("chat.whatsapp.com/AbCdEf", "chat.whatsapp.com/A***")]
    public void EachSocialSiteIsRecognised(string text, string masked)
    {
        Assert.Equal(masked, Single(text, ContactDetailType.SocialMedia).Masked);
    }

    [Fact]
    public void TheAgencysHandleAndPageAreNotFlagged()
    {
        Assert.Empty(ContactDetailScanner.Scan(
            "Follow @Harbourlight or facebook.com/harbourlightfamilies/ and instagram.com/harbourlight for news.", Harbourlight));
    }

    [Fact]
    public void NotAnEmailDomainNorABoxLink()
    {
        // An e-mail's @ is not a handle, and "inbox.com/x" is not x.com.
        var findings = ContactDetailScanner.Scan("Write to a.person@example.org or see inbox.com/abc.", Harbourlight);
        Assert.Equal(ContactDetailType.EmailAddress, Assert.Single(findings).Type);
    }

    [Fact]
    public void SeveralDetailsComeInOrderOfPosition()
    {
        const string text = "Call 07400 654321, mail kim@example.net, visit 7 Elm Close, or @kimk.";
        var findings = ContactDetailScanner.Scan(text, Harbourlight);
        Assert.Equal(
            [ContactDetailType.PhoneNumber, ContactDetailType.EmailAddress, ContactDetailType.StreetAddress, ContactDetailType.SocialMedia],
            findings.Select(f => f.Type));
        Assert.Equal(findings.OrderBy(f => f.Start), findings);
        // No finding shows its detail: every masked form hides part of it.
        Assert.All(findings, f =>
        {
            Assert.Contains("***", f.Masked, StringComparison.Ordinal);
            Assert.DoesNotContain(text.Substring(f.Start, f.Length), f.Masked + f.Explanation, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void UsNumbersAreReadInTheUsRegion()
    {
        var us = new ContactDetailSettings { Region = "US", OfficialPhoneNumbers = ["(201) 555-0100"] };
        var findings = ContactDetailScanner.Scan("Office (201) 555-0100; my cell 201-555-0123.", us);
        Assert.Equal("+1 2*** ***123", Assert.Single(findings).Masked);
    }

    [Fact]
    public void NothingInEmptyText()
    {
        Assert.Empty(ContactDetailScanner.Scan(null, Harbourlight));
        Assert.Empty(ContactDetailScanner.Scan("", Harbourlight));
    }

    [Fact]
    public void BadSettingsNameTheField()
    {
        Assert.Equal("region", Assert.Throws<DomainRuleException>(() => new ContactDetailScanner(new ContactDetailSettings { Region = "ZZ" })).Field);
        var error = Assert.Throws<DomainRuleException>(() => new ContactDetailScanner(new ContactDetailSettings { OfficialPhoneNumbers = ["not a number"] }));
        Assert.Equal("officialPhoneNumbers", error.Field);
        Assert.DoesNotContain("not a number", error.Message, StringComparison.Ordinal);
    }
}
