namespace Alliance.Signals.Engine;

/// <summary>
/// The output order of the format: session number, kind, member id, instrument id (nulls first, words
/// ordinal), then the evidence's first session number, then its contact time, then emission order.
/// Members of a case are laid out in ordinal id order, so their index order is their id order.
/// </summary>
internal static class AlertOrder
{
    public static void Sort(AlertSink sink, int start, ContactRecord[] contacts, CompiledRules rules)
    {
        var count = sink.AlertCount - start;
        if (count < 2)
        {
            return;
        }

        var alerts = sink.Alerts.AsSpan(start, count);
        var comparer = new Comparer(sink.Evidence, contacts, rules.Instruments);
        for (var i = 1; i < alerts.Length; i++)
        {
            if (comparer.Compare(alerts[i - 1], alerts[i]) > 0)
            {
                alerts.Sort(comparer);
                return;
            }
        }
    }

    private readonly struct Comparer(EvidenceRecord[] evidence, ContactRecord[] contacts, CompiledInstrument[] instruments)
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

        private int FirstSession(in AlertRecord alert) => alert.EvidenceCount == 0 ? -1 : evidence[alert.EvidenceStart].SessionNumber;

        private long FirstTime(in AlertRecord alert)
        {
            if (alert.EvidenceCount == 0)
            {
                return -1;
            }

            var contact = evidence[alert.EvidenceStart].ContactIndex;
            return contact >= 0 ? contacts[contact].DateTime.Ticks : -1;
        }
    }
}
