using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Alliance.Signals;
using Alliance.Spreadsheets.Csv;

namespace Alliance.Spreadsheets;

/// <summary>Reading scores.csv, the large file: in parallel chunks when it can be split safely.</summary>
internal sealed partial class FolderParse
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadScores(string text)
    {
        var cursor = new CsvCursor(text);
        var map = ReadHeader(Scores, ScoreColumns, ScoreColumns[..5], cursor);
        if (map is null)
        {
            return;
        }

        var headerCount = _record.Count;
        var chunks = SplitIntoChunks(text, cursor.Position, cursor.Line, _parallelThreshold);
        var expected = text.AsSpan().Count('\n');
        _builder.EnsureCapacity(scores: expected);
        _scoreLines.EnsureCapacity(expected);
        var readers = new ScoreChunk[chunks.Count];
        for (var k = 0; k < readers.Length; k++)
        {
            readers[k] = new ScoreChunk(this, map, headerCount, (int)((long)expected * (chunks[k].End - chunks[k].Start) / Math.Max(1, text.Length)) + 16);
        }

        if (readers.Length == 1)
        {
            readers[0].Read(text, chunks[0].Start, chunks[0].End, chunks[0].Line);
        }
        else
        {
            // The lookups the rows need (cases, members, sessions, instruments) are only read from here on.
            Parallel.For(0, readers.Length, k => readers[k].Read(text, chunks[k].Start, chunks[k].End, chunks[k].Line));
        }

        foreach (var reader in readers)
        {
            foreach (var (line, column, sentence) in reader.Problems)
            {
                Problem(Scores, line, column, sentence);
            }

            foreach (var score in CollectionsMarshal.AsSpan(reader.Rows))
            {
                _builder.AddScore(score.Member, score.Session, score.Instrument, score.Rater, score.Score);
                _scoreLines.Add(score.Line);
            }
        }
    }

    /// <summary>
    /// Splits the body at line starts into one chunk per processor (at least two, which one processor
    /// simply reads one after the other; below the threshold the body is one chunk). Only a file without any double quote
    /// is split: a quoted value may hold a line break, and then a line start is not a record start.
    /// </summary>
    private static List<(int Start, int End, int Line)> SplitIntoChunks(string text, int start, int line, int threshold)
    {
        var body = text.AsSpan(start);

        var parts = Math.Clamp(Environment.ProcessorCount, 2, 8);
        if (body.Length < threshold || text.AsSpan().Contains('"'))
        {
            return [(start, text.Length, line)];
        }

        var chunks = new List<(int, int, int)>(parts);
        var chunkStart = start;
        var chunkLine = line;
        for (var k = 1; k <= parts; k++)
        {
            var end = text.Length;
            if (k < parts)
            {
                var target = start + (int)((long)body.Length * k / parts);
                var newline = text.AsSpan(target).IndexOf('\n');
                end = newline < 0 ? text.Length : target + newline + 1;
            }

            if (end <= chunkStart)
            {
                continue;
            }

            chunks.Add((chunkStart, end, chunkLine));
            chunkLine += LineBreaks(text.AsSpan(chunkStart, end - chunkStart));
            chunkStart = end;
        }

        return chunks;
    }

    /// <summary>
    /// Counts line breaks as the CSV cursor does: LF, CRLF, and a CR on its own (old Mac files), so that a chunk's
    /// first line number is the one a reading in one pass gives.
    /// </summary>
    private static int LineBreaks(ReadOnlySpan<char> text) =>
        text.Count('\n') + text.Count('\r') - text.Count("\r\n".AsSpan());

    private readonly record struct ScoreRow(int Member, int Session, int Instrument, Rater Rater, Score Score, int Line);

    /// <summary>Reads and checks the rows of one chunk of scores.csv, keeping its own rows and problems.</summary>
    private sealed class ScoreChunk(FolderParse parse, int[] map, int headerCount, int expectedRows)
    {
        private readonly CsvRecord _record = new();
        private readonly string?[] _instrumentTexts = new string?[8];
        private readonly int[] _instrumentIndexes = new int[8];
        private int _instrumentsCached;

        public List<ScoreRow> Rows { get; } = new(expectedRows);

        public List<(int Line, string Column, string Sentence)> Problems { get; } = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Read(string text, int start, int end, int line)
        {
            var cursor = new CsvCursor(text, start, end, line);
            var sessionInfo = CollectionsMarshal.AsSpan(parse._sessionInfo);
            var attendance = CollectionsMarshal.AsSpan(parse._attended);
            var instruments = parse._instruments;
            var lastCase = -1;
            string? lastCaseId = null;
            var lastMember = -1;
            string? lastMemberId = null;
            var lastSessionKey = -1L;
            var lastSession = -1;
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
                var memberId = _record.Get(map[1]);
                var numberText = _record.Get(map[2]);
                var instrumentText = _record.Get(map[3]);
                var scoreText = _record.Get(map[4]);
                var raterText = _record.Get(map[5]);

                // Rows of one case, member and session usually follow each other: remember the last lookups.
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
                        lastMemberId = null;
                        lastSessionKey = -1;
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

                var memberIndex = -1;
                if (Required(memberId, "member_id") && caseIndex >= 0)
                {
                    if (lastMemberId is not null && memberId.SequenceEqual(lastMemberId))
                    {
                        memberIndex = lastMember;
                    }
                    else if (parse.TryFindMember(caseIndex, memberId, out memberIndex))
                    {
                        lastMember = memberIndex;
                        lastMemberId = parse._memberIds[memberIndex];
                    }
                    else
                    {
                        Problems.Add((row, "member_id", parse.MemberNotFound(caseIndex, memberId)));
                    }
                }

                var sessionIndex = -1;
                if (Required(numberText, "session_number"))
                {
                    if (!TryWhole(numberText, 9, out var number))
                    {
                        Problems.Add((row, "session_number", $"{Echo(numberText)} is not a whole number"));
                    }
                    else if (caseIndex >= 0)
                    {
                        var key = ((long)caseIndex << 32) | (uint)number;
                        if (key == lastSessionKey)
                        {
                            sessionIndex = lastSession;
                        }
                        else if (parse._sessions.TryGetValue(key, out sessionIndex))
                        {
                            lastSessionKey = key;
                            lastSession = sessionIndex;
                        }
                        else
                        {
                            sessionIndex = -1;
                            if (parse._sessionsRead)
                            {
                                Problems.Add((row, "session_number", string.Create(
                                    CultureInfo.InvariantCulture, $"case {Echo(caseId)} has no session {number} in sessions.csv")));
                            }
                        }
                    }
                }

                if (sessionIndex >= 0)
                {
                    ref readonly var session = ref sessionInfo[sessionIndex];
                    if (session.Status != SessionStatus.Held)
                    {
                        Problems.Add((row, "session_number", string.Create(
                            CultureInfo.InvariantCulture,
                            $"session {session.Number} of case {Echo(caseId)} is marked {Vocabulary.Word(session.Status)}; scores need a held session")));
                        sessionIndex = -1;
                    }
                    else if (memberIndex >= 0 && session.AttendedCount > 0
                        && !attendance.Slice(session.AttendedStart, session.AttendedCount).Contains(memberIndex))
                    {
                        Problems.Add((row, "member_id", string.Create(
                            CultureInfo.InvariantCulture,
                            $"member {Echo(memberId)} is not in the attended list of session {session.Number} of case {Echo(caseId)}")));
                        sessionIndex = -1;
                    }
                }

                var instrument = -1;
                if (Required(instrumentText, "instrument") && !TryFindInstrument(instruments, instrumentText, out instrument))
                {
                    Problems.Add((row, "instrument", $"{Echo(instrumentText)} is not an instrument this agency knows"));
                    instrument = -1;
                }

                var score = default(Score);
                var hasScore = false;
                if (Required(scoreText, "score"))
                {
                    if (!Score.TryParse(scoreText, out score))
                    {
                        Problems.Add((row, "score", $"{Echo(scoreText)} is not a score (digits with an optional leading - and at most one decimal)"));
                    }
                    else if (instrument >= 0 && !instruments[instrument].InRange(score))
                    {
                        var i = instruments[instrument];
                        var range = i.Low.Tenths < 0 ? $"{i.Low} to {i.High}" : $"{i.Low}-{i.High}";
                        Problems.Add((row, "score", $"{score} is outside {i.Id}'s range {range}"));
                    }
                    else
                    {
                        hasScore = true;
                    }
                }

                var rater = Rater.Client;
                if (!raterText.IsEmpty && !Vocabulary.TryParse(raterText, out rater))
                {
                    Problems.Add((row, "rater", $"{Echo(raterText)} is not a rater ({string.Join(", ", Vocabulary.RaterWords)})"));
                    continue;
                }

                if (memberIndex >= 0 && sessionIndex >= 0 && instrument >= 0 && hasScore)
                {
                    Rows.Add(new ScoreRow(memberIndex, sessionIndex, instrument, rater, score, row));
                }
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

        /// <summary>Instrument ids repeat row after row: compare with the few seen (exact text) before hashing.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool TryFindInstrument(InstrumentCatalogue instruments, ReadOnlySpan<char> text, out int index)
        {
            for (var k = 0; k < _instrumentsCached; k++)
            {
                if (text.SequenceEqual(_instrumentTexts[k]))
                {
                    index = _instrumentIndexes[k];
                    return true;
                }
            }

            if (!instruments.TryGetIndex(text, out index))
            {
                return false;
            }

            if (_instrumentsCached < _instrumentTexts.Length)
            {
                _instrumentTexts[_instrumentsCached] = text.ToString();
                _instrumentIndexes[_instrumentsCached++] = index;
            }

            return true;
        }
    }
}
