using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Alliance.Signals;
using Alliance.Spreadsheets.Csv;

namespace Alliance.Spreadsheets;

/// <summary>Reading sessions.csv: rows are parsed in parallel chunks, then added in file order.</summary>
internal sealed partial class FolderParse
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadSessions(string text)
    {
        var cursor = new CsvCursor(text);
        var map = ReadHeader(Sessions, SessionColumns, SessionColumns[..3], cursor);
        if (map is null)
        {
            return;
        }

        _sessionsRead = true;
        var headerCount = _record.Count;
        var expected = text.AsSpan().Count('\n');
        _sessions.EnsureCapacity(expected);
        _sessionInfo.EnsureCapacity(expected);
        _builder.EnsureCapacity(sessions: expected);

        var chunks = SplitIntoChunks(text, cursor.Position, cursor.Line, _parallelThreshold);
        var readers = new SessionChunk[chunks.Count];
        for (var k = 0; k < readers.Length; k++)
        {
            readers[k] = new SessionChunk(this, map, headerCount);
        }

        if (readers.Length == 1)
        {
            readers[0].Read(text, chunks[0].Start, chunks[0].End, chunks[0].Line);
        }
        else
        {
            // The lookups the rows need (cases and members) are only read from here on.
            Parallel.For(0, readers.Length, k => readers[k].Read(text, chunks[k].Start, chunks[k].End, chunks[k].Line));
        }

        // In file order: a repeated session number is reported at its second appearance.
        foreach (var reader in readers)
        {
            var problems = CollectionsMarshal.AsSpan(reader.Problems);
            var next = 0;
            foreach (ref readonly var row in CollectionsMarshal.AsSpan(reader.Rows))
            {
                while (next < problems.Length && problems[next].Line <= row.Line)
                {
                    Problem(Sessions, problems[next].Line, problems[next].Column, problems[next].Sentence);
                    next++;
                }

                AddSession(row, CollectionsMarshal.AsSpan(reader.Attended).Slice(row.AttendedStart, row.AttendedCount));
            }

            for (; next < problems.Length; next++)
            {
                Problem(Sessions, problems[next].Line, problems[next].Column, problems[next].Sentence);
            }
        }

        CheckDateOrder();
    }

    private void AddSession(in SessionRow row, ReadOnlySpan<int> attended)
    {
        var key = ((long)row.Case << 32) | (uint)row.Number;
        if (_sessions.TryGetValue(key, out var existing))
        {
            Problem(Sessions, row.Line, "session_number", string.Create(
                CultureInfo.InvariantCulture,
                $"session {row.Number} appears twice in case {Echo(_caseIds[row.Case])} (first at line {_sessionInfo[existing].Line})"));
            return;
        }

        var index = _builder.AddSession(
            row.Case, row.Number, row.Date, row.Status,
            row.StartMinute < 0 ? null : new TimeOnly(row.StartMinute / 60, row.StartMinute % 60),
            row.Scheduled < 0 ? null : row.Scheduled, row.Actual < 0 ? null : row.Actual, row.Feedback, attended);
        _sessions.Add(key, index);
        _sessionInfo.Add(new SessionInfo(row.Case, row.Number, row.Date, row.Line, row.Status, _attended.Count, attended.Length));
        _attended.AddRange(attended);
    }

    private readonly record struct SessionRow(
        int Case, int Number, DateOnly Date, int StartMinute, int Scheduled, int Actual, SessionStatus Status,
        FeedbackDiscussed Feedback, int AttendedStart, int AttendedCount, int Line);

    /// <summary>Reads and checks the rows of one chunk of sessions.csv, keeping its own rows and problems.</summary>
    private sealed class SessionChunk(FolderParse parse, int[] map, int headerCount)
    {
        private readonly CsvRecord _record = new();

        public List<SessionRow> Rows { get; } = [];

        public List<int> Attended { get; } = [];

        public List<(int Line, string Column, string Sentence)> Problems { get; } = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Read(string text, int start, int end, int line)
        {
            var cursor = new CsvCursor(text, start, end, line);
            string? lastCaseId = null;
            var lastCase = -1;
            while (cursor.Next(_record, out var error))
            {
                var row = _record.Line;
                if (error is not null)
                {
                    Problems.Add((row, "row", error));
                    continue;
                }

                if (_record.Count != headerCount)
                {
                    Problems.Add((row, "row", string.Create(CultureInfo.InvariantCulture, $"the row has {_record.Count} values but the header has {headerCount} columns")));
                    continue;
                }

                var caseId = _record.Get(map[0]);
                var numberText = _record.Get(map[1]);
                var dateText = _record.Get(map[2]);
                var caseIndex = -1;
                if (Required(caseId, "case_id"))
                {
                    if (lastCaseId is not null && caseId.SequenceEqual(lastCaseId))
                    {
                        caseIndex = lastCase;
                    }
                    else if (parse.TryFindCase(caseId, out caseIndex))
                    {
                        lastCase = caseIndex;
                        lastCaseId = parse._caseIds[caseIndex];
                    }
                    else
                    {
                        caseIndex = -1;
                        if (parse._membersRead)
                        {
                            Problems.Add((row, "case_id", CaseNotFound(caseId)));
                        }
                    }
                }

                var number = -1;
                if (Required(numberText, "session_number") && !TryWhole(numberText, 9, out number))
                {
                    Problems.Add((row, "session_number", $"{Echo(numberText)} is not a whole number"));
                    number = -1;
                }

                var date = default(DateOnly);
                var hasDate = false;
                if (Required(dateText, "date"))
                {
                    hasDate = TryDate(dateText, out date);
                    if (!hasDate)
                    {
                        Problems.Add((row, "date", $"{Echo(dateText)} is not a date (YYYY-MM-DD)"));
                    }
                }

                var startText = _record.Get(map[3]);
                var startMinute = -1;
                if (!startText.IsEmpty && !TryTime(startText, out startMinute))
                {
                    Problems.Add((row, "start_time", $"{Echo(startText)} is not a time (HH:MM, 24-hour)"));
                }

                var scheduled = Minutes(map[4], "scheduled_minutes");
                var actual = Minutes(map[5], "actual_minutes");

                var statusText = _record.Get(map[6]);
                var status = SessionStatus.Held;
                if (!statusText.IsEmpty && !Vocabulary.TryParse(statusText, out status))
                {
                    Problems.Add((row, "status", $"{Echo(statusText)} is not a status ({string.Join(", ", Vocabulary.StatusWords)})"));
                }

                var feedbackText = _record.Get(map[8]);
                var feedback = FeedbackDiscussed.NotRecorded;
                if (feedbackText.Equals("yes", StringComparison.OrdinalIgnoreCase))
                {
                    feedback = FeedbackDiscussed.Yes;
                }
                else if (feedbackText.Equals("no", StringComparison.OrdinalIgnoreCase))
                {
                    feedback = FeedbackDiscussed.No;
                }
                else if (!feedbackText.IsEmpty)
                {
                    Problems.Add((row, "feedback_discussed", $"{Echo(feedbackText)} is not yes or no"));
                }

                var attendedStart = Attended.Count;
                var attendedText = _record.Get(map[7]);
                if (!attendedText.IsEmpty && caseIndex >= 0)
                {
                    foreach (var range in attendedText.Split(';'))
                    {
                        var id = attendedText[range].Trim(CsvCursor.Blanks);
                        if (id.IsEmpty)
                        {
                            continue;
                        }

                        if (!parse.TryFindMember(caseIndex, id, out var member))
                        {
                            Problems.Add((row, "attended", parse.MemberNotFound(caseIndex, id)));
                        }
                        else if (CollectionsMarshal.AsSpan(Attended)[attendedStart..].IndexOf(member) < 0)
                        {
                            Attended.Add(member);
                        }
                    }
                }

                if (caseIndex < 0 || number < 0 || !hasDate)
                {
                    Attended.RemoveRange(attendedStart, Attended.Count - attendedStart);
                    continue;
                }

                Rows.Add(new SessionRow(
                    caseIndex, number, date, startMinute, scheduled, actual, status, feedback, attendedStart, Attended.Count - attendedStart, row));
            }
        }

        private bool Required(ReadOnlySpan<char> value, string column)
        {
            if (value.IsEmpty)
            {
                Problems.Add((_record.Line, column, "a value is required"));
                return false;
            }

            return true;
        }

        private int Minutes(int field, string column)
        {
            var text = _record.Get(field);
            if (text.IsEmpty)
            {
                return -1;
            }

            if (!TryWhole(text, 6, out var minutes))
            {
                Problems.Add((_record.Line, column, $"{Echo(text)} is not a whole number of minutes"));
                return -1;
            }

            return minutes;
        }
    }
}
