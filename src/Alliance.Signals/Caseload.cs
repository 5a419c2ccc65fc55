using System.Runtime.CompilerServices;

namespace Alliance.Signals;

/// <summary>One family in a <see cref="Caseload"/>, with the ranges of its members, sessions and contacts.</summary>
public readonly struct CaseRecord
{
    internal CaseRecord(string id, int memberStart, int memberCount, int sessionStart, int sessionCount, int contactStart, int contactCount)
    {
        Id = id;
        MemberStart = memberStart;
        MemberCount = memberCount;
        SessionStart = sessionStart;
        SessionCount = sessionCount;
        ContactStart = contactStart;
        ContactCount = contactCount;
    }

    /// <summary>The case id.</summary>
    public string Id { get; }

    /// <summary>The index of the case's first member in <see cref="Caseload.Members"/>.</summary>
    public int MemberStart { get; }

    /// <summary>How many members the case has.</summary>
    public int MemberCount { get; }

    /// <summary>The index of the case's first session in <see cref="Caseload.Sessions"/> (sessions follow in number order).</summary>
    public int SessionStart { get; }

    /// <summary>How many sessions the case has.</summary>
    public int SessionCount { get; }

    /// <summary>The index of the case's first contact in <see cref="Caseload.Contacts"/> (contacts follow in time order).</summary>
    public int ContactStart { get; }

    /// <summary>How many contacts the case has.</summary>
    public int ContactCount { get; }
}

/// <summary>One member of a family.</summary>
public readonly struct MemberRecord
{
    internal MemberRecord(int caseIndex, string id, MemberRole role, int birthYear, string? name, int scoreStart, int scoreCount)
    {
        CaseIndex = caseIndex;
        Id = id;
        Role = role;
        BirthYearOrNone = birthYear;
        Name = name;
        ScoreStart = scoreStart;
        ScoreCount = scoreCount;
    }

    /// <summary>The index of the member's case.</summary>
    public int CaseIndex { get; }

    /// <summary>The member id, unique within the case.</summary>
    public string Id { get; }

    /// <summary>The member's role in the family.</summary>
    public MemberRole Role { get; }

    /// <summary>The birth year, or null when not given (then the member counts as an adult).</summary>
    public int? BirthYear => BirthYearOrNone < 0 ? null : BirthYearOrNone;

    /// <summary>The display name or pseudonym, or null.</summary>
    public string? Name { get; }

    /// <summary>The index of the member's first score in <see cref="Caseload.Scores"/>.</summary>
    public int ScoreStart { get; }

    /// <summary>How many scores (of any rater) the member has.</summary>
    public int ScoreCount { get; }

    internal int BirthYearOrNone { get; }
}

/// <summary>One session of a family.</summary>
public readonly struct SessionRecord
{
    internal SessionRecord(
        int caseIndex, int number, DateOnly date, int startMinute, int scheduled, int actual,
        SessionStatus status, FeedbackDiscussed feedback, int attendedStart, int attendedCount)
    {
        CaseIndex = caseIndex;
        Number = number;
        Date = date;
        StartMinute = startMinute;
        Scheduled = scheduled;
        Actual = actual;
        Status = status;
        Feedback = feedback;
        AttendedStart = attendedStart;
        AttendedCount = attendedCount;
    }

    /// <summary>The index of the session's case.</summary>
    public int CaseIndex { get; }

    /// <summary>The session number, unique within the case; numbers follow date order.</summary>
    public int Number { get; }

    /// <summary>The session date.</summary>
    public DateOnly Date { get; }

    /// <summary>The local start time, or null.</summary>
    public TimeOnly? StartTime => StartMinute < 0 ? null : new TimeOnly(StartMinute / 60, StartMinute % 60);

    /// <summary>The scheduled length in minutes, or null.</summary>
    public int? ScheduledMinutes => Scheduled < 0 ? null : Scheduled;

    /// <summary>The actual length in minutes, or null.</summary>
    public int? ActualMinutes => Actual < 0 ? null : Actual;

    /// <summary>Whether the session was held, cancelled or a no-show.</summary>
    public SessionStatus Status { get; }

    /// <summary>Whether the measures were discussed with the family.</summary>
    public FeedbackDiscussed Feedback { get; }

    /// <summary>The index of the first attending member in <see cref="Caseload.Attendance"/>; see <see cref="AttendedCount"/>.</summary>
    public int AttendedStart { get; }

    /// <summary>How many members the session lists as attending; 0 when not listed (then any member with a score attended).</summary>
    public int AttendedCount { get; }

    internal int StartMinute { get; }

    internal int Scheduled { get; }

    internal int Actual { get; }
}

/// <summary>One score: one rater's total on one instrument for one member at one session.</summary>
public readonly struct ScoreRecord
{
    private readonly short _instrument;

    internal ScoreRecord(int memberIndex, int sessionIndex, int instrument, Rater rater, Score score)
    {
        MemberIndex = memberIndex;
        SessionIndex = sessionIndex;
        Score = score;
        _instrument = (short)instrument;
        Rater = rater;
    }

    /// <summary>The index of the member rated.</summary>
    public int MemberIndex { get; }

    /// <summary>The index of the session.</summary>
    public int SessionIndex { get; }

    /// <summary>The score.</summary>
    public Score Score { get; }

    /// <summary>The instrument's index in <see cref="Caseload.Instruments"/>.</summary>
    public int Instrument => _instrument;

    /// <summary>Who gave the score.</summary>
    public Rater Rater { get; }
}

