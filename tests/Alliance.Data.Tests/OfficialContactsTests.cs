using Alliance.Application.Boundaries;
using Alliance.Boundaries;
using Alliance.Domain;

namespace Alliance.Data.Tests;

/// <summary>The agency's own contacts, written one a line by the admin, keep the note scanner from flagging the agency itself.</summary>
[Trait("Capability", "Boundaries")]
public sealed class OfficialContactsTests
{
    private const string Agency = "0117 496 0000\nhello@harbourlight.example\n14 Harbour Road, Bristol\n@harbourlight";

    [Fact]
    public void EachLineIsSortedIntoItsKindOfContact()
    {
        var settings = OfficialContacts.Read("GB", Agency);

        Assert.Equal(["0117 496 0000"], settings.OfficialPhoneNumbers);
        Assert.Equal(["hello@harbourlight.example"], settings.OfficialEmailAddresses);
        Assert.Single(settings.OfficialStreetAddresses);
        Assert.Equal(["@harbourlight"], settings.OfficialSocialMedia);
    }

    [Fact]
    public void TheAgencysOwnDetailsInANoteAreNotFlaggedAndAPersonalNumberIs()
    {
        var scanner = new ContactDetailScanner(OfficialContacts.Read("GB", Agency));

        Assert.Empty(scanner.Scan("Told Maya to ring the office on +44 117 496 0000 or write to HELLO@harbourlight.example; we meet at 14 Harbour Rd."));
        var found = Assert.Single(scanner.Scan("Gave Maya my mobile, 07911 123456, for the weekend."));
        Assert.Equal(ContactDetailType.PhoneNumber, found.Type);
        Assert.DoesNotContain("123456", found.Masked, StringComparison.Ordinal);
    }

    [Fact]
    public void ALineThatIsNoContactIsRefusedByItsNumberAndAStoredListIsReadAsTheAgencySavedIt()
    {
        var e = Assert.Throws<DomainRuleException>(() => OfficialContacts.Read("GB", "hello@harbourlight.example\nthe front desk"));
        Assert.Equal(("officialContacts", "Line 2 reads as no phone number, e-mail address, street address or social-media account."), (e.Field, e.Message));
        Assert.Equal("region", Assert.Throws<DomainRuleException>(() => OfficialContacts.Read("XX", null)).Field);

        var stored = new BoundarySettings(Guid.NewGuid());
        Assert.Equal("phoneRegion", Assert.Throws<DomainRuleException>(() => stored.SetContactDetails("GBR", null)).Field);
        stored.SetContactDetails(" us ", "(415) 555-0132");
        Assert.Equal("US", stored.PhoneRegion);
        Assert.Equal(["(415) 555-0132"], OfficialContacts.Of(stored).OfficialPhoneNumbers);
    }
}
