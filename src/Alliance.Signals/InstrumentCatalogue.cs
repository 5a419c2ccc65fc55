using System.Collections;

namespace Alliance.Signals;

/// <summary>
/// The instruments an agency knows, looked up by id without regard to case. The built-in ones are in
/// <see cref="Default"/>; an agency adds its own with <see cref="With(Instrument)"/>.
/// </summary>
/// <remarks>
/// Each instrument has a fixed index in the catalogue: score records carry that index instead of the
/// id, so the rules never compare strings.
/// </remarks>
public sealed class InstrumentCatalogue : IReadOnlyList<Instrument>
{
    private readonly Instrument[] _instruments;
    private readonly Dictionary<string, int> _byId;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int[] _series;
    private readonly int[] _ordinalRank;

    /// <summary>Creates a catalogue, checking that ids are unique and that every series names an instrument of the catalogue.</summary>
    /// <param name="instruments">The instruments, in the order that gives them their index.</param>
    /// <exception cref="ArgumentException">Two ids collide, a range is inverted or a series is inconsistent.</exception>
    public InstrumentCatalogue(IEnumerable<Instrument> instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        _instruments = [.. instruments];
        _byId = new Dictionary<string, int>(_instruments.Length, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _instruments.Length; i++)
        {
            var instrument = _instruments[i] ?? throw new ArgumentException("An instrument is null.", nameof(instruments));
            if (string.IsNullOrWhiteSpace(instrument.Id))
            {
                throw new ArgumentException("An instrument has no id.", nameof(instruments));
            }

            if (instrument.Low > instrument.High)
            {
                throw new ArgumentException($"Instrument {instrument.Id} has its low end above its high end.", nameof(instruments));
            }

            if (!_byId.TryAdd(instrument.Id, i))
            {
                throw new ArgumentException($"Instrument id {instrument.Id} appears twice.", nameof(instruments));
            }
        }

        _bySpan = _byId.GetAlternateLookup<ReadOnlySpan<char>>();
        _series = new int[_instruments.Length];
        for (var i = 0; i < _instruments.Length; i++)
        {
            var instrument = _instruments[i];
            if (!_byId.TryGetValue(instrument.Series, out var head))
            {
                throw new ArgumentException($"Instrument {instrument.Id} joins series {instrument.Series}, which is not in the catalogue.", nameof(instruments));
            }

            var headInstrument = _instruments[head];
            if (!string.Equals(headInstrument.Series, headInstrument.Id, StringComparison.OrdinalIgnoreCase)
                || headInstrument.Role != instrument.Role
                || headInstrument.Better != instrument.Better)
            {
                throw new ArgumentException($"Instrument {instrument.Id} joins series {instrument.Series}, which must be its own series with the same role and direction.", nameof(instruments));
            }

            _series[i] = head;
        }

        var order = Enumerable.Range(0, _instruments.Length).ToArray();
        Array.Sort(order, (a, b) => string.CompareOrdinal(_instruments[a].Id, _instruments[b].Id));
        _ordinalRank = new int[_instruments.Length];
        for (var rank = 0; rank < order.Length; rank++)
        {
            _ordinalRank[order[rank]] = rank;
        }
    }

    /// <summary>
    /// <c>alliance-check</c>: client-rated alliance, 4 items 0-10, total 0-40, higher is better.
    /// Cutoff 36: provisional, borrowed from the Session Rating Scale, whose structure it shares, where a
    /// total below 36 is read as a possible alliance problem (Duncan et al., 2003, Journal of Brief Therapy 3(1)).
    /// Reliable change 5: provisional, the same five points as the wellbeing check, taken from the SRS/ORS
    /// conventions until an agency calibrates its own.
    /// </summary>
    public static Instrument AllianceCheck { get; } = new("alliance-check", Score.FromPoints(0), Score.FromPoints(40), BetterDirection.Higher, InstrumentRole.Alliance)
    {
        Cutoff = Score.FromPoints(36),
        ReliableChange = Score.FromPoints(5),
    };

    /// <summary>
    /// <c>child-alliance-check</c>: the alliance check for ages 6-12 (after the Child Session Rating Scale);
    /// same range and provisional cutoff 36; its ratings join the <c>alliance-check</c> series.
    /// </summary>
    public static Instrument ChildAllianceCheck { get; } = AllianceCheck with { Id = "child-alliance-check", Series = "alliance-check" };

    /// <summary>
    /// <c>wellbeing-check</c>: client-rated outcome, 4 items 0-10, total 0-40, higher is better.
    /// Cutoffs: below 25 for adults, the clinical cutoff of the Outcome Rating Scale (Miller et al., 2003,
    /// Journal of Brief Therapy 2(2)); below 32 for children, the cutoff of the Child Outcome Rating Scale
    /// (Duncan et al., 2006, Journal of Brief Therapy 5(2)). Reliable change 5, the ORS reliable-change
    /// value (Miller et al., 2003, after Jacobson and Truax, 1991). Provisional until an agency calibrates.
    /// </summary>
    public static Instrument WellbeingCheck { get; } = new("wellbeing-check", Score.FromPoints(0), Score.FromPoints(40), BetterDirection.Higher, InstrumentRole.Outcome)
    {
        Cutoff = Score.FromPoints(25),
        ChildCutoff = Score.FromPoints(32),
        ReliableChange = Score.FromPoints(5),
    };