/// <summary>One contact between sessions.</summary>
public readonly struct ContactRecord
{
    internal ContactRecord(int caseIndex, int memberIndex, DateTime dateTime, ContactChannel channel, ContactInitiator initiatedBy, int minutes)
    {
        CaseIndex = caseIndex;
        MemberIndexOrNone = memberIndex;
        DateTime = dateTime;
        Channel = channel;
        InitiatedBy = initiatedBy;
        MinutesOrNone = minutes;
    }

    /// <summary>The index of the contact's case.</summary>
    public int CaseIndex { get; }

    /// <summary>The index of the member concerned, or null.</summary>
    public int? MemberIndex => MemberIndexOrNone < 0 ? null : MemberIndexOrNone;

    /// <summary>The local date and time (to the minute).</summary>
    public DateTime DateTime { get; }

    /// <summary>The channel.</summary>
    public ContactChannel Channel { get; }

    /// <summary>Who started it.</summary>
    public ContactInitiator InitiatedBy { get; }

    /// <summary>How long it took, or null.</summary>
    public int? Minutes => MinutesOrNone < 0 ? null : MinutesOrNone;

    internal int MemberIndexOrNone { get; }

    internal int MinutesOrNone { get; }
}

/// <summary>
/// Families, members, sessions, scores and contacts laid out as plain arrays for the rules: cases in
/// ordinal id order, each case's members in ordinal id order, sessions in number order, and each
/// member's scores grouped by series and in session order. Built by <see cref="CaseloadBuilder"/>.
/// </summary>
public sealed class Caseload
{
    private readonly CaseRecord[] _cases;
    private readonly MemberRecord[] _members;
    private readonly SessionRecord[] _sessions;
    private readonly ScoreRecord[] _scores;
    private readonly ContactRecord[] _contacts;
    private readonly int[] _attendance;

    internal Caseload(
        InstrumentCatalogue instruments, CaseRecord[] cases, MemberRecord[] members, SessionRecord[] sessions,
        ScoreRecord[] scores, ContactRecord[] contacts, int[] attendance)
    {
        Instruments = instruments;
        _cases = cases;
        _members = members;
        _sessions = sessions;
        _scores = scores;
        _contacts = contacts;
        _attendance = attendance;
    }

    /// <summary>The instruments that score records refer to by index.</summary>
    public InstrumentCatalogue Instruments { get; }

    /// <summary>The families, in ordinal order of their ids.</summary>
    public ReadOnlySpan<CaseRecord> Cases => _cases;

    /// <summary>The members, grouped by case.</summary>
    public ReadOnlySpan<MemberRecord> Members => _members;

    /// <summary>The sessions, grouped by case and in number order.</summary>
    public ReadOnlySpan<SessionRecord> Sessions => _sessions;

    /// <summary>The scores of every rater, grouped by member, then series, then in session order.</summary>
    public ReadOnlySpan<ScoreRecord> Scores => _scores;

    /// <summary>The contacts, grouped by case and in time order.</summary>
    public ReadOnlySpan<ContactRecord> Contacts => _contacts;

    internal ContactRecord[] ContactArray => _contacts;

    /// <summary>Member indexes of the sessions' attended lists (see <see cref="SessionRecord.AttendedStart"/>).</summary>
    public ReadOnlySpan<int> Attendance => _attendance;

    /// <summary>
    /// Whether a member attended a held session: listed in its attended list, or, when the list is
    /// empty, having a score of any rater at the session.
    /// </summary>
    /// <param name="memberIndex">The member.</param>
    /// <param name="sessionIndex">The session.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Attended(int memberIndex, int sessionIndex)
    {
        ref readonly var session = ref _sessions[sessionIndex];
        if (session.Status != SessionStatus.Held)
        {
            return false;
        }

        if (session.AttendedCount > 0)
        {
            return _attendance.AsSpan(session.AttendedStart, session.AttendedCount).Contains(memberIndex);
        }

        ref readonly var member = ref _members[memberIndex];
        foreach (ref readonly var score in _scores.AsSpan(member.ScoreStart, member.ScoreCount))
        {
            if (score.SessionIndex == sessionIndex)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a member is a child at a session under the rules' age limit (session year minus birth year).</summary>
    /// <param name="memberIndex">The member.</param>
    /// <param name="sessionIndex">The session.</param>
    /// <param name="childMaxAge">The highest age that counts as a child (12 by default).</param>
    public bool IsChild(int memberIndex, int sessionIndex, int childMaxAge)
    {
        var birthYear = _members[memberIndex].BirthYearOrNone;
        return birthYear >= 0 && _sessions[sessionIndex].Date.Year - birthYear <= childMaxAge;
    }
}
