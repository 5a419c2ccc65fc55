using System.Runtime.CompilerServices;

namespace Alliance.Signals.Engine;

/// <summary>
/// The output order of the format: session number, kind, member id, instrument id (nulls first, words
/// ordinal), then the evidence's first session number, then its contact time, then emission order.
/// Members of a case are laid out in ordinal id order, so their index order is their id order.
/// </summary>
internal static class AlertOrder
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sort(AlertSink sink, int start, IAlertSource source, CompiledRules rules)
    {
        var count = sink.AlertCount - start;
        if (count < 2)
        {
            return;
        }

        var alerts = sink.Alerts.AsSpan(start, count);
        var comparer = new Comparer(sink.Evidence, source, rules.Instruments);
        for (var i = 1; i < alerts.Length; i++)
        {
            if (comparer.Compare(alerts[i - 1], alerts[i]) > 0)
            {
                alerts.Sort(comparer);
                return;
            }
        }
    }

    private readonly struct Comparer(int[] evidence, IAlertSource source, CompiledInstrument[] instruments)
        : IComparer<AlertRecord>
    {
        public int Compare(AlertRecord x, AlertRecord y)
        {
            var c = x.SessionNumber.CompareTo(y.SessionNumber);
            if (c != 0)
            {
                return c;
            }

            c = AlertKinds.OrdinalRank(x.Kind).CompareTo(AlertKinds.OrdinalRank(y.Kind));
            if (c != 0)
            {
                return c;
            }

            c = x.MemberIndex.CompareTo(y.MemberIndex);
            if (c != 0)
            {
                return c;
            }

            c = Rank(x.Instrument).CompareTo(Rank(y.Instrument));
            if (c != 0)
            {
                return c;
            }

            c = FirstSession(x).CompareTo(FirstSession(y));
            if (c != 0)
            {
                return c;
            }

            c = FirstTime(x).CompareTo(FirstTime(y));
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }

        private int Rank(int instrument) => instrument < 0 ? -1 : instruments[instrument].OrdinalRank;

        /// <summary>The session number of the first evidence, or -1 (a contact, or no evidence).</summary>
        private int FirstSession(in AlertRecord alert)
        {
            if (alert.EvidenceCount == 0)
            {
                return -1;
            }

            var reference = evidence[alert.EvidenceStart];
            return alert.Kind switch
            {
                AlertKind.PersonalContact or AlertKind.OutOfHoursContact => -1,
                AlertKind.SessionOverrun or AlertKind.TreatmentProlonged or AlertKind.FeedbackGap => source.Session(reference).Number,
                _ => source.Rating(reference).SessionNumber,
            };
        }

        private long FirstTime(in AlertRecord alert) =>
            alert.EvidenceCount > 0 && alert.Kind is AlertKind.PersonalContact or AlertKind.OutOfHoursContact
                ? source.Contact(evidence[alert.EvidenceStart]).DateTime.Ticks
                : -1;
    }
}
