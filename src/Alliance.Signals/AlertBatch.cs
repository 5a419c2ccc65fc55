using System.Collections;
using Alliance.Signals.Engine;

namespace Alliance.Signals;

/// <summary>
/// The alerts of a batch evaluation, in the format's output order (case, session, kind, member,
/// instrument, evidence). Alerts are held compactly and turned into <see cref="Alert"/>s, with their
/// sentences, only when read.
/// </summary>
public sealed class AlertBatch : IReadOnlyList<Alert>
{
    private readonly AlertRecord[] _alerts;
    private readonly int[] _evidence;
    private readonly CompiledRules _rules;
    private readonly IAlertSource _source;

    internal AlertBatch(Caseload caseload, CompiledRules rules, AlertSink sink, IAlertSource source)
    {
        Caseload = caseload;
        _rules = rules;
        _alerts = sink.Alerts;
        _evidence = sink.Evidence;
        Count = sink.AlertCount;
        _source = source;
    }

    /// <summary>The caseload that was evaluated.</summary>
    public Caseload Caseload { get; }

    /// <summary>How many alerts fired.</summary>
    public int Count { get; }

    /// <summary>The alert at a position in output order.</summary>
    /// <param name="index">The position.</param>
    public Alert this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return AlertFactory.Create(_alerts[index], _evidence, _source, _rules);
        }
    }

    /// <summary>The kind of the alert at a position, without building the alert.</summary>
    /// <param name="index">The position.</param>
    public AlertKind KindAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _alerts[index].Kind;
    }

    /// <summary>How many alerts of each kind fired.</summary>
    public IReadOnlyDictionary<AlertKind, int> CountByKind()
    {
        var counts = new Dictionary<AlertKind, int>();
        for (var i = 0; i < Count; i++)
        {
            counts[_alerts[i].Kind] = counts.GetValueOrDefault(_alerts[i].Kind) + 1;
        }

        return counts;
    }

    /// <inheritdoc />
    public IEnumerator<Alert> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
