using System.Runtime.CompilerServices;

namespace Alliance.Signals.Engine;

/// <summary>
/// Evaluates every rule for one family at a time, reusing its scratch arrays across families so that
/// a batch allocates nothing per family beyond the alerts themselves.
/// </summary>
internal sealed class CaseEvaluator
{
    private readonly CompiledRules _rules;
    private readonly int[] _allianceSeries;
    private SeriesPoint[] _points = new SeriesPoint[64];
    private int[] _sessionYear = new int[64];
    private bool[] _sessionHasScore = new bool[64];
    private int[] _splitStart = new int[65];
    private int[] _splitFill = new int[65];
    private int[] _sessionLow = new int[64];
    private int[] _sessionHigh = new int[64];
    private SplitEntry[] _entries = new SplitEntry[64];
    private SplitEntry[] _sortedEntries = new SplitEntry[64];
    private int _entryCount;

    private readonly IAlertSource _source;

    public CaseEvaluator(CompiledRules rules, IAlertSource source)
    {
        _rules = rules;
        _source = source;
        var heads = new List<int>();
        for (var i = 0; i < rules.Instruments.Length; i++)
        {
            if (rules.Instruments[i].Role == InstrumentRole.Alliance && rules.Instruments[i].Series == i)
            {
                heads.Add(i);
            }
        }

        _allianceSeries = [.. heads];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(Caseload caseload, int caseIndex, AlertSink sink)
    {
        ref readonly var family = ref caseload.Cases[caseIndex];
        sink.CaseIndex = caseIndex;
        var alertStart = sink.AlertCount;
        var sessions = caseload.Sessions.Slice(family.SessionStart, family.SessionCount);
        PrepareSessions(sessions);
        _entryCount = 0;

        var members = caseload.Members;
        for (var m = family.MemberStart; m < family.MemberStart + family.MemberCount; m++)
        {
            EvaluateMember(caseload, family, m, members[m], sink);
        }

        foreach (var series in _allianceSeries)
        {
            EvaluateSplits(sessions, series, sink);
        }

        for (var s = 0; s < sessions.Length; s++)
        {
            if (FeedbackGapRule.Fires(sessions[s], _sessionHasScore[s]))
            {
                var e = sink.EvidenceCount;
                sink.Add(family.SessionStart + s);
                sink.Emit(AlertKind.FeedbackGap, -1, sessions[s].Number, -1, 0, e);
            }
        }

        SessionOverrunRule.Evaluate(sessions, family.SessionStart, _rules.Rules, sink);
        EvaluateContacts(caseload, family, sessions, sink);
        AlertOrder.Sort(sink, alertStart, _source, _rules);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrepareSessions(ReadOnlySpan<SessionRecord> sessions)
    {
        if (_sessionYear.Length < sessions.Length)
        {
            var size = Math.Max(sessions.Length, _sessionYear.Length * 2);
            _sessionYear = new int[size];
            _sessionHasScore = new bool[size];
            _sessionLow = new int[size];
            _sessionHigh = new int[size];
            _splitStart = new int[size + 1];
            _splitFill = new int[size + 1];
        }

        for (var s = 0; s < sessions.Length; s++)
        {
            _sessionYear[s] = sessions[s].Date.Year;
            _sessionHasScore[s] = false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluateMember(Caseload caseload, in CaseRecord family, int memberIndex, in MemberRecord member, AlertSink sink)
    {
        var scores = caseload.Scores.Slice(member.ScoreStart, member.ScoreCount);
        var instruments = _rules.Instruments;
        var sessions = caseload.Sessions;
        var birthYear = member.BirthYearOrNone;
        var childMaxAge = _rules.Rules.ChildMaxAge;
        if (_points.Length < scores.Length)
        {
            _points = new SeriesPoint[Math.Max(scores.Length, _points.Length * 2)];
        }

        var terminationSession = int.MaxValue;
        var terminationInstrument = -1;
        var terminationSource = -1;
        var i = 0;
        while (i < scores.Length)
        {
            var series = instruments[scores[i].Instrument].Series;
            var role = instruments[series].Role;
            var count = 0;
            var j = i;
            for (; j < scores.Length && instruments[scores[j].Instrument].Series == series; j++)
            {
                ref readonly var score = ref scores[j];
                var local = score.SessionIndex - family.SessionStart;
                _sessionHasScore[local] = true;
                if (role == InstrumentRole.Other || score.Rater != Rater.Client)
                {
                    continue;
                }

                ref var point = ref _points[count++];
                point.Source = member.ScoreStart + j;
                point.SessionNumber = sessions[score.SessionIndex].Number;
                point.Score = score.Score.Tenths;
                point.Instrument = score.Instrument;
                point.Child = birthYear >= 0 && _sessionYear[local] - birthYear <= childMaxAge;
                if (role == InstrumentRole.Alliance)
                {
                    AddSplitEntry(new SplitEntry(local, memberIndex, point.Score, series, point.Source));
                }
            }

            if (count > 0)
            {
                var points = _points.AsSpan(0, count);
                if (role == InstrumentRole.Alliance)
                {
                    AllianceSeries.Evaluate(points, 0, count, _rules, sink, memberIndex);
                }
                else if (role == InstrumentRole.Outcome)
                {
                    var t = OutcomeSeries.Evaluate(points, 0, count, _rules, sink, memberIndex);
                    if (t >= 0)
                    {
                        var p = points[t];
                        if (p.SessionNumber < terminationSession
                            || (p.SessionNumber == terminationSession && instruments[p.Instrument].OrdinalRank < instruments[terminationInstrument].OrdinalRank))
                        {
                            terminationSession = p.SessionNumber;
                            terminationInstrument = p.Instrument;
                            terminationSource = p.Source;
                        }
                    }
                }
            }

            i = j;
        }

        if (terminationInstrument >= 0)
        {
            TreatmentProlongedRule.Evaluate(
                caseload, family, memberIndex, caseload.Scores[terminationSource].SessionIndex, terminationInstrument, _rules.Rules.ProlongedSessions, sink);
        }
    }

    private void AddSplitEntry(in SplitEntry entry)
    {
        if (_entryCount == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[_entryCount++] = entry;
    }

    /// <summary>
    /// Groups the case's alliance ratings by session with a counting sort (entries arrive member by
    /// member, so each session's group stays in member order, the order of the evidence), then checks
    /// each session's highest and lowest rating.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluateSplits(ReadOnlySpan<SessionRecord> sessions, int series, AlertSink sink)
    {
        if (_entryCount < 2)
        {
            return;
        }

        var sessionCount = sessions.Length;
        Array.Clear(_splitStart, 0, sessionCount + 1);
        var entries = 0;
        for (var k = 0; k < _entryCount; k++)
        {
            if (_entries[k].Series == series)
            {
                _splitStart[_entries[k].Session + 1]++;
                entries++;
            }
        }

        if (entries < 2)
        {
            return;
        }

        for (var s = 0; s < sessionCount; s++)
        {
            _splitStart[s + 1] += _splitStart[s];
        }

        if (_sortedEntries.Length < entries)
        {
            _sortedEntries = new SplitEntry[Math.Max(entries, _sortedEntries.Length * 2)];
        }

        Array.Copy(_splitStart, _splitFill, sessionCount + 1);
        for (var k = 0; k < _entryCount; k++)
        {
            if (_entries[k].Series == series)
            {
                _sortedEntries[_splitFill[_entries[k].Session]++] = _entries[k];
            }
        }

        var difference = _rules.SplitDifference;
        for (var s = 0; s < sessionCount; s++)
        {
            int start = _splitStart[s], end = _splitStart[s + 1];
            if (end - start < 2)
            {
                continue;
            }

            int low = int.MaxValue, high = int.MinValue;
            for (var k = start; k < end; k++)
            {
                low = Math.Min(low, _sortedEntries[k].Score);
                high = Math.Max(high, _sortedEntries[k].Score);
            }

            if (SplitAllianceRule.Fires(low, high, difference))
            {
                var e = sink.EvidenceCount;
                for (var k = start; k < end; k++)
                {
                    sink.Add(_sortedEntries[k].Source);
                }

                sink.Emit(AlertKind.SplitAlliance, -1, sessions[s].Number, -1, difference, e, detail: high - low);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EvaluateContacts(Caseload caseload, in CaseRecord family, ReadOnlySpan<SessionRecord> sessions, AlertSink sink)
    {
        var contacts = caseload.Contacts;
        for (var c = family.ContactStart; c < family.ContactStart + family.ContactCount; c++)
        {
            ref readonly var contact = ref contacts[c];
            var personal = PersonalContactRule.Fires(contact);
            var outOfHours = OutOfHoursContactRule.Fires(contact, _rules);
            if (!personal && !outOfHours)
            {
                continue;
            }

            var session = LastHeldSessionOnOrBefore(sessions, DateOnly.FromDateTime(contact.DateTime));
            if (personal)
            {
                var e = sink.EvidenceCount;
                sink.Add(c);
                sink.Emit(AlertKind.PersonalContact, contact.MemberIndexOrNone, session, -1, 0, e);
            }

            if (outOfHours)
            {
                var e = sink.EvidenceCount;
                sink.Add(c);
                sink.Emit(AlertKind.OutOfHoursContact, contact.MemberIndexOrNone, session, -1, 0, e);
            }
        }
    }

    /// <summary>The number of the last held session on or before a date (the latest date, then the highest number), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int LastHeldSessionOnOrBefore(ReadOnlySpan<SessionRecord> sessions, DateOnly date)
    {
        var number = -1;
        var bestDate = DateOnly.MinValue;
        foreach (ref readonly var session in sessions)
        {
            if (session.Status == SessionStatus.Held && session.Date <= date
                && (number < 0 || session.Date > bestDate || (session.Date == bestDate && session.Number > number)))
            {
                number = session.Number;
                bestDate = session.Date;
            }
        }

        return number;
    }

    private readonly record struct SplitEntry(int Session, int Member, int Score, int Series, int Source);
}
