using System.Runtime.CompilerServices;

namespace Alliance.Signals.Engine;

/// <summary>One client rating in a member's series, as the series rules read it.</summary>
internal struct SeriesPoint
{
    /// <summary>What evidence refers to: the score's index in the caseload (or in the incremental history).</summary>
    public int Source;
    public int SessionNumber;
    public int Score;
    public int Instrument;
    public bool Child;
}

/// <summary>Low alliance: an alliance rating below the instrument's cutoff.</summary>
internal static class LowAllianceRule
{
    public static bool Fires(in CompiledInstrument instrument, in SeriesPoint rating) =>
        instrument.IsClinical(rating.Score, rating.Child);
}

/// <summary>Rupture: an alliance rating the rupture drop or more below the member's previous one.</summary>
internal static class RuptureRule
{
    public static bool Fires(int sign, int previous, int current, int drop) => sign * (previous - current) >= drop;
}

/// <summary>
/// Repair: a later rating that comes back to the score before the rupture less the repair margin
/// (p - 2 or more); each rupture is tracked on its own, so one rating can repair several.
/// </summary>
internal static class RepairRule
{
    public static bool Repairs(int sign, int beforeRupture, int current, int margin) => sign * (current - beforeRupture) >= -margin;
}

/// <summary>Low alliance, rupture, repair and unrepaired rupture over one member's alliance series.</summary>
internal static class AllianceSeries
{
    /// <summary>
    /// Runs the rules over the whole series, emitting the alerts of the ratings whose index is in
    /// [<paramref name="emitFrom"/>, <paramref name="emitTo"/>). Batch evaluation emits all of them;
    /// incremental evaluation runs the same loop and emits only the new rating's alerts, so the two
    /// cannot disagree.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Evaluate(
        ReadOnlySpan<SeriesPoint> series, int emitFrom, int emitTo, CompiledRules rules, AlertSink sink, int memberIndex)
    {
        var instruments = rules.Instruments;
        var sign = instruments[series[0].Instrument].Sign;
        var drop = rules.RuptureDrop;
        var margin = rules.RepairMargin;
        var window = rules.Rules.RepairWindow;

        // Open ruptures (index of the rupture rating), oldest first; a rupture stays open for at most
        // `window` ratings, so there are never more than `window` at once.
        Span<int> open = window <= 64 ? stackalloc int[window] : new int[window];
        var openCount = 0;

        for (var i = 0; i < series.Length; i++)
        {
            ref readonly var rating = ref series[i];
            ref readonly var instrument = ref instruments[rating.Instrument];
            var emit = i >= emitFrom && i < emitTo;

            if (emit && LowAllianceRule.Fires(instrument, rating))
            {
                var e = sink.EvidenceCount;
                sink.Add(rating.Source);
                sink.Emit(AlertKind.LowAlliance, memberIndex, rating.SessionNumber, rating.Instrument, instrument.CutoffFor(rating.Child), e);
            }

            var kept = 0;
            for (var k = 0; k < openCount; k++)
            {
                var rupture = open[k];
                var before = series[rupture - 1].Score;
                AlertKind? outcome = null;
                if (RepairRule.Repairs(sign, before, rating.Score, margin))
                {
                    outcome = AlertKind.Repair;
                }
                else if (i - rupture == window)
                {
                    outcome = AlertKind.UnrepairedRupture;
                }

                if (outcome is { } kind)
                {
                    if (emit)
                    {
                        var e = sink.EvidenceCount;
                        for (var j = rupture - 1; j <= i; j++)
                        {
                            sink.Add(series[j].Source);
                        }

                        sink.Emit(kind, memberIndex, rating.SessionNumber, rating.Instrument, margin, e, detail: window);
                    }
                }
                else
                {
                    open[kept++] = rupture;
                }
            }

            openCount = kept;

            if (i > 0 && RuptureRule.Fires(sign, series[i - 1].Score, rating.Score, drop))
            {
                if (emit)
                {
                    var e = sink.EvidenceCount;
                    sink.Add(series[i - 1].Source);
                    sink.Add(rating.Source);
                    sink.Emit(AlertKind.Rupture, memberIndex, rating.SessionNumber, rating.Instrument, drop, e);
                }

                open[openCount++] = i;
            }
        }
    }
}
