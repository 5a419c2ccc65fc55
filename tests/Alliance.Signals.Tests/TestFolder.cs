using System.Globalization;
using System.Text;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Signals.Tests;

/// <summary>
/// A synthetic spreadsheet folder built in memory, read by the real reader and evaluated by the real
/// engine, so that rule tests exercise the same path as <c>alliance signals</c>.
/// </summary>
internal sealed class TestFolder
{
    private readonly StringBuilder _members = new("case_id,member_id,role,birth_year,name\n");
    private readonly StringBuilder _sessions = new("case_id,session_number,date,start_time,scheduled_minutes,actual_minutes,status,attended,feedback_discussed\n");
    private readonly StringBuilder _scores = new("case_id,member_id,session_number,instrument,score,rater\n");
    private readonly StringBuilder _contacts = new("case_id,member_id,datetime,channel,initiated_by,minutes\n");

    public TestFolder Member(string caseId, string memberId, string role = "client", int? birthYear = 1980)
    {
        _members.Append(CultureInfo.InvariantCulture, $"{caseId},{memberId},{role},{birthYear},\n");
        return this;
    }

    /// <summary>Adds a session; by default held on the Monday of week <paramref name="number"/> of 2025, 50 of 50 minutes, feedback discussed.</summary>
    public TestFolder Session(
        string caseId, int number, string? date = null, string status = "held", string attended = "",
        string feedback = "yes", string scheduled = "50", string actual = "50", string start = "10:00")
    {
        date ??= new DateOnly(2025, 1, 6).AddDays(7 * (number - 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _sessions.Append(CultureInfo.InvariantCulture, $"{caseId},{number},{date},{start},{scheduled},{actual},{status},{attended},{feedback}\n");
        return this;
    }

    public TestFolder Sessions(string caseId, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            Session(caseId, n);
        }

        return this;
    }

    public TestFolder Score(string caseId, string memberId, int session, string instrument, string score, string rater = "client")
    {
        _scores.Append(CultureInfo.InvariantCulture, $"{caseId},{memberId},{session},{instrument},{score},{rater}\n");
        return this;
    }

    /// <summary>One score per session, sessions 1, 2, 3...</summary>
    public TestFolder Series(string caseId, string memberId, string instrument, params string[] scores)
    {
        for (var i = 0; i < scores.Length; i++)
        {
            Score(caseId, memberId, i + 1, instrument, scores[i]);
        }

        return this;
    }

    public TestFolder Contact(string caseId, string memberId, string dateTime, string channel, string initiatedBy)
    {
        _contacts.Append(CultureInfo.InvariantCulture, $"{caseId},{memberId},{dateTime},{channel},{initiatedBy},5\n");
        return this;
    }

    public Dictionary<string, string> Files() => new()
    {
        ["members.csv"] = _members.ToString(),
        ["sessions.csv"] = _sessions.ToString(),
        ["scores.csv"] = _scores.ToString(),
        ["contacts.csv"] = _contacts.ToString(),
    };

    public Caseload Caseload(InstrumentCatalogue? instruments = null)
    {
        var result = new SpreadsheetReader(instruments).Read(Files());
        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        return result.Caseload!;
    }

    public List<Alert> Alerts(SignalRules? rules = null, IExpectedTrajectory? trajectory = null) =>
        [.. new SignalEngine(rules, trajectory).Evaluate(Caseload(rules?.Instruments))];

    /// <summary>The alerts of one kind, as "session:member:instrument".</summary>
    public List<string> Keys(AlertKind kind, SignalRules? rules = null) =>
        Alerts(rules).Where(a => a.Kind == kind).Select(Key).ToList();

    public static string Key(Alert alert) => $"{alert.SessionNumber}:{alert.MemberId}:{alert.Instrument}";
}
