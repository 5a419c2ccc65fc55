using System.Text;

namespace Alliance.Application.Import;

/// <summary>
/// Where each row of a spreadsheet folder starts, by its keys, so that a problem found while storing a row (a rule of
/// the record, or a row that differs from what an earlier import stored) is reported as <c>file:line: column: sentence</c>
/// like the reader's own problems. Reads the folder the reader has already accepted: RFC 4180 quoting, a header on
/// line 1, case-insensitive header names, values trimmed.
/// </summary>
internal sealed class RowLines
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    private RowLines() { }

    /// <summary>Reads the line numbers of members.csv, sessions.csv and scores.csv in a folder.</summary>
    public static RowLines Read(string folder)
    {
        var lines = new RowLines();
        lines.Index(folder, "members.csv", row => Key("members", row("case_id"), row("member_id")));
        lines.Index(folder, "sessions.csv", row => Key("sessions", row("case_id"), Number(row("session_number"))));
        lines.Index(folder, "scores.csv", row => Key("scores", row("case_id"), row("member_id"), Number(row("session_number")),
            row("instrument").ToLowerInvariant(), row("rater") is { Length: > 0 } rater ? rater.ToLowerInvariant() : "client"));
        return lines;
    }

    /// <summary>The line of a member's row, or null.</summary>
    public int? Member(string caseId, string memberId) => Find(Key("members", caseId, memberId));

    /// <summary>The line of a case's first member row, or null.</summary>
    public int? Case(string caseId) => Find(Key("case", caseId));

    /// <summary>The line of a session's row, or null.</summary>
    public int? Session(string caseId, int number) => Find(Key("sessions", caseId, number.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The line of a score's row, or null.</summary>
    public int? Score(string caseId, string memberId, int session, string instrument, string rater) =>
        Find(Key("scores", caseId, memberId, session.ToString(System.Globalization.CultureInfo.InvariantCulture), instrument.ToLowerInvariant(), rater));

    private int? Find(string key) => _lines.TryGetValue(key, out var line) ? line : null;

    private static string Key(params string[] parts) => string.Join('\u001f', parts);

    // "04" and "4" name the same session.
    private static string Number(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : text;

    private void Index(string folder, string file, Func<Func<string, string>, string> keyOf)
    {
        var path = Directory.EnumerateFiles(folder).FirstOrDefault(p => string.Equals(Path.GetFileName(p), file, StringComparison.OrdinalIgnoreCase));
        if (path is null) return;
        var text = File.ReadAllText(path, Encoding.UTF8);
        Dictionary<string, int>? header = null;
        foreach (var (line, fields) in Records(text))
        {
            if (header is null)
            {
                header = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < fields.Count; i++) header.TryAdd(fields[i], i);
                continue;
            }
            string Value(string column) => header.TryGetValue(column, out var i) && i < fields.Count ? fields[i] : "";
            _lines.TryAdd(keyOf(Value), line);
            if (file == "members.csv") _lines.TryAdd(Key("case", Value("case_id")), line);
        }
    }

    /// <summary>The records of a CSV text with the line each starts on; blank lines are skipped.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> Records(string text)
    {
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var line = 1;
        var i = start;
        while (i < text.Length)
        {
            var recordLine = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            var endOfRecord = false;
            while (i < text.Length && !endOfRecord)
            {
                var ch = text[i];
                if (quoted)
                {
                    if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                    if (ch == '"') { quoted = false; i++; continue; }
                    if (ch == '\n') line++;
                    field.Append(ch);
                    i++;
                    continue;
                }
                switch (ch)
                {
                    case '"' when field.ToString().Trim().Length == 0:
                        field.Clear();
                        quoted = true;
                        break;
                    case ',':
                        fields.Add(field.ToString().Trim());
                        field.Clear();
                        break;
                    case '\r':
                        break;
                    case '\n':
                        line++;
                        endOfRecord = true;
                        break;
                    default:
                        field.Append(ch);
                        break;
                }
                i++;
            }
            fields.Add(field.ToString().Trim());
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            yield return (recordLine, fields);
        }
    }
}
