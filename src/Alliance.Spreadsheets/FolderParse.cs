using System.Globalization;
using System.Runtime.CompilerServices;
using Alliance.Signals;
using Alliance.Spreadsheets.Csv;

namespace Alliance.Spreadsheets;

/// <summary>One reading of one folder: parses the files in order, checks every row and collects every problem.</summary>
internal sealed partial class FolderParse
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
    private readonly int _parallelThreshold;
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
    private readonly List<(int Case, string Id, int Index)> _memberList = [];
    private readonly List<string> _memberIds = [];
    private char[] _keyBuffer = new char[128];
    private int[] _caseMemberStart = [0];
    private string[] _caseMemberIds = [];
    private int[] _caseMemberIndex = [];
    private bool _membersRead;
    private bool _sessionsRead;

    public FolderParse(InstrumentCatalogue instruments, int parallelThreshold)
    {
        _instruments = instruments;
        _parallelThreshold = parallelThreshold;
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

    /// <summary>
    /// A value as a problem quotes it: at most 40 characters, with line breaks and other control characters written
    /// as escapes, so that every problem stays on one line (a quoted value may hold a line break).
    /// </summary>
    private static string Echo(ReadOnlySpan<char> value)
    {
        var shown = value.Length <= 40 ? value : value[..37];
        var clean = true;
        foreach (var c in shown)
        {
            clean &= !NeedsEscape(c);
        }

        if (clean)
        {
            return value.Length <= 40 ? value.ToString() : string.Concat(shown, "...");
        }

        var text = new System.Text.StringBuilder(shown.Length + 8);
        foreach (var c in shown)
        {
            _ = c switch
            {
                '\n' => text.Append("\\n"),
                '\r' => text.Append("\\r"),
                '\t' => text.Append("\\t"),
                _ when NeedsEscape(c) => text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
                _ => text.Append(c),
            };
        }

        return value.Length <= 40 ? text.ToString() : text.Append("...").ToString();
    }

    private static bool NeedsEscape(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        // Only valid rows reach the builder, so repeats can be found alongside every other problem.
        if (_builder.ScoreCount > 0)
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
        if (TryFindCase(caseId, out caseIndex))
        {
            return true;
        }

        if (_membersRead)
        {
            Problem(file, _record.Line, "case_id", CaseNotFound(caseId));
        }

        return false;
    }

    /// <summary>Looks a case up (safe from several threads once members.csv is read).</summary>
    private bool TryFindCase(ReadOnlySpan<char> caseId, out int caseIndex) => _caseLookup.TryGetValue(caseId, out caseIndex);

    private static string CaseNotFound(ReadOnlySpan<char> caseId) => $"case {Echo(caseId)} is not in members.csv";

    private string MemberNotFound(int caseIndex, ReadOnlySpan<char> memberId) =>
        $"member {Echo(memberId)} is not in case {Echo(_caseIds[caseIndex])} in members.csv";

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
        if (TryFindMember(caseIndex, memberId, out memberIndex))
        {
            return true;
        }

        Problem(file, _record.Line, column, MemberNotFound(caseIndex, memberId));
        return false;
    }

    /// <summary>Looks a member of a case up (safe from several threads once members.csv is read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFindMember(int caseIndex, ReadOnlySpan<char> memberId, out int memberIndex)
    {
        // A family has a few members: comparing with each is faster than hashing a composite key.
        int start = _caseMemberStart[caseIndex], end = _caseMemberStart[caseIndex + 1];
        for (var k = start; k < end; k++)
        {
            if (memberId.SequenceEqual(_caseMemberIds[k]))
            {
                memberIndex = _caseMemberIndex[k];
                return true;
            }
        }

        memberIndex = -1;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
                var newCaseId = caseId.ToString();
                caseIndex = _builder.AddCase(newCaseId);
                _cases.Add(newCaseId, caseIndex);
                _caseIds.Add(newCaseId);
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
            var id = memberId.ToString();
            var memberIndex = _builder.AddMember(caseIndex, id, role, birthYear, nameText.IsEmpty ? null : nameText.ToString());
            _members.Add(key.ToString(), (memberIndex, _record.Line));
            _memberList.Add((caseIndex, id, memberIndex));
            _memberIds.Add(id);
        }

        GroupMembersByCase();
    }

    /// <summary>Lays out each case's members side by side (a counting sort by case) for <see cref="FindMember"/>.</summary>
    private void GroupMembersByCase()
    {
        _caseMemberStart = new int[_caseIds.Count + 1];
        foreach (var member in _memberList)
        {
            _caseMemberStart[member.Case + 1]++;
        }

        for (var c = 0; c < _caseIds.Count; c++)
        {
            _caseMemberStart[c + 1] += _caseMemberStart[c];
        }

        var fill = (int[])_caseMemberStart.Clone();
        _caseMemberIds = new string[_memberList.Count];
        _caseMemberIndex = new int[_memberList.Count];
        foreach (var member in _memberList)
        {
            var at = fill[member.Case]++;
            _caseMemberIds[at] = member.Id;
            _caseMemberIndex[at] = member.Index;
        }
    }

    /// <summary>Session numbers follow date order: a higher number may not have an earlier date.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckDateOrder()
    {
        var info = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_sessionInfo);
        var order = new int[info.Length];
        var sorted = true;
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            sorted &= i == 0 || info[i - 1].CaseIndex < info[i].CaseIndex
                || (info[i - 1].CaseIndex == info[i].CaseIndex && info[i - 1].Number < info[i].Number);
        }

        // Files usually list each case's sessions in order; sort only when they do not.
        if (!sorted)
        {
            var keys = new long[order.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = ((long)info[i].CaseIndex << 32) | (uint)info[i].Number;
            }

            Array.Sort(keys, order);
        }

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

    private void FindDuplicateScores()
    {
        foreach (var (first, repeat) in _builder.FindDuplicateScores())
        {
            Problem(Scores, _scoreLines[repeat], "row", string.Create(
                CultureInfo.InvariantCulture, $"repeats line {_scoreLines[first]}: one row per case, member, session, instrument and rater"));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
