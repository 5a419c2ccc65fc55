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

/// <summary>One piece of evidence: a rating, a session, or a contact.</summary>
internal struct EvidenceRecord
{
    public int SessionNumber;
    public int Score;
    public int MemberIndex;
    public int Scheduled;
    public int Actual;
    public int ContactIndex;
}

/// <summary>Growing arrays of alert and evidence records, filled by the rules.</summary>
internal sealed class AlertSink
{
    private AlertRecord[] _alerts;
    private EvidenceRecord[] _evidence;

    public AlertSink(int expectedAlerts)
    {
        _alerts = new AlertRecord[Math.Max(8, expectedAlerts)];
        _evidence = new EvidenceRecord[Math.Max(16, expectedAlerts * 2)];
    }

    public int AlertCount { get; private set; }

    public int EvidenceCount { get; private set; }

    public AlertRecord[] Alerts => _alerts;

    public EvidenceRecord[] Evidence => _evidence;

    public int CaseIndex { get; set; }

    public void Clear()
    {
        AlertCount = 0;
        EvidenceCount = 0;
    }

    public void AddRating(int sessionNumber, int score) =>
        Add(new EvidenceRecord { SessionNumber = sessionNumber, Score = score, MemberIndex = -1, Scheduled = -1, Actual = -1, ContactIndex = -1 });

    public void AddMemberRating(int sessionNumber, int score, int memberIndex) =>
        Add(new EvidenceRecord { SessionNumber = sessionNumber, Score = score, MemberIndex = memberIndex, Scheduled = -1, Actual = -1, ContactIndex = -1 });

    public void AddSession(int sessionNumber) =>
        Add(new EvidenceRecord { SessionNumber = sessionNumber, MemberIndex = -1, Scheduled = -1, Actual = -1, ContactIndex = -1 });

    public void AddSessionTimes(int sessionNumber, int scheduled, int actual) =>
        Add(new EvidenceRecord { SessionNumber = sessionNumber, MemberIndex = -1, Scheduled = scheduled, Actual = actual, ContactIndex = -1 });

    public void AddContact(int contactIndex) =>
        Add(new EvidenceRecord { SessionNumber = -1, MemberIndex = -1, Scheduled = -1, Actual = -1, ContactIndex = contactIndex });

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

    private void Add(in EvidenceRecord record)
    {
        if (EvidenceCount == _evidence.Length)
        {
            Array.Resize(ref _evidence, _evidence.Length * 2);
        }

        _evidence[EvidenceCount++] = record;
    }
}
