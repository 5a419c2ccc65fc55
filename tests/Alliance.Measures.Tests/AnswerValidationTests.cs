using static Alliance.Measures.Tests.TestSupport;

namespace Alliance.Measures.Tests;

/// <summary>Answers are checked against the Questionnaire's items, each error naming its field.</summary>
[Trait("Capability", "Measures")]
public sealed class AnswerValidationTests
{
    private static readonly Instrument AllianceCheck = BuiltIn("alliance-check");

    private static List<ItemAnswer> CompleteAllianceCheck() =>
        [Scale("heard", 9), Scale("goals", 8), Scale("approach", 7), Scale("overall", 10)];

    private static List<string> Errors(Instrument instrument, IEnumerable<ItemAnswer> answers, AnswerEntry entry = AnswerEntry.Online) =>
        [.. AnswerValidator.Validate(instrument, answers, entry).Select(e => e.ToString())];

    [Fact]
    public void CompleteAnswersHaveNoError() =>
        Assert.Empty(Errors(AllianceCheck, CompleteAllianceCheck()));

    [Fact]
    public void EveryErrorIsReportedNamedByItsField()
    {
        var answers = new List<ItemAnswer>
        {
            Scale("heard", 11),                                            // out of range
            new("goals", AnswerValue.Option("yes")),                       // wrong type
            Scale("approach", 7),
            Scale("approach", 8),                                          // twice
            Scale("mood", 5),                                              // unknown item
            Scale("intro", 3),                                             // display text
            // overall missing: required
        };

        Assert.Equal(
            [
                "heard: 11 is outside the scale 0 to 10",
                "goals: expects a whole number from 0 to 10, not a code",
                "approach: is answered more than once",
                "mood: is not an item of alliance-check",
                "intro: is text to read and takes no answer",
                "overall: is required",
            ],
            Errors(AllianceCheck, answers));
    }

    [Fact]
    public void TranscribedAnswersMayLeaveItemsOutForTheMissingItemRule()
    {
        var answers = CompleteAllianceCheck().Where(a => a.LinkId != "overall");

        Assert.Equal(["overall: is required"], Errors(AllianceCheck, answers, AnswerEntry.Online));
        Assert.Empty(Errors(AllianceCheck, answers, AnswerEntry.Transcribed));
    }

    [Fact]
    public void OnlyFreeTextThatAllowsItCanBeKeptPrivate()
    {
        var answers = CompleteAllianceCheck();
        answers[0] = answers[0] with { IsPrivate = true };
        answers.Add(new ItemAnswer("comment", AnswerValue.FreeText("It was hard today.")) { IsPrivate = true });

        Assert.Equal(["heard: cannot be kept private: only free-text items that allow it can"], Errors(AllianceCheck, answers));
    }

    [Fact]
    public void FreeTextMustNotBeEmptyNorTooLong()
    {
        var empty = CompleteAllianceCheck().Append(new ItemAnswer("comment", AnswerValue.FreeText("  ")));
        var tooLong = CompleteAllianceCheck().Append(new ItemAnswer("comment", AnswerValue.FreeText(new string('a', 1001))));

        Assert.Equal(["comment: is empty: leave an unanswered text out"], Errors(AllianceCheck, empty));
        Assert.Equal(["comment: is 1001 characters long; at most 1000 are accepted"], Errors(AllianceCheck, tooLong));
    }

    [Fact]
    public void ChoiceAnswersMustBeOneOfTheOptions()
    {
        var phq9 = BuiltIn("phq-9");
        var answers = Options(phq9, "phq9-", 0, 0, 0, 0, 0, 0, 0, 0, 0);
        answers[2] = new ItemAnswer("phq9-3", AnswerValue.Option("LA0000-0"));

        Assert.Equal(
            ["phq9-3: \"LA0000-0\" is not one of the options (LA6568-5, LA6569-3, LA6570-1, LA6571-9)"],
            Errors(phq9, answers));
    }

    [Fact]
    public void YesNoItemsTakeYesOrNo()
    {
        var empathy = BuiltIn("therapist-empathy-observation");

        Assert.Equal(
            ["face-visible: expects yes or no, not a number"],
            Errors(empathy, [new ItemAnswer("face-visible", AnswerValue.Scale(1))], AnswerEntry.Transcribed));
    }

    [Fact]
    public void PerMemberRatingsNameTheirMember()
    {
        var observer = BuiltIn("observer-family-alliance");
        var answers = new List<ItemAnswer>
        {
            Scale("engagement", 2, "m1"), Scale("connection", 1, "m1"), // m1 safety missing
            Scale("engagement", 4, "m2"),                                // out of range, m2 connection and safety missing
            Scale("engagement", 1),                                      // no member
            Scale("shared-purpose", 1, "m1"),                            // rated once for the family, not per member
            new("member", AnswerValue.FreeText("m1")),                   // the member-id item is not answered directly
        };

        Assert.Equal(
            [
                "engagement[m2]: 4 is outside the scale -3 to 3",
                "engagement: is rated for each member: the answer needs the member's id",
                "shared-purpose[m1]: is not rated per member: the answer must not name a member",
                "member: names the rated member; give it as the memberId of each rating instead",
                "safety[m1]: is required",
                "connection[m2]: is required",
                "safety[m2]: is required",
                "shared-purpose: is required",
            ],
            Errors(observer, answers));
    }

    [Fact]
    public void AnObserverRatingNeedsAtLeastOneMemberOnline() =>
        Assert.Equal(
            ["member-rating: rate at least one member"],
            Errors(BuiltIn("observer-family-alliance"), [Scale("shared-purpose", 1)]));
}
