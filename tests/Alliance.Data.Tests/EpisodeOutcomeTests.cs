using Alliance.Application.Episodes;
using Alliance.Domain;
using Alliance.Measures;

namespace Alliance.Data.Tests;

/// <summary>
/// The outcome recorded at closing, read from each member's first and last outcome score. Hand-worked with the
/// well-being check (higher is better, reliable change 5, clinical below 25 for adults and below 32 for children)
/// and PHQ-9 (lower is better, reliable change 6, clinical at 10 and above).
/// </summary>
[Trait("Capability", "Process")]
public sealed class EpisodeOutcomeTests
{
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();
    private static readonly DateTime Start = new(2026, 1, 5, 10, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Therapist = Guid.NewGuid();

    private static (Case Case, List<Response> Responses) Family(params (string Name, int BirthYear, string Instrument, decimal[] Scores)[] members)
    {
        var c = Case.Open(Guid.NewGuid(), "Outcome family", Therapist, null, Therapist, Start.AddDays(-7));
        var people = members.Select(m => c.AddMember(m.Name, m.BirthYear < 2013 ? FamilyRole.Parent : FamilyRole.Child, m.BirthYear, Start)).ToList();
        var sessions = Enumerable.Range(0, members.Max(m => m.Scores.Length))
            .Select(i =>
            {
                var s = c.CurrentEpisode.ScheduleSession(Start.AddDays(7 * i), 60, Therapist, Start.AddDays(-7));
                s.RecordHeld(Start.AddDays(7 * i), Start.AddDays(7 * i).AddMinutes(50), people.Select(p => p.Id).ToList(), Modality.InPerson, null, Start.AddDays(7 * i).AddHours(1));
                return s;
            }).ToList();
        var responses = members.SelectMany((m, k) => m.Scores.Select((score, i) =>
            new Response(sessions[i], people[k].Id, m.Instrument, RaterRole.Client, null, score, null, false, "{}", ResponseSource.Paper, Start.AddDays(7 * i)))).ToList();
        return (c, responses);
    }

    [Theory]
    [InlineData(18, 27, ChangeOutcome.Recovered)]          // +9 ≥ 5, from 18 (< 25) to 27 (≥ 25)
    [InlineData(20, 25, ChangeOutcome.Recovered)]          // exactly the reliable change, landing exactly on the cutoff
    [InlineData(18, 24, ChangeOutcome.ReliablyImproved)]   // +6 but still below 25
    [InlineData(27, 33, ChangeOutcome.ReliablyImproved)]   // +6 from outside the clinical range: improvement, not recovery
    [InlineData(20, 24.5, ChangeOutcome.NoReliableChange)] // +4.5 < 5
    [InlineData(30, 25, ChangeOutcome.Deteriorated)]       // -5
    public void AnAdultsWellBeingChangeIsReadWithItsReliableChangeAndCutoff(double first, double last, ChangeOutcome expected)
    {
        var (c, responses) = Family(("Ada", 1985, "wellbeing-check", [(decimal)first, 22, (decimal)last]));

        var result = EpisodeOutcomes.Compute(c.CurrentEpisode, responses, Catalog);

        var member = Assert.Single(result.Members);
        Assert.Equal(((decimal)first, (decimal)last, 3, expected), (member.FirstScore, member.LastScore, member.Ratings, member.Outcome));
    }

    [Fact]
    public void AChildIsReadAgainstTheChildCutoff()
    {
        // 24 → 30: +6 is reliable; 30 is outside the adult range (≥ 25) but inside the child range (< 32).
        var (c, responses) = Family(("Ada", 1985, "wellbeing-check", [24, 30]), ("Cleo", 2016, "wellbeing-check", [24, 30]));

        var result = EpisodeOutcomes.Compute(c.CurrentEpisode, responses, Catalog);

        Assert.Equal([ChangeOutcome.Recovered, ChangeOutcome.ReliablyImproved], result.Members.Select(m => m.Outcome));
        Assert.Equal(EpisodeOutcome.ReliablyImproved, result.Outcome);
    }

    [Fact]
    public void LowerIsBetterOnPhqNine()
    {
        // 16 → 8: 8 points better (≥ 6), from 16 (≥ 10, clinical) to 8 (below 10): recovered. 6 → 13: 7 worse: deteriorated.
        var (c, responses) = Family(("Ada", 1985, "phq-9", [16, 12, 8]), ("Ben", 1983, "phq-9", [6, 13]));

        var result = EpisodeOutcomes.Compute(c.CurrentEpisode, responses, Catalog);

        Assert.Equal([ChangeOutcome.Recovered, ChangeOutcome.Deteriorated], result.Members.Select(m => m.Outcome));
        Assert.Equal(EpisodeOutcome.Deteriorated, result.Outcome);
    }

    [Fact]
    public void OneScoreAloneWithdrawnScoresAndAllianceScoresDoNotCount()
    {
        var (c, responses) = Family(("Ada", 1985, "wellbeing-check", [18]), ("Ben", 1983, "alliance-check", [30, 20]), ("Dee", 1990, "wellbeing-check", [15, 30]));
        responses.Single(r => r.Score == 30 && r.InstrumentId == "wellbeing-check").Withdraw("Entered for the wrong person", Start);

        var result = EpisodeOutcomes.Compute(c.CurrentEpisode, responses, Catalog);

        Assert.Empty(result.Members);
        Assert.Equal(EpisodeOutcome.NotMeasured, result.Outcome);
    }
}
