using System.Runtime.CompilerServices;

namespace Alliance.Signals;

/// <summary>
/// Collects families, members, sessions, scores and contacts in any order and lays them out as a
/// <see cref="Caseload"/>. Indexes returned by the Add methods refer to what was added; the built
/// caseload has its own order.
/// </summary>
public sealed class CaseloadBuilder
{
    private readonly InstrumentCatalogue _instruments;
    private readonly List<string> _caseIds = [];
    private readonly List<PendingMember> _members = [];
    private readonly List<PendingSession> _sessions = [];
    private readonly List<int> _attendance = [];
    private readonly List<ContactRecord> _contacts = [];
    private ScoreRecord[] _scores;
    private int _scoreCount;
    private int[]? _scoreOrder;
    private int[]? _memberOrder;

    /// <summary>Creates a builder for scores on the given instruments.</summary>
    /// <param name="instruments">The catalogue whose indexes scores use.</param>
    /// <param name="expectedScores">How many scores to make room for.</param>
    public CaseloadBuilder(InstrumentCatalogue instruments, int expectedScores = 1024)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        if (instruments.Count > 4096)
        {
            throw new ArgumentException("A catalogue of more than 4096 instruments is not supported.", nameof(instruments));
        }

        _instruments = instruments;
        _scores = new ScoreRecord[Math.Max(16, expectedScores)];
    }

    /// <summary>Makes room for at least as many of each as given, so that adding a large folder does not regrow the lists.</summary>
    /// <param name="cases">Families.</param>
    /// <param name="members">Members.</param>
    /// <param name="sessions">Sessions.</param>
    /// <param name="scores">Scores.</param>
    public void EnsureCapacity(int cases = 0, int members = 0, int sessions = 0, int scores = 0)
    {
        _caseIds.EnsureCapacity(cases);
        _members.EnsureCapacity(members);
        _sessions.EnsureCapacity(sessions);
        if (_scores.Length < scores)
        {
            Array.Resize(ref _scores, scores);
        }
    }

    /// <summary>How many scores have been added.</summary>
    public int ScoreCount => _scoreCount;

    /// <summary>Adds a family.</summary>
    /// <param name="id">The case id (unique).</param>
    /// <returns>The case's index for the other Add methods.</returns>
    public int AddCase(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        _caseIds.Add(id);
        Invalidate();
        return _caseIds.Count - 1;
    }

    /// <summary>Adds a member to a family.</summary>
    /// <param name="caseIndex">The case, as returned by <see cref="AddCase"/>.</param>
    /// <param name="id">The member id (unique within the case).</param>
    /// <param name="role">The role in the family.</param>
    /// <param name="birthYear">The birth year, or null.</param>
    /// <param name="name">A display name or pseudonym, or null.</param>
    /// <returns>The member's index for the other Add methods.</returns>
    public int AddMember(int caseIndex, string id, MemberRole role, int? birthYear = null, string? name = null)
    {
        CheckIndex(caseIndex, _caseIds.Count, nameof(caseIndex));
        ArgumentException.ThrowIfNullOrEmpty(id);
        _members.Add(new PendingMember(caseIndex, id, role, birthYear ?? -1, name));
        Invalidate();
        return _members.Count - 1;
    }

    /// <summary>Adds a session to a family.</summary>
    /// <param name="caseIndex">The case.</param>
    /// <param name="number">The session number (unique within the case, 0 or more).</param>
    /// <param name="date">The date.</param>
    /// <param name="status">Held, cancelled or no-show.</param>
    /// <param name="startTime">The local start time, or null.</param>
    /// <param name="scheduledMinutes">The scheduled minutes, or null.</param>
    /// <param name="actualMinutes">The actual minutes, or null.</param>
    /// <param name="feedback">Whether the measures were discussed.</param>
    /// <param name="attended">The members listed as attending (indexes from <see cref="AddMember"/>); empty when not listed.</param>
    /// <returns>The session's index for <see cref="AddScore"/>.</returns>
    public int AddSession(
        int caseIndex, int number, DateOnly date, SessionStatus status = SessionStatus.Held, TimeOnly? startTime = null,
        int? scheduledMinutes = null, int? actualMinutes = null, FeedbackDiscussed feedback = FeedbackDiscussed.NotRecorded,
        ReadOnlySpan<int> attended = default)
    {
        CheckIndex(caseIndex, _caseIds.Count, nameof(caseIndex));
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        var start = _attendance.Count;
        foreach (var member in attended)
        {
            CheckIndex(member, _members.Count, nameof(attended));
            if (_members[member].CaseIndex != caseIndex)
            {
                throw new ArgumentException("An attending member belongs to another case.", nameof(attended));
            }

            _attendance.Add(member);
        }

        var startMinute = startTime is { } t ? (t.Hour * 60) + t.Minute : -1;
        _sessions.Add(new PendingSession(
            caseIndex, number, date, startMinute, scheduledMinutes ?? -1, actualMinutes ?? -1, status, feedback, start, attended.Length));
        Invalidate();
        return _sessions.Count - 1;
    }

    /// <summary>Adds a score.</summary>
    /// <param name="memberIndex">The member rated.</param>
    /// <param name="sessionIndex">The session (of the member's case).</param>
    /// <param name="instrument">The instrument's index in the catalogue.</param>
    /// <param name="rater">Who gave the score.</param>
    /// <param name="score">The score.</param>
    /// <returns>The score's position in the order of adding (as used by <see cref="FindDuplicateScores"/>).</returns>
    public int AddScore(int memberIndex, int sessionIndex, int instrument, Rater rater, Score score)
    {
        CheckIndex(memberIndex, _members.Count, nameof(memberIndex));
        CheckIndex(sessionIndex, _sessions.Count, nameof(sessionIndex));
        CheckIndex(instrument, _instruments.Count, nameof(instrument));
        if (_scoreCount == _scores.Length)
        {
            Array.Resize(ref _scores, _scores.Length * 2);
        }

        _scores[_scoreCount] = new ScoreRecord(memberIndex, sessionIndex, instrument, rater, score);
        Invalidate();
        return _scoreCount++;
    }

    /// <summary>Adds a contact between sessions.</summary>
    /// <param name="caseIndex">The case.</param>
    /// <param name="memberIndex">The member concerned, or null.</param>
    /// <param name="dateTime">The local date and time.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="initiatedBy">Who started it.</param>
    /// <param name="minutes">How long it took, or null.</param>
    public void AddContact(int caseIndex, int? memberIndex, DateTime dateTime, ContactChannel channel, ContactInitiator initiatedBy, int? minutes = null)
    {
        CheckIndex(caseIndex, _caseIds.Count, nameof(caseIndex));
        if (memberIndex is { } m)
        {
            CheckIndex(m, _members.Count, nameof(memberIndex));
        }

        _contacts.Add(new ContactRecord(caseIndex, memberIndex ?? -1, dateTime, channel, initiatedBy, minutes ?? -1));
    }

    /// <summary>
    /// Scores added twice for the same member, session, instrument and rater, as pairs of positions in
    /// the order of adding (the first, then the repeat).
    /// </summary>
    public IReadOnlyList<(int First, int Repeat)> FindDuplicateScores()
    {
        var order = ScoreOrder();
        var duplicates = new List<(int, int)>();
        var firstOfRun = -1;
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0 && SameKey(_scores[order[i - 1]], _scores[order[i]]))
            {
                duplicates.Add((firstOfRun, order[i]));
            }
            else
            {
                firstOfRun = order[i];
            }
        }

        return duplicates;
    }

    /// <summary>Lays out the caseload.</summary>
    /// <exception cref="InvalidOperationException">
    /// Ids repeat, a score's session belongs to another case than its member, or a score repeats.
    /// </exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Caseload Build()
    {
        // Cases in ordinal id order.
        var caseOrder = SortedOrder(_caseIds.Count, (a, b) => string.CompareOrdinal(_caseIds[a], _caseIds[b]));
        var caseNew = Inverse(caseOrder);
        for (var i = 1; i < caseOrder.Length; i++)
        {
            if (string.Equals(_caseIds[caseOrder[i - 1]], _caseIds[caseOrder[i]], StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A case id was added twice.");
            }
        }

        // Members by case, then ordinal id.
        var memberOrder = MemberOrder(caseNew);
        var memberNew = Inverse(memberOrder);
        for (var i = 1; i < memberOrder.Length; i++)
        {
            var a = _members[memberOrder[i - 1]];
            var b = _members[memberOrder[i]];
            if (a.CaseIndex == b.CaseIndex && string.Equals(a.Id, b.Id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A member id was added twice to one case.");
            }
        }

        // Sessions by case, then number.
        var sessionOrder = SortedOrder(_sessions.Count, (a, b) =>
        {
            var c = caseNew[_sessions[a].CaseIndex].CompareTo(caseNew[_sessions[b].CaseIndex]);
            return c != 0 ? c : _sessions[a].Number.CompareTo(_sessions[b].Number);
        });
        var sessionNew = Inverse(sessionOrder);
        for (var i = 1; i < sessionOrder.Length; i++)
        {
            var a = _sessions[sessionOrder[i - 1]];
            var b = _sessions[sessionOrder[i]];
            if (a.CaseIndex == b.CaseIndex && a.Number == b.Number)
            {
                throw new InvalidOperationException("A session number was added twice to one case.");
            }
        }

        // Scores by member, series, session, instrument, rater.
        var scoreOrder = ScoreOrder();
        var scores = new ScoreRecord[_scoreCount];
        var memberScoreStart = new int[_members.Count];
        var memberScoreCount = new int[_members.Count];
        for (var i = 0; i < scoreOrder.Length; i++)
        {
            ref readonly var s = ref _scores[scoreOrder[i]];
            if (_members[s.MemberIndex].CaseIndex != _sessions[s.SessionIndex].CaseIndex)
            {
                throw new InvalidOperationException("A score's session belongs to another case than its member.");
            }

            if (i > 0 && SameKey(_scores[scoreOrder[i - 1]], s))
            {
                throw new InvalidOperationException("A score was added twice for the same member, session, instrument and rater.");
            }

            var member = memberNew[s.MemberIndex];
            if (memberScoreCount[member]++ == 0)
            {
                memberScoreStart[member] = i;
            }

            scores[i] = new ScoreRecord(member, sessionNew[s.SessionIndex], s.Instrument, s.Rater, s.Score);
        }

        var members = new MemberRecord[_members.Count];
        for (var i = 0; i < members.Length; i++)
        {
            var m = _members[memberOrder[i]];
            members[i] = new MemberRecord(caseNew[m.CaseIndex], m.Id, m.Role, m.BirthYear, m.Name, memberScoreStart[i], memberScoreCount[i]);
        }

        var attendance = new int[_attendance.Count];
        var sessions = new SessionRecord[_sessions.Count];
        var next = 0;
        for (var i = 0; i < sessions.Length; i++)
        {
            var s = _sessions[sessionOrder[i]];
            var start = next;
            for (var k = 0; k < s.AttendedCount; k++)
            {
                var member = memberNew[_attendance[s.AttendedStart + k]];
                if (attendance.AsSpan(start, next - start).IndexOf(member) < 0)
                {
                    attendance[next++] = member;
                }
            }

            attendance.AsSpan(start, next - start).Sort();
            sessions[i] = new SessionRecord(
                caseNew[s.CaseIndex], s.Number, s.Date, s.StartMinute, s.Scheduled, s.Actual, s.Status, s.Feedback, start, next - start);
        }

        var contactOrder = SortedOrder(_contacts.Count, (a, b) =>
        {
            var c = caseNew[_contacts[a].CaseIndex].CompareTo(caseNew[_contacts[b].CaseIndex]);
            return c != 0 ? c : _contacts[a].DateTime.CompareTo(_contacts[b].DateTime);
        });
        var contacts = new ContactRecord[_contacts.Count];
        for (var i = 0; i < contacts.Length; i++)
        {
            var c = _contacts[contactOrder[i]];
            var member = c.MemberIndexOrNone < 0 ? -1 : memberNew[c.MemberIndexOrNone];
            if (member >= 0 && _members[c.MemberIndexOrNone].CaseIndex != c.CaseIndex)
            {
                throw new InvalidOperationException("A contact's member belongs to another case.");
            }

            contacts[i] = new ContactRecord(caseNew[c.CaseIndex], member, c.DateTime, c.Channel, c.InitiatedBy, c.MinutesOrNone);
        }

        var cases = new CaseRecord[_caseIds.Count];
        int memberAt = 0, sessionAt = 0, contactAt = 0;
        for (var i = 0; i < cases.Length; i++)
        {
            int m0 = memberAt, s0 = sessionAt, c0 = contactAt;
            while (memberAt < members.Length && members[memberAt].CaseIndex == i)
            {
                memberAt++;
            }

            while (sessionAt < sessions.Length && sessions[sessionAt].CaseIndex == i)
            {
                sessionAt++;
            }

            while (contactAt < contacts.Length && contacts[contactAt].CaseIndex == i)
            {
                contactAt++;
            }

            cases[i] = new CaseRecord(_caseIds[caseOrder[i]], m0, memberAt - m0, s0, sessionAt - s0, c0, contactAt - c0);
        }

        return new Caseload(_instruments, cases, members, sessions, scores, contacts, attendance);
    }

    private static void CheckIndex(int index, int count, string name)
    {
        if ((uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(name, "The index was not returned by this builder.");
        }
    }

    private static int[] SortedOrder(int count, Comparison<int> comparison)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var sorted = true;
        for (var i = 1; i < count && sorted; i++)
        {
            sorted = comparison(i - 1, i) <= 0;
        }

        if (!sorted)
        {
            // Ties keep the order of adding, so the sort is stable.
            Array.Sort(order, (a, b) =>
            {
                var c = comparison(a, b);
                return c != 0 ? c : a.CompareTo(b);
            });
        }

        return order;
    }

    private static int[] Inverse(int[] order)
    {
        var inverse = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            inverse[order[i]] = i;
        }

        return inverse;
    }

    private static bool SameKey(in ScoreRecord a, in ScoreRecord b) =>
        a.MemberIndex == b.MemberIndex && a.SessionIndex == b.SessionIndex && a.Instrument == b.Instrument && a.Rater == b.Rater;

    private void Invalidate()
    {
        _scoreOrder = null;
        _memberOrder = null;
    }

    private int[] MemberOrder(int[] caseNew)
    {
        if (_memberOrder is null)
        {
            _memberOrder = SortedOrder(_members.Count, (a, b) =>
            {
                var c = caseNew[_members[a].CaseIndex].CompareTo(caseNew[_members[b].CaseIndex]);
                return c != 0 ? c : string.CompareOrdinal(_members[a].Id, _members[b].Id);
            });
        }

        return _memberOrder;
    }

    /// <summary>
    /// The scores in caseload order. A counting sort by member (linear, whatever the input order) and
    /// then an insertion sort of each member's few scores by series, session, instrument and rater:
    /// a file in session order is nearly sorted within each member, which insertion sort handles in
    /// about one pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] ScoreOrder()
    {
        if (_scoreOrder is not null)
        {
            return _scoreOrder;
        }

        var caseOrder = SortedOrder(_caseIds.Count, (a, b) => string.CompareOrdinal(_caseIds[a], _caseIds[b]));
        var caseNew = Inverse(caseOrder);
        var memberNew = Inverse(MemberOrder(caseNew));
        var sessionRank = SessionRanks();

        var count = _scoreCount;
        var bucketStart = new int[_members.Count + 1];
        for (var i = 0; i < count; i++)
        {
            bucketStart[memberNew[_scores[i].MemberIndex] + 1]++;
        }

        for (var m = 0; m < _members.Count; m++)
        {
            bucketStart[m + 1] += bucketStart[m];
        }

        var order = new int[count];
        var keys = new long[count];
        var fill = (int[])bucketStart.Clone();
        for (var i = 0; i < count; i++)
        {
            ref readonly var s = ref _scores[i];
            var at = fill[memberNew[s.MemberIndex]]++;
            order[at] = i;
            keys[at] = ((long)_instruments.SeriesOf(s.Instrument) << 46)
                | ((long)sessionRank[s.SessionIndex] << 14)
                | ((long)_instruments.OrdinalRank(s.Instrument) << 2)
                | (long)s.Rater;
        }

        for (var m = 0; m < _members.Count; m++)
        {
            for (var i = bucketStart[m] + 1; i < bucketStart[m + 1]; i++)
            {
                var key = keys[i];
                var item = order[i];
                var j = i - 1;
                while (j >= bucketStart[m] && keys[j] > key)
                {
                    keys[j + 1] = keys[j];
                    order[j + 1] = order[j];
                    j--;
                }

                keys[j + 1] = key;
                order[j + 1] = item;
            }
        }

        _scoreOrder = order;
        return order;
    }

    /// <summary>A session's rank by number within its case (sessions of one case only are compared).</summary>
    private int[] SessionRanks()
    {
        var ranks = new int[_sessions.Count];
        for (var i = 0; i < ranks.Length; i++)
        {
            ranks[i] = _sessions[i].Number;
        }

        return ranks;
    }

    private readonly record struct PendingMember(int CaseIndex, string Id, MemberRole Role, int BirthYear, string? Name);

    private readonly record struct PendingSession(
        int CaseIndex, int Number, DateOnly Date, int StartMinute, int Scheduled, int Actual,
        SessionStatus Status, FeedbackDiscussed Feedback, int AttendedStart, int AttendedCount);
}
