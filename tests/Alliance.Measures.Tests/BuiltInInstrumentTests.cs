namespace Alliance.Measures.Tests;

/// <summary>The built-in instruments match shared/formats/spreadsheet-import.md and the Measures issue.</summary>
[Trait("Capability", "Measures")]
public sealed class BuiltInInstrumentTests
{
    public static TheoryData<string, Construct, decimal, decimal, BetterDirection, decimal?, decimal?, decimal?> SpreadsheetTable => new()
    {
        // id, construct, range low, range high, better, adult cutoff, child cutoff, reliable change
        { "alliance-check", Construct.Alliance, 0, 40, BetterDirection.Higher, 36, null, 5 },
        { "child-alliance-check", Construct.Alliance, 0, 40, BetterDirection.Higher, 36, null, 5 },
        { "wellbeing-check", Construct.Outcome, 0, 40, BetterDirection.Higher, 25, 32, 5 },
        { "child-wellbeing-check", Construct.Outcome, 0, 40, BetterDirection.Higher, 25, 32, 5 },
        { "phq-9", Construct.Outcome, 0, 27, BetterDirection.Lower, 10, null, 6 },
        { "gad-7", Construct.Outcome, 0, 21, BetterDirection.Lower, 8, null, 4 },
        { "family-alliance", Construct.FamilyAlliance, 8, 40, BetterDirection.Higher, null, null, null },
        { "self-efficacy-check", Construct.SelfEfficacy, 4, 40, BetterDirection.Higher, null, null, null },
        { "therapist-empathy-observation", Construct.TherapistBehaviour, 9, 45, BetterDirection.Higher, null, null, null },
        { "observer-family-alliance", Construct.FamilyAlliance, -3, 3, BetterDirection.Higher, null, null, null },
    };

