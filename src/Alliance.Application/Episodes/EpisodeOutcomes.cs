using Alliance.Domain;
using Alliance.Measures;

namespace Alliance.Application.Episodes;

/// <summary>An episode's outcome read from its members' outcome scores.</summary>
/// <param name="Outcome">The family's outcome.</param>
/// <param name="Members">Each measured member's change.</param>
public sealed record EpisodeResult(EpisodeOutcome Outcome, IReadOnlyList<MemberOutcome> Members);

/// <summary>
/// Reads each member's change from the first to the last score of their outcome questionnaire in the episode, with the
/// questionnaire's reliable change and clinical cutoff (child cutoff for a child), the same rules the feedback engine
/// uses for reliable improvement, deterioration and recovery.
/// </summary>
public static class EpisodeOutcomes
{
    /// <summary>The outcome of the episode from its current responses (withdrawn ones are ignored).</summary>
    public static EpisodeResult Compute(Episode episode, IEnumerable<Response> responses, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(catalog);
        var sessions = episode.Sessions.ToDictionary(s => s.Id);
        var members = episode.Case.Members.ToDictionary(m => m.Id);
        var results = new List<MemberOutcome>();

        var scored = responses
            .Where(r => r.IsCurrent && r.Score is not null && r.Rater is RaterRole.Client or RaterRole.Caregiver && sessions.ContainsKey(r.SessionId))
            .Select(r => (Response: r, Instrument: catalog.Find(r.InstrumentId), Session: sessions[r.SessionId]))
            .Where(x => x.Instrument is { Construct: Construct.Outcome, ReliableChange: not null })
            .ToList();

        foreach (var byMember in scored.GroupBy(x => x.Response.MemberId).Where(g => members.ContainsKey(g.Key)))
        {
            var member = members[byMember.Key];
            // The member's outcome series with the most scores; ties go to the one begun first.
            var series = byMember
                .GroupBy(x => x.Instrument!.Series, StringComparer.Ordinal)
                .Select(g => g.OrderBy(x => x.Session.StartsAt).ThenBy(x => x.Response.RecordedAt).ToList())
                .Where(g => g.Count >= 2)
                .OrderByDescending(g => g.Count).ThenBy(g => g[0].Session.StartsAt)
                .FirstOrDefault();
            if (series is null) continue;

            var (first, last) = (series[0], series[^1]);
            var instrument = last.Instrument!;
            var firstScore = first.Response.Score!.Value;
            var lastScore = last.Response.Score!.Value;
            var improvement = instrument.BetterDirection == BetterDirection.Higher ? lastScore - firstScore : firstScore - lastScore;
            var reliable = instrument.ReliableChange!.Value;
            var firstClinical = first.Instrument!.IsClinical(firstScore, NormAt(member, first.Session)) == true;
            var lastClinical = instrument.IsClinical(lastScore, NormAt(member, last.Session)) == true;
            var change = improvement >= reliable
                ? firstClinical && !lastClinical ? ChangeOutcome.Recovered : ChangeOutcome.ReliablyImproved
                : -improvement >= reliable ? ChangeOutcome.Deteriorated : ChangeOutcome.NoReliableChange;
            results.Add(new MemberOutcome(member.Id, instrument.Id, firstScore, lastScore, series.Count, change));
        }

        return new EpisodeResult(ProcessGuide.FamilyOutcome(results.Select(r => r.Outcome).ToList()), results);
    }

    private static Norm NormAt(Member member, Session session) => member.IsChildIn(session.StartsAt.Year) ? Norm.Child : Norm.Adult;
}