    /// <summary>
    /// <c>child-wellbeing-check</c>: the wellbeing check for ages 6-12; same range and values
    /// (children below 32, adults below 25); its ratings join the <c>wellbeing-check</c> series.
    /// </summary>
    public static Instrument ChildWellbeingCheck { get; } = WellbeingCheck with { Id = "child-wellbeing-check", Series = "wellbeing-check" };

    /// <summary>
    /// <c>phq-9</c>: depression, 0-27, lower is better (Kroenke, Spitzer and Williams, 2001; public domain).
    /// Cutoff 10 (10 or more is on the clinical side) and reliable change 6: the values of the English
    /// IAPT programme (IAPT Manual, National Collaborating Centre for Mental Health).
    /// </summary>
    public static Instrument Phq9 { get; } = new("phq-9", Score.FromPoints(0), Score.FromPoints(27), BetterDirection.Lower, InstrumentRole.Outcome)
    {
        Cutoff = Score.FromPoints(10),
        ReliableChange = Score.FromPoints(6),
    };

    /// <summary>
    /// <c>gad-7</c>: anxiety, 0-21, lower is better (Spitzer et al., 2006; public domain).
    /// Cutoff 8 (8 or more is on the clinical side) and reliable change 4: the values of the English
    /// IAPT programme (IAPT Manual, National Collaborating Centre for Mental Health).
    /// </summary>
    public static Instrument Gad7 { get; } = new("gad-7", Score.FromPoints(0), Score.FromPoints(21), BetterDirection.Lower, InstrumentRole.Outcome)
    {
        Cutoff = Score.FromPoints(8),
        ReliableChange = Score.FromPoints(4),
    };

    /// <summary><c>family-alliance</c>: four family-alliance dimensions, 8 items 1-5, total 8-40, higher is better. Range-checked only.</summary>
    public static Instrument FamilyAlliance { get; } = new("family-alliance", Score.FromPoints(8), Score.FromPoints(40), BetterDirection.Higher, InstrumentRole.Other);

    /// <summary><c>self-efficacy-check</c>: 4 items 1-10, total 4-40, higher is better. Range-checked only.</summary>
    public static Instrument SelfEfficacyCheck { get; } = new("self-efficacy-check", Score.FromPoints(4), Score.FromPoints(40), BetterDirection.Higher, InstrumentRole.Other);

    /// <summary><c>therapist-empathy-observation</c>: 9 items 1-5, total 9-45, higher is better. Range-checked only.</summary>
    public static Instrument TherapistEmpathyObservation { get; } = new("therapist-empathy-observation", Score.FromPoints(9), Score.FromPoints(45), BetterDirection.Higher, InstrumentRole.Other);

    /// <summary><c>observer-family-alliance</c>: the mean of the observer's dimension ratings, -3 to 3, higher is better. Range-checked only.</summary>
    public static Instrument ObserverFamilyAlliance { get; } = new("observer-family-alliance", Score.FromPoints(-3), Score.FromPoints(3), BetterDirection.Higher, InstrumentRole.Other);

    /// <summary>The built-in instruments of the spreadsheet format, version 1, in the order of its table.</summary>
    public static InstrumentCatalogue Default { get; } = new(
    [
        AllianceCheck, ChildAllianceCheck, WellbeingCheck, ChildWellbeingCheck, Phq9, Gad7,
        FamilyAlliance, SelfEfficacyCheck, TherapistEmpathyObservation, ObserverFamilyAlliance,
    ]);

    /// <summary>How many instruments the catalogue holds.</summary>
    public int Count => _instruments.Length;

    /// <summary>The instrument at an index.</summary>
    /// <param name="index">Its index.</param>
    public Instrument this[int index] => _instruments[index];

    /// <summary>Finds an instrument's index by id, without regard to case.</summary>
    /// <param name="id">The id.</param>
    /// <param name="index">Its index.</param>
    /// <returns>Whether the catalogue knows the id.</returns>
    public bool TryGetIndex(ReadOnlySpan<char> id, out int index) => _bySpan.TryGetValue(id, out index);

    /// <summary>The instrument with an id (without regard to case), or null.</summary>
    /// <param name="id">The id.</param>
    public Instrument? Find(string id) => id is not null && _byId.TryGetValue(id, out var index) ? _instruments[index] : null;

    /// <summary>The index of the instrument whose series an instrument's ratings join.</summary>
    /// <param name="index">The instrument's index.</param>
    public int SeriesOf(int index) => _series[index];

    /// <summary>The position of an instrument's id in ordinal order (for the output order).</summary>
    /// <param name="index">The instrument's index.</param>
    public int OrdinalRank(int index) => _ordinalRank[index];

    /// <summary>A catalogue with one instrument added, or replacing the one with the same id (keeping its index).</summary>
    /// <param name="instrument">The instrument.</param>
    public InstrumentCatalogue With(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var list = _instruments.ToList();
        if (_byId.TryGetValue(instrument.Id, out var index))
        {
            list[index] = instrument;
        }
        else
        {
            list.Add(instrument);
        }

        return new InstrumentCatalogue(list);
    }

    /// <inheritdoc />
    public IEnumerator<Instrument> GetEnumerator() => ((IEnumerable<Instrument>)_instruments).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