    [Fact]
    public void TheCatalogHoldsExactlyTheTenBuiltIns()
    {
        var ids = InstrumentCatalog.CreateWithBuiltIns().All.Select(i => i.Id).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["alliance-check", "child-alliance-check", "child-wellbeing-check", "family-alliance", "gad-7",
             "observer-family-alliance", "phq-9", "self-efficacy-check", "therapist-empathy-observation", "wellbeing-check"],
            ids);
        Assert.All(InstrumentCatalog.BuiltIns, i => Assert.Equal(InstrumentOrigin.BuiltIn, i.Origin));
    }

    [Theory]
    [MemberData(nameof(SpreadsheetTable))]
    public void NumbersMatchTheSpreadsheetFormatTable(
        string id, Construct construct, decimal low, decimal high, BetterDirection better, decimal? cutoff, decimal? childCutoff, decimal? reliableChange)
    {
        var instrument = TestSupport.BuiltIn(id);

        Assert.Equal(construct, instrument.Construct);
        Assert.Equal(low, instrument.ScoreMin);
        Assert.Equal(high, instrument.ScoreMax);
        Assert.Equal(better, instrument.BetterDirection);
        Assert.Equal(cutoff, instrument.ClinicalCutoff);
        Assert.Equal(childCutoff, instrument.ChildClinicalCutoff);
        Assert.Equal(reliableChange, instrument.ReliableChange);
        Assert.Equal($"https://alliance.example/fhir/Questionnaire/{id}", instrument.Url);
    }

    [Theory]
    [InlineData("alliance-check", 4, 0, 10)]
    [InlineData("child-alliance-check", 4, 0, 10)]
    [InlineData("wellbeing-check", 4, 0, 10)]
    [InlineData("child-wellbeing-check", 4, 0, 10)]
    [InlineData("phq-9", 9, 0, 3)]
    [InlineData("gad-7", 7, 0, 3)]
    [InlineData("family-alliance", 8, 1, 5)]
    [InlineData("self-efficacy-check", 4, 1, 10)]
    [InlineData("therapist-empathy-observation", 9, 1, 5)]
    [InlineData("observer-family-alliance", 4, -3, 3)]
    public void ScoredItemsHaveTheStatedCountAndScale(string id, int count, int min, int max)
    {
        var scored = TestSupport.BuiltIn(id).ScoredItems.ToList();

        Assert.Equal(count, scored.Count);
        Assert.All(scored, item => Assert.Equal((decimal)min, item.Min));
        Assert.All(scored, item => Assert.Equal((decimal)max, item.Max));
    }

    [Theory]
    [InlineData("child-alliance-check", "alliance-check")]
    [InlineData("child-wellbeing-check", "wellbeing-check")]
    public void ChildVersionsAreForAgesSixToTwelveJoinTheAdultSeriesAndShowFaces(string childId, string adultId)
    {
        var child = TestSupport.BuiltIn(childId);

        Assert.Equal(adultId, child.Series);
        Assert.Equal(adultId, TestSupport.BuiltIn(adultId).Series);
        Assert.Equal(6, child.MinAge);
        Assert.Equal(12, child.MaxAge);
        Assert.All(child.ScoredItems, item =>
        {
            Assert.Contains(item.Anchors, a => a.Value == 0 && a.Label.Contains("sad face", StringComparison.Ordinal));
            Assert.Contains(item.Anchors, a => a.Value == 10 && a.Label.Contains("happy face", StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData("alliance-check")]
    [InlineData("child-alliance-check")]
    [InlineData("wellbeing-check")]
    [InlineData("child-wellbeing-check")]
    [InlineData("family-alliance")]
    [InlineData("self-efficacy-check")]
    [InlineData("therapist-empathy-observation")]
    [InlineData("observer-family-alliance")]
    public void ProjectAuthoredInstrumentsSayTheyAreNotYetValidated(string id) =>
        Assert.Equal("project-authored, not yet validated", TestSupport.BuiltIn(id).ValidationNote);

    [Theory]
    [InlineData("phq-9")]
    [InlineData("gad-7")]
    public void PublicDomainInstrumentsSaySo(string id)
    {
        var instrument = TestSupport.BuiltIn(id);

        Assert.Null(instrument.ValidationNote);
        Assert.StartsWith("Public domain", instrument.Licence, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBuiltInStatesItsSourceLicenceAndMissingItemRule() =>
        Assert.All(InstrumentCatalog.BuiltIns, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Source));
            Assert.False(string.IsNullOrWhiteSpace(i.Licence));
            Assert.False(string.IsNullOrWhiteSpace(i.MissingItems.Note));
        });

    [Theory]
    [InlineData("alliance-check", new[] { Rater.Client })]
    [InlineData("family-alliance", new[] { Rater.Client })]
    [InlineData("therapist-empathy-observation", new[] { Rater.Observer, Rater.Therapist })]
    [InlineData("observer-family-alliance", new[] { Rater.Observer, Rater.Therapist })]
    public void RatersAreThoseOfTheIssue(string id, Rater[] raters) =>
        Assert.Equal(raters, TestSupport.BuiltIn(id).Raters);

    [Fact]
    public void FamilyAllianceHasFourDimensionsOfTwoItems()
    {
        var instrument = TestSupport.BuiltIn("family-alliance");

        Assert.Equal(["engagement", "connection", "safety", "shared-purpose"], instrument.Subscales.Select(s => s.Code));
        Assert.All(instrument.Subscales, s => Assert.Equal(2, s.ItemLinkIds.Count));
    }

    [Fact]
    public void ObserverFamilyAllianceRatesEachMemberAndSharedPurposeOnceForTheFamily()
    {
        var instrument = TestSupport.BuiltIn("observer-family-alliance");

        Assert.NotNull(instrument.MemberGroup);
        Assert.Equal(["engagement", "connection", "safety"], instrument.ScoredItems.Where(i => i.PerMember).Select(i => i.LinkId));
        Assert.False(instrument.FindItem("shared-purpose")!.PerMember);
        Assert.Equal(TotalMethod.MeanOfSubscales, instrument.TotalMethod);
    }

    [Fact]
    public void EmpathyObservationAnchorsEveryPointOfEveryBehaviour()
    {
        var instrument = TestSupport.BuiltIn("therapist-empathy-observation");

        Assert.Equal(
            ["warmth", "interest", "respect", "eye-contact", "concern", "engaging", "understanding", "tone", "not-interrupting"],
            instrument.ScoredItems.Select(i => i.LinkId));
        Assert.All(instrument.ScoredItems, item =>
        {
            Assert.Equal([1m, 2m, 3m, 4m, 5m], item.Options.Select(o => o.Score!.Value));
            Assert.Equal(5, item.Options.Select(o => o.Display).Distinct().Count());
        });
    }

    [Fact]
    public void OnlyFreeTextMayBeKeptPrivateAndTheAllianceCheckOffersIt()
    {
        Assert.True(TestSupport.BuiltIn("alliance-check").FindItem("comment")!.PrivateAllowed);
        Assert.All(InstrumentCatalog.BuiltIns.SelectMany(i => i.Items).Where(i => i.PrivateAllowed),
            item => Assert.Equal(ItemKind.FreeText, item.Kind));
    }

    [Theory]
    [InlineData(35, Norm.Adult, true)]
    [InlineData(36, Norm.Adult, false)]
    public void AllianceBelowThirtySixIsLow(decimal total, Norm norm, bool clinical) =>
        Assert.Equal(clinical, TestSupport.BuiltIn("alliance-check").IsClinical(total, norm));

    [Theory]
    [InlineData("wellbeing-check", 24, Norm.Adult, true)]
    [InlineData("wellbeing-check", 25, Norm.Adult, false)]
    [InlineData("wellbeing-check", 31, Norm.Child, true)]
    [InlineData("wellbeing-check", 32, Norm.Child, false)]
    [InlineData("child-wellbeing-check", 31, Norm.Child, true)]
    [InlineData("child-wellbeing-check", 30, Norm.Adult, false)]
    [InlineData("phq-9", 9, Norm.Adult, false)]
    [InlineData("phq-9", 10, Norm.Adult, true)]
    [InlineData("gad-7", 7, Norm.Adult, false)]
    [InlineData("gad-7", 8, Norm.Adult, true)]
    public void ClinicalSideFollowsTheCutoffAndDirection(string id, decimal total, Norm norm, bool clinical) =>
        Assert.Equal(clinical, TestSupport.BuiltIn(id).IsClinical(total, norm));

    [Fact]
    public void InstrumentsWithoutCutoffHaveNoClinicalSide() =>
        Assert.Null(TestSupport.BuiltIn("family-alliance").IsClinical(20, Norm.Adult));
}
