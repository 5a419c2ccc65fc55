using System.Runtime.CompilerServices;

namespace Alliance.Signals.Engine;

/// <summary>
/// Reliable change (Jacobson and Truax, 1991): a difference from the first rating of at least the
/// instrument's reliable-change value, in the better (improvement) or worse (deterioration) direction.
/// </summary>
internal static class ReliableChangeRule
{
    public static bool IsReliableImprovement(int improvement, in CompiledInstrument instrument) => improvement >= instrument.ReliableChange;

    public static bool IsDeterioration(int improvement, in CompiledInstrument instrument) => -improvement >= instrument.ReliableChange;
}

/// <summary>Recovery: a reliable improvement from a first rating on the clinical side to a rating that is not.</summary>
internal static class RecoveryRule
{
    public static bool Fires(int improvement, bool firstClinical, bool currentClinical, in CompiledInstrument instrument) =>
        firstClinical && !currentClinical && ReliableChangeRule.IsReliableImprovement(improvement, instrument);
}

/// <summary>
/// Not on track. Without a model, the early-change rule: from the nth rating on, a member who started on
/// the clinical side has improved by less than a fraction (half) of the reliable-change value. With an
/// expected-trajectory model: this rating is on the worse side of the model's lower band.
/// </summary>
internal static class NotOnTrackRule
{
    public static bool EarlyChangeFires(int improvement, bool firstClinical, in CompiledInstrument instrument) =>
        firstClinical && improvement < instrument.NotOnTrackLimit;

    public static bool BelowBand(int sign, int score, int lowerBand) => sign * (score - lowerBand) < 0;
}

/// <summary>
/// Termination due: at or after recovery, the member's last n ratings in the series are all on the
/// non-clinical side and their highest minus lowest is less than the reliable-change value.
/// </summary>
internal static class TerminationDueRule
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Fires(ReadOnlySpan<SeriesPoint> lastRatings, CompiledInstrument[] instruments, in CompiledInstrument current)
    {
        int lowest = int.MaxValue, highest = int.MinValue;
        foreach (ref readonly var rating in lastRatings)
        {
            if (instruments[rating.Instrument].IsClinical(rating.Score, rating.Child))
            {
                return false;
            }

            lowest = Math.Min(lowest, rating.Score);
            highest = Math.Max(highest, rating.Score);
        }

        return highest - lowest < current.ReliableChange;
    }
}

/// <summary>Reliable improvement, deterioration, recovery, not on track and termination due over one outcome series.</summary>
internal static class OutcomeSeries
{
    /// <summary>
    /// Runs the rules over the whole series, emitting the alerts of ratings with index in
    /// [<paramref name="emitFrom"/>, <paramref name="emitTo"/>) (see <see cref="AllianceSeries.Evaluate"/>).
    /// </summary>
    /// <returns>The index of the rating at which termination became due, or -1.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Evaluate(
        ReadOnlySpan<SeriesPoint> series, int emitFrom, int emitTo, CompiledRules rules, AlertSink sink, int memberIndex)
    {
        var instruments = rules.Instruments;
        ref readonly var first = ref series[0];
        ref readonly var firstInstrument = ref instruments[first.Instrument];
        var sign = firstInstrument.Sign;
        var firstClinical = firstInstrument.IsClinical(first.Score, first.Child);
        var notOnTrackFrom = rules.Rules.NotOnTrackFromRating;
        var terminationRatings = rules.Rules.TerminationRatings;
        var trajectory = rules.Trajectory;

        bool improved = false, deteriorated = false, recovered = false, notOnTrack = false, terminationDue = false;
        var terminationIndex = -1;

        for (var i = 1; i < series.Length; i++)
        {
            ref readonly var rating = ref series[i];
            ref readonly var instrument = ref instruments[rating.Instrument];
            if (!instrument.HasReliableChange)
            {
                continue;
            }

            var emit = i >= emitFrom && i < emitTo;
            var improvement = sign * (rating.Score - first.Score);

            if (!improved && ReliableChangeRule.IsReliableImprovement(improvement, instrument))
            {
                improved = true;
                EmitChange(AlertKind.ReliableImprovement, emit, series, i, instrument.ReliableChange, sink, memberIndex);
            }

            if (!deteriorated && ReliableChangeRule.IsDeterioration(improvement, instrument))
            {
                deteriorated = true;
                EmitChange(AlertKind.Deterioration, emit, series, i, instrument.ReliableChange, sink, memberIndex);
            }

            if (!recovered && RecoveryRule.Fires(improvement, firstClinical, instrument.IsClinical(rating.Score, rating.Child), instrument))
            {
                recovered = true;
                EmitChange(AlertKind.Recovery, emit, series, i, instrument.ReliableChange, sink, memberIndex);
            }

            if (!notOnTrack && i + 1 >= notOnTrackFrom)
            {
                bool fires;
                int threshold;
                byte flags = 0;
                if (trajectory is not null
                    && trajectory.TryGetLowerBand(
                        new TrajectoryQuery(
                            rules.Catalogue[instrument.Series].Id, Score.FromTenths(first.Score), first.Child,
                            i + 1, rating.SessionNumber, rating.Child),
                        out var band))
                {
                    fires = NotOnTrackRule.BelowBand(sign, rating.Score, band.Tenths);
                    threshold = band.Tenths;
                    flags = 1;
                }
                else
                {
                    fires = NotOnTrackRule.EarlyChangeFires(improvement, firstClinical, instrument);
                    threshold = instrument.ReliableChange;
                }

                if (fires)
                {
                    notOnTrack = true;
                    if (emit)
                    {
                        var e = sink.EvidenceCount;
                        sink.Add(first.Source);
                        sink.Add(rating.Source);
                        sink.Emit(AlertKind.NotOnTrack, memberIndex, rating.SessionNumber, rating.Instrument, threshold, e, detail: i + 1, flags: flags);
                    }
                }
            }

            if (recovered && !terminationDue && i + 1 >= terminationRatings
                && TerminationDueRule.Fires(series.Slice(i + 1 - terminationRatings, terminationRatings), instruments, instrument))
            {
                terminationDue = true;
                terminationIndex = i;
                if (emit)
                {
                    var e = sink.EvidenceCount;
                    for (var j = i + 1 - terminationRatings; j <= i; j++)
                    {
                        sink.Add(series[j].Source);
                    }

                    sink.Emit(AlertKind.TerminationDue, memberIndex, rating.SessionNumber, rating.Instrument, instrument.ReliableChange, e);
                }
            }
        }

        return terminationIndex;
    }

    private static void EmitChange(AlertKind kind, bool emit, ReadOnlySpan<SeriesPoint> series, int i, int threshold, AlertSink sink, int memberIndex)
    {
        if (!emit)
        {
            return;
        }

        var e = sink.EvidenceCount;
        sink.Add(series[0].Source);
        sink.Add(series[i].Source);
        sink.Emit(kind, memberIndex, series[i].SessionNumber, series[i].Instrument, threshold, e);
    }
}
