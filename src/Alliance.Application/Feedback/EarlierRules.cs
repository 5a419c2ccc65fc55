using System.Text.Json;
using Alliance.Signals;
using DomainAlert = Alliance.Domain.Alert;

namespace Alliance.Application.Feedback;

/// <summary>
/// A change of the agency's numbers (or a refit of its expected trajectories) applies from then on: an alert raised
/// before it is not withdrawn merely because the new numbers would not raise it. It is still withdrawn when the ratings
/// it rests on changed (a score corrected or withdrawn), as any alert is.
/// </summary>
internal static class EarlierRules
{
    /// <summary>
    /// True when a stored alert that the current evaluation no longer raises keeps its status: it was raised before the
    /// rules changed (for not on track, also before the current trajectory fit), and every rating in its evidence still
    /// stands. Evidence without a score (sessions, contacts) cannot be checked and is taken as standing.
    /// </summary>
    /// <param name="alert">The stored alert.</param>
    /// <param name="rulesChangedAt">When the agency last changed its numbers, or null.</param>
    /// <param name="modelFittedAt">When the expected trajectories in use were fitted, or null when none is in use.</param>
    /// <param name="memberByLabel">Members by the labels the evidence names them with.</param>
    /// <param name="standing">The current client ratings: member, session number and score in tenths.</param>
    public static bool Keeps(DomainAlert alert, DateTime? rulesChangedAt, DateTime? modelFittedAt,
        IReadOnlyDictionary<string, Guid> memberByLabel, IReadOnlySet<(Guid Member, int Session, int Tenths)> standing)
    {
        var underEarlierRules = rulesChangedAt is { } changed && alert.CreatedAt < changed;
        var underEarlierFit = modelFittedAt is { } fitted && alert.CreatedAt < fitted
            && string.Equals(alert.Kind, AlertKinds.Code(AlertKind.NotOnTrack), StringComparison.Ordinal);
        if (!underEarlierRules && !underEarlierFit)
            return false;

        using var evidence = JsonDocument.Parse(alert.EvidenceJson);
        if (evidence.RootElement.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var item in evidence.RootElement.EnumerateArray())
        {
            if (!item.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number
                || !item.TryGetProperty("sessionNumber", out var session) || session.ValueKind != JsonValueKind.Number)
                continue;
            Guid? member = item.TryGetProperty("member", out var label) && label.ValueKind == JsonValueKind.String
                && memberByLabel.TryGetValue(label.GetString()!, out var id) ? id : alert.MemberId;
            if (member is not { } m || !standing.Contains((m, session.GetInt32(), (int)(score.GetDecimal() * 10m))))
                return false;
        }
        return true;
    }
}
