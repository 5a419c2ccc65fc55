using System.Globalization;
using Alliance.Signals;
using Alliance.Spreadsheets.Csv;

namespace Alliance.Spreadsheets;

/// <summary>One reading of one folder: parses the files in order, checks every row and collects every problem.</summary>
internal sealed class FolderParse
{
    private const string Members = "members.csv";
    private const string Sessions = "sessions.csv";
    private const string Scores = "scores.csv";
    private const string Contacts = "contacts.csv";
    private const char KeySeparator = '\u001F';

    private static readonly string[] MemberColumns = ["case_id", "member_id", "role", "birth_year", "name"];
    private static readonly string[] SessionColumns =
        ["case_id", "session_number", "date", "start_time", "scheduled_minutes", "actual_minutes", "status", "attended", "feedback_discussed"];

    private static readonly string[] ScoreColumns = ["case_id", "member_id", "session_number", "instrument", "score", "rater"];
    private static readonly string[] ContactColumns = ["case_id", "member_id", "datetime", "channel", "initiated_by", "minutes"];

    private readonly InstrumentCatalogue _instruments;
    private readonly CaseloadBuilder _builder;
    private readonly List<(int File, int Line, int Order, SpreadsheetProblem Problem)> _problems = [];
    private readonly Dictionary<string, int> _cases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _caseLookup;
    private readonly List<string> _caseIds = [];
    private readonly Dictionary<string, (int Index, int Line)> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Index, int Line)>.AlternateLookup<ReadOnlySpan<char>> _memberLookup;
    private readonly Dictionary<long, int> _sessions = [];
    private readonly List<SessionInfo> _sessionInfo = [];
    private readonly List<int> _attended = [];
    private readonly List<int> _scoreLines = [];
    private readonly CsvRecord _record = new();
    private char[] _keyBuffer = new char[128];
    private bool _membersRead;
    private bool _sessionsRead;

    public FolderParse(InstrumentCatalogue instruments)
    {
        _instruments = instruments;
        _builder = new CaseloadBuilder(instruments, 1 << 16);
        _caseLookup = _cases.GetAlternateLookup<ReadOnlySpan<char>>();
        _memberLookup = _members.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public SpreadsheetReadResult Run(Dictionary<string, string> files)
    {
        if (files.TryGetValue("format.txt", out var format) && !CheckFormat(format))
        {
            return Finish();
        }

        foreach (var required in new[] { Members, Sessions, Scores })
        {
            if (!files.ContainsKey(required))
            {
                Problem(required, null, null, "missing");
            }
        }

        if (files.TryGetValue(Members, out var members))
        {
            ReadMembers(members);
        }

        if (files.TryGetValue(Sessions, out var sessions))
        {
            ReadSessions(sessions);
        }

        if (files.TryGetValue(Scores, out var scores))
        {
            ReadScores(scores);
        }

        if (files.TryGetValue(Contacts, out var contacts))
        {
            ReadContacts(contacts);
        }

        return Finish();
    }

    private static int FileRank(string file) => file switch
    {
        "format.txt" => 0,
        Members => 1,
        Sessions => 2,
        Scores => 3,
        _ => 4,
    };

    private static string Echo(ReadOnlySpan<char> value) =>
        value.Length <= 40 ? value.ToString() : string.Concat(value[..37], "...");

    private static bool TryWhole(ReadOnlySpan<char> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    private static bool TryDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (text.Length == 10 && text[4] == '-' && text[7] == '-'
            && TryWhole(text[..4], 4, out var year) && TryWhole(text[5..7], 2, out var month) && TryWhole(text[8..], 2, out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            date = new DateOnly(year, month, day);
            return true;
        }

        return false;
    }

    private static bool TryTime(ReadOnlySpan<char> text, out int minuteOfDay)
    {
        minuteOfDay = -1;
        if (text.Length == 5 && text[2] == ':' && TryWhole(text[..2], 2, out var hour) && TryWhole(text[3..], 2, out var minute)
            && hour < 24 && minute < 60)
        {
            minuteOfDay = (hour * 60) + minute;
            return true;
        }

        return false;
    }

    private bool CheckFormat(string text)
    {
        var value = text.AsSpan().TrimStart('\uFEFF').Trim();
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            Problem("format.txt", 1, "version", $"{Echo(value)} is not a version number");
            return false;
        }

        if (version != SpreadsheetReader.FormatVersion)
        {
            Problem("format.txt", 1, "version", string.Create(CultureInfo.InvariantCulture, $"this reader reads format version {SpreadsheetReader.FormatVersion}, not {version}"));
            return false;
        }

        return true;
    }

    private SpreadsheetReadResult Finish()
    {
        if (_problems.Count == 0 && _builder.ScoreCount > 0)
        {
            FindDuplicateScores();
        }

        if (_problems.Count > 0)
        {
            var sorted = _problems
                .OrderBy(p => p.File)
                .ThenBy(p => p.Line)
                .ThenBy(p => p.Order)
                .Select(p => p.Problem)
                .ToList();
            return new SpreadsheetReadResult(null, sorted);
        }

        return new SpreadsheetReadResult(_builder.Build(), []);
    }

    private void Problem(string file, int? line, string? column, string sentence) =>
        _problems.Add((FileRank(file), line ?? 0, _problems.Count, new SpreadsheetProblem(file, line, column, sentence)));

    /// <summary>Reads the header; returns each known column's field index (-1 when absent), or null when rows cannot be read.</summary>
    private int[]? ReadHeader(string file, string[] columns, string[] required, CsvCursor cursor)
    {
        if (!cursor.Next(_record, out var error))
        {
            Problem(file, 1, "header", "the file is empty; it needs a header row");
            return null;
        }

        if (error is not null)
        {
            Problem(file, _record.Line, "header", error);
            return null;
        }

        var map = new int[columns.Length];
        Array.Fill(map, -1);
        var usable = true;
        for (var f = 0; f < _record.Count; f++)
        {
            var name = _record[f];
            var known = -1;
            for (var k = 0; k < columns.Length; k++)
            {
                if (name.Equals(columns[k], StringComparison.OrdinalIgnoreCase))
                {
                    known = k;
                    break;
                }
            }

            if (known < 0)
            {
                var label = name.IsEmpty ? string.Create(CultureInfo.InvariantCulture, $"column {f + 1}") : Echo(name);
                Problem(file, 1, label, $"unknown column; {file} has {string.Join(", ", columns)}");
            }
            else if (map[known] >= 0)
            {
                Problem(file, 1, columns[known], "the column appears twice");
                usable = false;
            }
            else
            {
                map[known] = f;
            }
        }

        for (var k = 0; k < columns.Length; k++)
        {
            if (map[k] < 0 && required.Contains(columns[k]))
            {
                Problem(file, 1, columns[k], "required column is missing");
                usable = false;
            }
        }

        return usable ? map : null;
    }

    /// <summary>Reads the next row, reporting malformed rows; false at the end of the file.</summary>
    private bool NextRow(string file, CsvCursor cursor, int headerCount, out bool ok)
    {
        ok = false;
        if (!cursor.Next(_record, out var error))
        {
            return false;
        }

        if (error is not null)
        {
            Problem(file, _record.Line, "row", error);
            return true;
        }

        if (_record.Count != headerCount)
        {
            Problem(file, _record.Line, "row", string.Create(CultureInfo.InvariantCulture, $"the row has {_record.Count} values but the header has {headerCount} columns"));
            return true;
        }

        ok = true;
        return true;
    }

    private bool Required(string file, ReadOnlySpan<char> value, string column)
    {
        if (value.IsEmpty)
        {
            Problem(file, _record.Line, column, "a value is required");
            return false;
        }

        return true;
    }

    private bool FindCase(string file, ReadOnlySpan<char> caseId, out int caseIndex)
    {
        if (_caseLookup.TryGetValue(caseId, out caseIndex))
        {
            return true;
        }

        if (_membersRead)
        {
            Problem(file, _record.Line, "case_id", $"case {Echo(caseId)} is not in members.csv");
        }

        return false;
    }

    private ReadOnlySpan<char> MemberKey(int caseIndex, ReadOnlySpan<char> memberId)
    {
        var caseId = _caseIds[caseIndex];
        var length = caseId.Length + 1 + memberId.Length;
        if (_keyBuffer.Length < length)
        {
            _keyBuffer = new char[length * 2];
        }

        caseId.CopyTo(_keyBuffer);
        _keyBuffer[caseId.Length] = KeySeparator;
        memberId.CopyTo(_keyBuffer.AsSpan(caseId.Length + 1));
        return _keyBuffer.AsSpan(0, length);
    }

    private bool FindMember(string file, string column, int caseIndex, ReadOnlySpan<char> memberId, out int memberIndex)
    {
        if (_memberLookup.TryGetValue(MemberKey(caseIndex, memberId), out var found))
        {
            memberIndex = found.Index;
            return true;
        }

        memberIndex = -1;
        Problem(file, _record.Line, column, $"member {Echo(memberId)} is not in case {Echo(_caseIds[caseIndex])} in members.csv");
        return false;
    }

    private void ReadMembers(string text)
    {
        var cursor = new CsvCursor(text);
        var map = ReadHeader(Members, MemberColumns, MemberColumns[..3], cursor);
        if (map is null)
        {
            return;
        }

        _membersRead = true;
        var headerCount = _record.Count;
        while (NextRow(Members, cursor, headerCount, out var ok))
        {
            if (!ok)
            {
                continue;
            }

            var caseId = _record.Get(map[0]);
            var memberId = _record.Get(map[1]);
            var roleText = _record.Get(map[2]);
            var yearText = _record.Get(map[3]);
            var hasCase = Required(Members, caseId, "case_id");
            var hasMember = Required(Members, memberId, "member_id");

            var role = MemberRole.Other;
            if (Required(Members, roleText, "role") && !Vocabulary.TryParse(roleText, out role))
            {
                Problem(Members, _record.Line, "role", $"{Echo(roleText)} is not a role ({string.Join(", ", Vocabulary.RoleWords)})");
            }

            int? birthYear = null;
            if (!yearText.IsEmpty)
            {
                if (yearText.Length == 4 && TryWhole(yearText, 4, out var year))
                {
                    birthYear = year;
                }
                else
                {
                    Problem(Members, _record.Line, "birth_year", $"{Echo(yearText)} is not a year of four digits");
                }
            }

            if (!hasCase)
            {
                continue;
            }

            if (!_caseLookup.TryGetValue(caseId, out var caseIndex))
            {
                var id = caseId.ToString();
                caseIndex = _builder.AddCase(id);
                _cases.Add(id, caseIndex);
                _caseIds.Add(id);
            }

            if (!hasMember)
            {
                continue;
            }

            var key = MemberKey(caseIndex, memberId);
            if (_memberLookup.TryGetValue(key, out var existing))
            {
                Problem(Members, _record.Line, "member_id", string.Create(
                    CultureInfo.InvariantCulture, $"member {Echo(memberId)} appears twice in case {Echo(caseId)} (first at line {existing.Line})"));
                continue;
            }

            var nameText = _record.Get(map[4]);
            var memberIndex = _builder.AddMember(caseIndex, memberId.ToString(), role, birthYear, nameText.IsEmpty ? null : nameText.ToString());
            _members.Add(key.ToString(), (memberIndex, _record.Line));
        }
    }

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
        Span<int> attended = stackalloc int[64];
        while (NextRow(Sessions, cursor, headerCount, out var ok))
        {
            if (!ok)
            {
                continue;
            }

            var line = _record.Line;
            var caseId = _record.Get(map[0]);
            var numberText = _record.Get(map[1]);
            var dateText = _record.Get(map[2]);
            var hasCase = Required(Sessions, caseId, "case_id");
            var caseIndex = -1;
            if (hasCase && !FindCase(Sessions, caseId, out caseIndex))
            {
                caseIndex = -1;
            }

            var number = -1;
            if (Required(Sessions, numberText, "session_number") && !TryWhole(numberText, 9, out number))
            {
                Problem(Sessions, line, "session_number", $"{Echo(numberText)} is not a whole number");
                number = -1;
            }

            var date = default(DateOnly);
            var hasDate = false;
            if (Required(Sessions, dateText, "date"))
            {
                hasDate = TryDate(dateText, out date);
                if (!hasDate)
                {
                    Problem(Sessions, line, "date", $"{Echo(dateText)} is not a date (YYYY-MM-DD)");
                }
            }

            var startText = _record.Get(map[3]);
            var startMinute = -1;
            if (!startText.IsEmpty && !TryTime(startText, out startMinute))
            {
                Problem(Sessions, line, "start_time", $"{Echo(startText)} is not a time (HH:MM, 24-hour)");
            }

            var scheduled = Minutes(Sessions, map[4], "scheduled_minutes");
            var actual = Minutes(Sessions, map[5], "actual_minutes");

            var statusText = _record.Get(map[6]);
            var status = SessionStatus.Held;
            if (!statusText.IsEmpty && !Vocabulary.TryParse(statusText, out status))
            {
                Problem(Sessions, line, "status", $"{Echo(statusText)} is not a status ({string.Join(", ", Vocabulary.StatusWords)})");
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
                Problem(Sessions, line, "feedback_discussed", $"{Echo(feedbackText)} is not yes or no");
            }

            var attendedCount = 0;
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

                    if (FindMember(Sessions, "attended", caseIndex, id, out var member) && attended[..attendedCount].IndexOf(member) < 0)
                    {
                        if (attendedCount == attended.Length)
                        {
                            var larger = new int[attended.Length * 2];
                            attended.CopyTo(larger);
                            attended = larger;
                        }

                        attended[attendedCount++] = member;
                    }
                }
            }

            if (caseIndex < 0 || number < 0 || !hasDate)
            {
                continue;
            }

            var key = ((long)caseIndex << 32) | (uint)number;
            if (_sessions.TryGetValue(key, out var existing))
            {
                Problem(Sessions, line, "session_number", string.Create(
                    CultureInfo.InvariantCulture, $"session {number} appears twice in case {Echo(caseId)} (first at line {_sessionInfo[existing].Line})"));
                continue;
            }

            var index = _builder.AddSession(
                caseIndex, number, date, status,
                startMinute < 0 ? null : new TimeOnly(startMinute / 60, startMinute % 60),
                scheduled < 0 ? null : scheduled, actual < 0 ? null : actual, feedback, attended[..attendedCount]);
            _sessions.Add(key, index);
            _sessionInfo.Add(new SessionInfo(caseIndex, number, date, line, status, _attended.Count, attendedCount));
            foreach (var member in attended[..attendedCount])
            {
                _attended.Add(member);
            }
        }

        CheckDateOrder();
    }

    /// <summary>Session numbers follow date order: a higher number may not have an earlier date.</summary>
    private void CheckDateOrder()
    {
        var order = Enumerable.Range(0, _sessionInfo.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = _sessionInfo[a].CaseIndex.CompareTo(_sessionInfo[b].CaseIndex);
            return c != 0 ? c : _sessionInfo[a].Number.CompareTo(_sessionInfo[b].Number);
        });
        for (var i = 1; i < order.Length; i++)
        {
            var before = _sessionInfo[order[i - 1]];
            var after = _sessionInfo[order[i]];
            if (before.CaseIndex == after.CaseIndex && after.Date < before.Date)
            {
                Problem(Sessions, after.Line, "date", string.Create(
                    CultureInfo.InvariantCulture,
                    $"session {after.Number} is dated {after.Date:yyyy-MM-dd}, before session {before.Number} ({before.Date:yyyy-MM-dd}); session numbers follow date order"));
            }
        }
    }

    private int Minutes(string file, int field, string column)
    {
        var text = _record.Get(field);
        if (text.IsEmpty)
        {
            return -1;
        }

        if (!TryWhole(text, 6, out var minutes))
        {
            Problem(file, _record.Line, column, $"{Echo(text)} is not a whole number of minutes");
            return -1;
        }

        return minutes;
    }

    private void ReadScores(string text)
    {
        var cursor = new CsvCursor(text);
        var map = ReadHeader(Scores, ScoreColumns, ScoreColumns[..5], cursor);
        if (map is null)
        {
            return;
        }

        var headerCount = _record.Count;
        var lastCase = -1;
        string? lastCaseId = null;
        var lastMember = -1;
        string? lastMemberId = null;
        var lastSessionKey = -1L;
        var lastSession = -1;
        while (NextRow(Scores, cursor, headerCount, out var ok))
        {
            if (!ok)
            {
                continue;
            }

            var line = _record.Line;
            var caseId = _record.Get(map[0]);
            var memberId = _record.Get(map[1]);
            var numberText = _record.Get(map[2]);
            var instrumentText = _record.Get(map[3]);
            var scoreText = _record.Get(map[4]);
            var raterText = _record.Get(map[5]);

            // Rows of one case, member and session usually follow each other: remember the last lookups.
            var caseIndex = -1;
            if (Required(Scores, caseId, "case_id"))
            {
                if (lastCaseId is not null && caseId.SequenceEqual(lastCaseId))
                {
                    caseIndex = lastCase;
                }
                else if (FindCase(Scores, caseId, out caseIndex))
                {
                    lastCase = caseIndex;
                    lastCaseId = _caseIds[caseIndex];
                    lastMemberId = null;
                    lastSessionKey = -1;
                }
                else
                {
                    caseIndex = -1;
                }
            }

            var memberIndex = -1;
            if (Required(Scores, memberId, "member_id") && caseIndex >= 0)
            {
                if (lastMemberId is not null && memberId.SequenceEqual(lastMemberId))
                {
                    memberIndex = lastMember;
                }
                else if (FindMember(Scores, "member_id", caseIndex, memberId, out memberIndex))
                {
                    lastMember = memberIndex;
                    lastMemberId = memberId.ToString();
                }
            }

            var sessionIndex = -1;
            if (Required(Scores, numberText, "session_number"))
            {
                if (!TryWhole(numberText, 9, out var number))
                {
                    Problem(Scores, line, "session_number", $"{Echo(numberText)} is not a whole number");
                }
                else if (caseIndex >= 0)
                {
                    var key = ((long)caseIndex << 32) | (uint)number;
                    if (key == lastSessionKey)
                    {
                        sessionIndex = lastSession;
                    }
                    else if (_sessions.TryGetValue(key, out sessionIndex))
                    {
                        lastSessionKey = key;
                        lastSession = sessionIndex;
                    }
                    else
                    {
                        sessionIndex = -1;
                        if (_sessionsRead)
                        {
                            Problem(Scores, line, "session_number", string.Create(
                                CultureInfo.InvariantCulture, $"case {Echo(caseId)} has no session {number} in sessions.csv"));
                        }
                    }
                }
            }

            if (sessionIndex >= 0)
            {
                var session = _sessionInfo[sessionIndex];
                if (session.Status != SessionStatus.Held)
                {
                    Problem(Scores, line, "session_number", string.Create(
                        CultureInfo.InvariantCulture,
                        $"session {session.Number} of case {Echo(caseId)} is marked {Vocabulary.Word(session.Status)}; scores need a held session"));
                    sessionIndex = -1;
                }
                else if (memberIndex >= 0 && session.AttendedCount > 0
                    && !System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_attended).Slice(session.AttendedStart, session.AttendedCount).Contains(memberIndex))
                {
                    Problem(Scores, line, "member_id", string.Create(
                        CultureInfo.InvariantCulture,
                        $"member {Echo(memberId)} is not in the attended list of session {session.Number} of case {Echo(caseId)}"));
                    sessionIndex = -1;
                }
            }

            var instrument = -1;
            if (Required(Scores, instrumentText, "instrument") && !_instruments.TryGetIndex(instrumentText, out instrument))
            {
                Problem(Scores, line, "instrument", $"{Echo(instrumentText)} is not an instrument this agency knows");
                instrument = -1;
            }

            var score = default(Score);
            var hasScore = false;
            if (Required(Scores, scoreText, "score"))
            {
                if (!Score.TryParse(scoreText, out score))
                {
                    Problem(Scores, line, "score", $"{Echo(scoreText)} is not a score (digits with an optional leading - and at most one decimal)");
                }
                else if (instrument >= 0 && !_instruments[instrument].InRange(score))
                {
                    var i = _instruments[instrument];
                    var range = i.Low.Tenths < 0 ? $"{i.Low} to {i.High}" : $"{i.Low}-{i.High}";
                    Problem(Scores, line, "score", $"{score} is outside {i.Id}'s range {range}");
                }
                else
                {
                    hasScore = true;
                }
            }

            var rater = Rater.Client;
            if (!raterText.IsEmpty && !Vocabulary.TryParse(raterText, out rater))
            {
                Problem(Scores, line, "rater", $"{Echo(raterText)} is not a rater ({string.Join(", ", Vocabulary.RaterWords)})");
                continue;
            }

            if (memberIndex >= 0 && sessionIndex >= 0 && instrument >= 0 && hasScore)
            {
                _builder.AddScore(memberIndex, sessionIndex, instrument, rater, score);
                _scoreLines.Add(line);
            }
        }
    }

    private void FindDuplicateScores()
    {
        foreach (var (first, repeat) in _builder.FindDuplicateScores())
        {
            Problem(Scores, _scoreLines[repeat], "row", string.Create(
                CultureInfo.InvariantCulture, $"repeats line {_scoreLines[first]}: one row per case, member, session, instrument and rater"));
        }
    }

    private void ReadContacts(string text)
    {
        var cursor = new CsvCursor(text);
        var map = ReadHeader(Contacts, ContactColumns, ["case_id", "datetime", "channel", "initiated_by"], cursor);
        if (map is null)
        {
            return;
        }

        var headerCount = _record.Count;
        while (NextRow(Contacts, cursor, headerCount, out var ok))
        {
            if (!ok)
            {
                continue;
            }

            var line = _record.Line;
            var caseId = _record.Get(map[0]);
            var caseIndex = -1;
            if (Required(Contacts, caseId, "case_id") && !FindCase(Contacts, caseId, out caseIndex))
            {
                caseIndex = -1;
            }

            int? memberIndex = null;
            var memberId = _record.Get(map[1]);
            if (!memberId.IsEmpty && caseIndex >= 0)
            {
                if (FindMember(Contacts, "member_id", caseIndex, memberId, out var m))
                {
                    memberIndex = m;
                }
                else
                {
                    caseIndex = -1;
                }
            }

            var timeText = _record.Get(map[2]);
            DateTime? time = null;
            if (Required(Contacts, timeText, "datetime"))
            {
                if (timeText.Length == 16 && (timeText[10] == 'T' || timeText[10] == 't')
                    && TryDate(timeText[..10], out var date) && TryTime(timeText[11..], out var minute))
                {
                    time = date.ToDateTime(new TimeOnly(minute / 60, minute % 60));
                }
                else
                {
                    Problem(Contacts, line, "datetime", $"{Echo(timeText)} is not a date and time (YYYY-MM-DDTHH:MM)");
                }
            }

            var channelText = _record.Get(map[3]);
            var channel = ContactChannel.AgencyPhone;
            var hasChannel = Required(Contacts, channelText, "channel");
            if (hasChannel && !Vocabulary.TryParse(channelText, out channel))
            {
                Problem(Contacts, line, "channel", $"{Echo(channelText)} is not a channel ({string.Join(", ", Vocabulary.ChannelWords)})");
                hasChannel = false;
            }

            var byText = _record.Get(map[4]);
            var initiator = ContactInitiator.Client;
            var hasInitiator = Required(Contacts, byText, "initiated_by");
            if (hasInitiator && !Vocabulary.TryParse(byText, out initiator))
            {
                Problem(Contacts, line, "initiated_by", $"{Echo(byText)} is not therapist or client");
                hasInitiator = false;
            }

            var minutes = Minutes(Contacts, map[5], "minutes");
            if (caseIndex >= 0 && time is { } t && hasChannel && hasInitiator)
            {
                _builder.AddContact(caseIndex, memberIndex, t, channel, initiator, minutes < 0 ? null : minutes);
            }
        }
    }

    private readonly record struct SessionInfo(
        int CaseIndex, int Number, DateOnly Date, int Line, SessionStatus Status, int AttendedStart, int AttendedCount);
}
