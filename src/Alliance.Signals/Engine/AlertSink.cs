namespace Alliance.Signals.Engine;

/// <summary>An alert as the rules emit it: indexes and numbers only, no strings (see <see cref="AlertBatch"/>).</summary>
internal struct AlertRecord
{
    public AlertKind Kind;

    /// <summary>1 when not on track was judged against an expected-trajectory model.</summary>
    public byte Flags;

    public int CaseIndex;

    /// <summary>-1 for a family-level alert.</summary>
    public int MemberIndex;

    /// <summary>-1 for a contact before any held session.</summary>
    public int SessionNumber;

    /// <summary>Catalogue index, or -1.</summary>
    public int Instrument;

    /// <summary>The rule's number behind the alert, in tenths or whole units (cutoff, drop, reliable change...).</summary>
    public int Threshold;

    /// <summary>A second number for the message (the rating's position in its series for not on track).</summary>
    public int Detail;

    public int EvidenceStart;
    public int EvidenceCount;

    /// <summary>The order of emission, the last tie-break of the output order.</summary>
    public int Sequence;
}

/// <summary>
/// Growing arrays of alert records and of their evidence, filled by the rules. Evidence is a reference,
/// read by the alert's kind: a rating (a score index of the caseload), a session (a session index) or a
/// contact (a contact index); 4 bytes instead of a copy of the scores keeps a batch of millions of
/// alerts small.
/// </summary>
internal sealed class AlertSink
{
    private AlertRecord[] _alerts;
    private int[] _evidence;

    public AlertSink(int expectedAlerts)
    {
        _alerts = new AlertRecord[Math.Max(8, expectedAlerts)];
        _evidence = new int[Math.Max(16, expectedAlerts * 3)];
    }

    public int AlertCount { get; private set; }

    public int EvidenceCount { get; private set; }

    public AlertRecord[] Alerts => _alerts;

    public int[] Evidence => _evidence;

    public int CaseIndex { get; set; }

    public void Clear()
    {
        AlertCount = 0;
        EvidenceCount = 0;
    }

    /// <summary>Adds a piece of evidence to the alert being built.</summary>
    public void Add(int reference)
    {
        if (EvidenceCount == _evidence.Length)
        {
            Array.Resize(ref _evidence, _evidence.Length * 2);
        }

        _evidence[EvidenceCount++] = reference;
    }

    /// <summary>Emits an alert whose evidence is everything added since <paramref name="evidenceStart"/>.</summary>
    public void Emit(AlertKind kind, int memberIndex, int sessionNumber, int instrument, int threshold, int evidenceStart, int detail = 0, byte flags = 0)
    {
        if (AlertCount == _alerts.Length)
        {
            Array.Resize(ref _alerts, _alerts.Length * 2);
        }

        _alerts[AlertCount] = new AlertRecord
        {
            Kind = kind,
            Flags = flags,
            CaseIndex = CaseIndex,
            MemberIndex = memberIndex,
            SessionNumber = sessionNumber,
            Instrument = instrument,
            Threshold = threshold,
            Detail = detail,
            EvidenceStart = evidenceStart,
            EvidenceCount = EvidenceCount - evidenceStart,
            Sequence = AlertCount,
        };
        AlertCount++;
    }
}
