using System.Globalization;
using Alliance.Domain;

namespace Alliance.Boundaries.Tests;

[Trait("Capability", "Boundaries")]
public class FindingShapeTests
{
    private static readonly DateTime AsOf = new(2025, 3, 28, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>One finding of every kind, made by the detectors themselves.</summary>
    private static List<BoundaryFinding> OneOfEach()
    {
        var findings = new List<BoundaryFinding>();
        var therapist = Guid.NewGuid();
        var decisions = Enumerable.Range(0, 40).Select(i => new IntakeDecisionInput(
            therapist, (i < 20 ? i < 18 : i < 24) ? IntakeOutcome.Accepted : IntakeOutcome.Declined,
            new Dictionary<string, string> { ["funding"] = i < 20 ? "private" : "public" }));
        findings.AddRange(SelectionPatterns.Find(decisions).Findings);
        findings.AddRange(ContactDetailScanner.Scan("Ring 07400 123456 or write to a.b@example.org.", new ContactDetailSettings()));
        var sessions = Enumerable.Range(0, 13).Select(i => new HeldSession(Guid.NewGuid(), AsOf.AddDays(-2 * i), 90)).ToList();
        findings.AddRange(TimeBeyondNeed.FindForCase(new CaseSessionsInput(Guid.NewGuid(), SessionPlan.EveryWeeks(1, 50, 12), sessions), AsOf));
        var families = Enumerable.Range(1, 5).Select(n => new FamilyTimeInput(Guid.NewGuid(), n == 1 ? 2400 : 900, 0, NeedBand.Mild)).ToList();
        findings.AddRange(TimeBeyondNeed.FindFamilyShare(therapist, families));
        var hours = new AgencyHours("Europe/London", WorkingDaySet.MondayToFriday, new TimeOnly(8, 0), new TimeOnly(18, 0));
        findings.AddRange(TimeBeyondNeed.FindOutOfHours([new ContactInput(Guid.NewGuid(), Guid.NewGuid(), AsOf.AddHours(10), true)], hours));
        return findings;
    }

    [Fact]
    public void EveryKindCarriesItsCodeEvidenceExplanationAndWhatToConsider()
    {
        var findings = OneOfEach();
        string[] kinds =
        [
            BoundaryKinds.SelectionPattern, BoundaryKinds.ContactDetailInText, BoundaryKinds.SessionsMoreFrequentThanPlan,
            BoundaryKinds.SessionsBeyondPlannedNumber, BoundaryKinds.SessionsLongerThanPlan, BoundaryKinds.FamilyShareOfHours,
            BoundaryKinds.ContactOutsideAgencyHours,
        ];
        Assert.Equal(kinds.Order(), findings.Select(f => f.Kind).Distinct().Order());
        Assert.All(findings, f =>
        {
            Assert.NotEmpty(f.Evidence);
            Assert.All(f.Evidence, e => Assert.False(string.IsNullOrWhiteSpace(e.Label) || string.IsNullOrWhiteSpace(e.Value)));
            Assert.EndsWith(".", f.Explanation, StringComparison.Ordinal);
            Assert.EndsWith("?", f.WhatToConsider, StringComparison.Ordinal);
        });
        Assert.All(findings, f => Assert.Equal(f.Kind == BoundaryKinds.SelectionPattern ? FindingAudience.SupervisorOnly : FindingAudience.TherapistAndSupervisor, f.Audience));
    }

    [Fact]
    public void TextIsTheSameWhateverTheCurrentCulture()
    {
        // Thai uses the Buddhist calendar (2025 is 2568) and German a decimal comma: neither may leak into the text.
        var invariant = Render(CultureInfo.InvariantCulture);
        Assert.Equal(invariant, Render(new CultureInfo("th-TH")));
        Assert.Equal(invariant, Render(new CultureInfo("de-DE")));
        Assert.Contains("2025-", invariant, StringComparison.Ordinal);
    }

    private static string Render(CultureInfo culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = culture;
        try
        {
            return string.Join("\n", OneOfEach().Select(f => f.Kind + f.Explanation + string.Join("|", f.Evidence)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}
