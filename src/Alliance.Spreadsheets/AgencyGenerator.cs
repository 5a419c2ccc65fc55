using System.Globalization;
using System.Text;
using Alliance.Signals;

namespace Alliance.Spreadsheets;

/// <summary>What a generated agency holds.</summary>
/// <param name="Families">Families (cases).</param>
/// <param name="Members">Members.</param>
/// <param name="Sessions">Sessions of any status.</param>
/// <param name="Scores">Score rows of every rater.</param>
/// <param name="Contacts">Contacts between sessions.</param>
public sealed record GeneratedAgencySize(int Families, int Members, int Sessions, long Scores, int Contacts);

/// <summary>
/// Makes a synthetic agency in the spreadsheet format, at any size, the same for the same seed:
/// single clients, couples and families with children (some turning 13 in care); improvers, early
/// recoverers, non-responders and deteriorators; stable, low, ruptured-and-repaired and ruptured-and-
/// unrepaired alliances; split families; dropouts; cancelled and missed sessions; therapists whose
/// sessions overrun or who skip feedback; decimal scores; observer ratings; and contacts between
/// sessions, some on personal channels or out of hours. All people are invented.
/// </summary>
public sealed class AgencyGenerator
{
    private static readonly DateOnly FirstStart = new(2023, 1, 2);

    /// <summary>Creates a generator.</summary>
    /// <param name="families">How many families to make (1 or more).</param>
    /// <param name="seed">The seed: the same seed gives the same agency.</param>
    public AgencyGenerator(int families, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(families, 1);
        Families = families;
        Seed = seed;
    }

    /// <summary>How many families are made.</summary>
    public int Families { get; }

    /// <summary>The seed.</summary>
    public ulong Seed { get; }

    /// <summary>Writes the agency as a spreadsheet folder (created if needed; the format's files in it are replaced).</summary>
    /// <param name="folder">The folder's path.</param>
    /// <returns>What was written.</returns>
    public GeneratedAgencySize WriteFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "format.txt"), "1\n");
        using var target = new CsvTarget(folder);
        Generate(target.Add);
        return target.Size;
    }

    /// <summary>Builds the agency in memory, as reading its folder would.</summary>
    /// <param name="instruments">The catalogue (it must hold the built-in instruments); the default when null.</param>
    public Caseload BuildCaseload(InstrumentCatalogue? instruments = null)
    {
        var target = new CaseloadTarget(instruments ?? InstrumentCatalogue.Default, Families);
        Generate(target.Add);
        return target.Builder.Build();
    }

    private void Generate(Action<Family> add)
    {
        var width = Math.Max(7, (Families - 1).ToString(CultureInfo.InvariantCulture).Length);
        var family = new Family();
        for (var f = 0; f < Families; f++)
        {
            var rng = new Rng(Seed, (ulong)f);
            family.Clear();
            family.CaseId = "C" + f.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            MakeFamily(ref rng, family);
            add(family);
        }
    }

    private static void MakeFamily(ref Rng rng, Family family)
    {
        var start = FirstStart.AddDays(rng.Next(900));
        var startYear = start.Year;

        // Who is in the family.
        var shape = rng.NextDouble();
        if (shape < 0.35)
        {
            family.Members.Add(new Member("M1", MemberRole.Client, startYear - rng.Range(19, 75)));
        }
        else if (shape < 0.55)
        {
            family.Members.Add(new Member("M1", MemberRole.Partner, startYear - rng.Range(22, 70)));
            family.Members.Add(new Member("M2", MemberRole.Partner, startYear - rng.Range(22, 70)));
        }
        else
        {
            var adults = rng.NextDouble() < 0.55 ? 2 : 1;
            var children = rng.NextDouble() < 0.6 ? 1 : 2;
            var next = 1;
            for (var a = 0; a < adults; a++)
            {
                var role = rng.NextDouble() < 0.75 ? MemberRole.Parent : MemberRole.Caregiver;
                family.Members.Add(new Member("M" + next++.ToString(CultureInfo.InvariantCulture), role, startYear - rng.Range(26, 60)));
            }

            for (var c = 0; c < children; c++)
            {
                // Ages 6 to 16 at the start: some turn 13 while in care and move to the adult checks.
                family.Members.Add(new Member("M" + next++.ToString(CultureInfo.InvariantCulture), MemberRole.Child, startYear - rng.Range(6, 17)));
            }

            if (rng.NextDouble() < 0.1)
            {
                family.Members.Add(new Member("M" + next.ToString(CultureInfo.InvariantCulture), MemberRole.Other, startYear - rng.Range(55, 85)));
            }
        }

        // How long the family stays.
        var engagement = rng.NextDouble();
        var sessionCount = engagement < 0.2 ? rng.Range(1, 4)
            : engagement < 0.5 ? rng.Range(4, 9)
            : engagement < 0.85 ? rng.Range(8, 15)
            : rng.Range(15, 25);
        var scheduled = family.Members.Count == 1 ? 50 : family.Members.Count == 2 ? 60 : rng.NextDouble() < 0.5 ? 60 : 90;
        var overrunning = rng.NextDouble() < 0.1;
        var skipsFeedback = rng.NextDouble() < 0.1;
        var decimals = rng.NextDouble() < 0.25;
        var baseMinute = (8 * 60) + (30 * rng.Next(21));

        // Each member's course.
        var split = family.Members.Count > 1 && rng.NextDouble() < 0.12 ? rng.Next(family.Members.Count) : -1;
        var courses = new Course[family.Members.Count];
        for (var m = 0; m < courses.Length; m++)
        {
            courses[m] = Course.Create(ref rng, family.Members[m], startYear, sessionCount, m == split);
        }

        var date = start;
        for (var s = 0; s < sessionCount; s++)
        {
            if (s > 0)
            {
                date = date.AddDays(rng.NextDouble() < 0.1 ? 14 : 7);
            }

            var status = SessionStatus.Held;
            if (s > 0)
            {
                var roll = rng.NextDouble();
                status = roll < 0.05 ? SessionStatus.Cancelled : roll < 0.08 ? SessionStatus.NoShow : SessionStatus.Held;
            }

            var session = new Session
            {
                Number = s + 1,
                Date = date,
                StartMinute = Math.Min((19 * 60) + 30, baseMinute + (30 * (rng.Next(3) - 1))),
                Scheduled = scheduled,
                Status = status,
            };
            family.Sessions.Add(session);
            if (status != SessionStatus.Held)
            {
                continue;
            }

            session.Actual = overrunning && rng.NextDouble() < 0.5 ? scheduled + rng.Range(15, 41)
                : rng.NextDouble() < 0.02 ? -1
                : rng.NextDouble() < 0.08 ? scheduled + rng.Range(1, 11)
                : scheduled;
            var feedbackRoll = rng.NextDouble();
            session.Feedback = feedbackRoll < (skipsFeedback ? 0.4 : 0.07) ? FeedbackDiscussed.No
                : feedbackRoll < 0.82 ? FeedbackDiscussed.Yes
                : FeedbackDiscussed.NotRecorded;

            var listed = rng.NextDouble() < 0.85;
            var anyone = false;
            for (var m = 0; m < family.Members.Count; m++)
            {
                var attends = rng.NextDouble() < 0.88;
                if (!attends && !(m == family.Members.Count - 1 && !anyone))
                {
                    continue;
                }

                anyone = true;
                if (listed)
                {
                    session.Attended.Add(m);
                }

                courses[m].Rate(ref rng, family, family.Sessions.Count - 1, m, decimals);
            }
        }

        if (rng.NextDouble() < 0.18)
        {
            var count = rng.Range(1, 4);
            var span = Math.Max(1, family.Sessions[^1].Date.DayNumber - start.DayNumber);
            for (var c = 0; c < count; c++)
            {
                var day = start.AddDays(rng.NextDouble() < 0.1 ? -rng.Range(1, 10) : rng.Next(span + 1));
                int minute;
                if (rng.NextDouble() < 0.8)
                {
                    minute = (8 * 60) + (15 * rng.Next(46));
                    while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                    {
                        day = day.AddDays(1);
                    }
                }
                else
                {
                    minute = rng.NextDouble() < 0.5 ? (21 * 60) + (15 * rng.Next(11)) : 15 * rng.Next(27);
                }

                var channel = rng.NextDouble() < 0.65 ? (ContactChannel)rng.Next(3) : (ContactChannel)(3 + rng.Next(5));
                family.Contacts.Add(new Contact(
                    rng.NextDouble() < 0.75 ? rng.Next(family.Members.Count) : -1,
                    day.ToDateTime(new TimeOnly(minute / 60, minute % 60)),
                    channel,
                    rng.NextDouble() < 0.5 ? ContactInitiator.Therapist : ContactInitiator.Client,
                    rng.Range(2, 31)));
            }
        }
    }

    /// <summary>A member's course in care: where their wellbeing and alliance start and how they move.</summary>
    private sealed class Course
    {
        private int _birthYear;
        private bool _symptoms;
        private double _wellbeing;
        private double _wellbeingStep;
        private double _wellbeingCeiling;
        private double _alliance;
        private int _ruptureAt;
        private bool _repairs;
        private int _ratingsSeen;

        public static Course Create(ref Rng rng, Member member, int startYear, int sessions, bool splitLow)
        {
            var course = new Course { _birthYear = member.BirthYear };
            var child = startYear - member.BirthYear <= 12;
            course._symptoms = !child && rng.NextDouble() < 0.35;

            var kind = rng.NextDouble();
            if (kind < 0.17)
            {
                // Not on the clinical side at intake.
                course._wellbeing = child ? rng.Range(32, 39) : rng.Range(26, 37);
                course._wellbeingStep = 0.1;
            }
            else
            {
                course._wellbeing = child ? rng.Range(14, 31) : rng.Range(8, 24);
                course._wellbeingStep = kind < 0.57 ? 0.9 + (rng.NextDouble() * 1.6) // improver
                    : kind < 0.67 ? 3 + (rng.NextDouble() * 2) // early recoverer
                    : kind < 0.92 ? (rng.NextDouble() * 0.6) - 0.3 // non-responder
                    : -0.7 - rng.NextDouble(); // deteriorator
            }

            course._wellbeingCeiling = Math.Min(38, course._wellbeing + 10 + rng.Next(7));

            var alliance = rng.NextDouble();
            course._alliance = alliance < 0.65 ? rng.Range(37, 41) : alliance < 0.87 ? rng.Range(33, 38) : rng.Range(27, 33);
            if (splitLow)
            {
                course._alliance -= rng.Range(7, 13);
            }

            var rupture = rng.NextDouble();
            course._ruptureAt = rupture < 0.2 && sessions > 2 ? rng.Range(2, sessions + 1) : -1;
            course._repairs = rupture < 0.12;
            return course;
        }

        public void Rate(ref Rng rng, Family family, int sessionIndex, int member, bool decimals)
        {
            var session = family.Sessions[sessionIndex];
            var age = session.Date.Year - _birthYear;
            if (age < 6)
            {
                return;
            }

            var child = age <= 12;
            _ratingsSeen++;
            if (_ratingsSeen > 1)
            {
                _wellbeing = Math.Clamp(_wellbeing + _wellbeingStep, 0, _wellbeingCeiling);
            }

            var alliance = _alliance;
            if (_ruptureAt > 0 && _ratingsSeen >= _ruptureAt)
            {
                var since = _ratingsSeen - _ruptureAt;
                alliance -= _repairs && since >= 1 + (_ruptureAt % 2) ? rng.Range(0, 2) : 8 + rng.Next(5);
            }

            var wellbeing = Noisy(ref rng, _wellbeing, 1.5, 0, 40, decimals);
            var allianceScore = Noisy(ref rng, alliance, 1, 0, 40, decimals);
            family.Scores.Add(new ScoreRow(member, sessionIndex, child ? "child-alliance-check" : "alliance-check", Rater.Client, allianceScore));
            family.Scores.Add(new ScoreRow(member, sessionIndex, child ? "child-wellbeing-check" : "wellbeing-check", Rater.Client, wellbeing));
            if (_symptoms)
            {
                var severity = 1 - (_wellbeing / 40.0);
                family.Scores.Add(new ScoreRow(member, sessionIndex, "phq-9", Rater.Client, Noisy(ref rng, 27 * severity * 0.9, 1.5, 0, 27, false)));
                family.Scores.Add(new ScoreRow(member, sessionIndex, "gad-7", Rater.Client, Noisy(ref rng, 21 * severity * 0.8, 1.5, 0, 21, false)));
            }

            if (rng.NextDouble() < 0.04)
            {
                family.Scores.Add(new ScoreRow(member, sessionIndex, "alliance-check", Rater.Observer, Noisy(ref rng, alliance - 2, 3, 0, 40, false)));
            }
        }

        private static Score Noisy(ref Rng rng, double value, double spread, int low, int high, bool decimals)
        {
            var noisy = value + ((rng.NextDouble() - 0.5) * 2 * spread);
            var tenths = decimals ? (int)Math.Round(noisy * 10) : 10 * (int)Math.Round(noisy);
            return Score.FromTenths(Math.Clamp(tenths, low * 10, high * 10));
        }
    }

    private sealed record Member(string Id, MemberRole Role, int BirthYear);

    private sealed class Session
    {
        public int Number { get; init; }

        public DateOnly Date { get; init; }

        public int StartMinute { get; init; }

        public int Scheduled { get; init; }

        public int Actual { get; set; } = -1;

        public SessionStatus Status { get; init; }

        public FeedbackDiscussed Feedback { get; set; }

        public List<int> Attended { get; } = [];
    }

    private readonly record struct ScoreRow(int Member, int Session, string Instrument, Rater Rater, Score Score);

    private readonly record struct Contact(int Member, DateTime Time, ContactChannel Channel, ContactInitiator By, int Minutes);

    private sealed class Family
    {
        public string CaseId { get; set; } = string.Empty;

        public List<Member> Members { get; } = [];

        public List<Session> Sessions { get; } = [];

        public List<ScoreRow> Scores { get; } = [];

        public List<Contact> Contacts { get; } = [];

        public void Clear()
        {
            Members.Clear();
            Sessions.Clear();
            Scores.Clear();
            Contacts.Clear();
        }
    }

    /// <summary>xoshiro256** seeded by SplitMix64 from the seed and the family: each family is the same whatever the size of the agency.</summary>
    private struct Rng
    {
        private ulong _s0, _s1, _s2, _s3;

        public Rng(ulong seed, ulong stream)
        {
            var x = seed ^ (stream * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL;
            _s0 = SplitMix(ref x);
            _s1 = SplitMix(ref x);
            _s2 = SplitMix(ref x);
            _s3 = SplitMix(ref x);
        }

        public ulong NextUInt64()
        {
            var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>A whole number from 0 to <paramref name="bound"/> - 1.</summary>
        public int Next(int bound) => (int)((NextUInt64() >> 33) * (ulong)bound >> 31);

        /// <summary>A whole number from <paramref name="low"/> to <paramref name="highExclusive"/> - 1.</summary>
        public int Range(int low, int highExclusive) => low + Next(highExclusive - low);

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        private static ulong SplitMix(ref ulong x)
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private sealed class CsvTarget : IDisposable
    {
        private readonly StreamWriter _members;
        private readonly StreamWriter _sessions;
        private readonly StreamWriter _scores;
        private readonly StreamWriter _contacts;
        private readonly StringBuilder _line = new(256);
        private int _families;
        private int _memberCount;
        private int _sessionCount;
        private long _scoreCount;
        private int _contactCount;

        public CsvTarget(string folder)
        {
            _members = Open(folder, "members.csv", "case_id,member_id,role,birth_year,name");
            _sessions = Open(folder, "sessions.csv", "case_id,session_number,date,start_time,scheduled_minutes,actual_minutes,status,attended,feedback_discussed");
            _scores = Open(folder, "scores.csv", "case_id,member_id,session_number,instrument,score,rater");
            _contacts = Open(folder, "contacts.csv", "case_id,member_id,datetime,channel,initiated_by,minutes");
        }

        public GeneratedAgencySize Size => new(_families, _memberCount, _sessionCount, _scoreCount, _contactCount);

        public void Add(Family family)
        {
            _families++;
            var inv = CultureInfo.InvariantCulture;
            foreach (var member in family.Members)
            {
                _members.Write(string.Create(inv, $"{family.CaseId},{member.Id},{Vocabulary.Word(member.Role)},{member.BirthYear},\n"));
                _memberCount++;
            }

            foreach (var session in family.Sessions)
            {
                _line.Clear();
                _line.Append(inv, $"{family.CaseId},{session.Number},{session.Date:yyyy-MM-dd},{session.StartMinute / 60:00}:{session.StartMinute % 60:00},{session.Scheduled},");
                if (session.Actual >= 0)
                {
                    _line.Append(session.Actual.ToString(inv));
                }

                _line.Append(',').Append(Vocabulary.Word(session.Status)).Append(',');
                for (var a = 0; a < session.Attended.Count; a++)
                {
                    _line.Append(a > 0 ? ";" : string.Empty).Append(family.Members[session.Attended[a]].Id);
                }

                _line.Append(',').Append(session.Feedback switch
                {
                    FeedbackDiscussed.Yes => "yes",
                    FeedbackDiscussed.No => "no",
                    _ => string.Empty,
                }).Append('\n');
                _sessions.Write(_line);
                _sessionCount++;
            }

            foreach (var score in family.Scores)
            {
                _line.Clear();
                _line.Append(family.CaseId).Append(',').Append(family.Members[score.Member].Id).Append(',')
                    .Append(family.Sessions[score.Session].Number.ToString(inv)).Append(',')
                    .Append(score.Instrument).Append(',').Append(score.Score.ToString()).Append(',')
                    .Append(Vocabulary.Word(score.Rater)).Append('\n');
                _scores.Write(_line);
                _scoreCount++;
            }

            foreach (var contact in family.Contacts)
            {
                var member = contact.Member >= 0 ? family.Members[contact.Member].Id : string.Empty;
                _contacts.Write(string.Create(
                    inv, $"{family.CaseId},{member},{contact.Time:yyyy-MM-dd'T'HH:mm},{Vocabulary.Word(contact.Channel)},{Vocabulary.Word(contact.By)},{contact.Minutes}\n"));
                _contactCount++;
            }
        }

        public void Dispose()
        {
            _members.Dispose();
            _sessions.Dispose();
            _scores.Dispose();
            _contacts.Dispose();
        }

        private static StreamWriter Open(string folder, string name, string header)
        {
            var writer = new StreamWriter(Path.Combine(folder, name), append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
            writer.Write(header);
            writer.Write('\n');
            return writer;
        }
    }

    private sealed class CaseloadTarget(InstrumentCatalogue instruments, int families)
    {
        private readonly Dictionary<string, int> _instrumentIndex = new(StringComparer.Ordinal);
        private readonly List<int> _memberIndex = [];
        private readonly List<int> _sessionIndex = [];
        private readonly List<int> _attended = [];

        public CaseloadBuilder Builder { get; } = new(instruments, families * 24);

        public void Add(Family family)
        {
            var caseIndex = Builder.AddCase(family.CaseId);
            _memberIndex.Clear();
            foreach (var member in family.Members)
            {
                _memberIndex.Add(Builder.AddMember(caseIndex, member.Id, member.Role, member.BirthYear));
            }

            _sessionIndex.Clear();
            foreach (var session in family.Sessions)
            {
                _attended.Clear();
                foreach (var m in session.Attended)
                {
                    _attended.Add(_memberIndex[m]);
                }

                _sessionIndex.Add(Builder.AddSession(
                    caseIndex, session.Number, session.Date, session.Status,
                    new TimeOnly(session.StartMinute / 60, session.StartMinute % 60), session.Scheduled,
                    session.Actual < 0 ? null : session.Actual, session.Feedback,
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_attended)));
            }

            foreach (var score in family.Scores)
            {
                Builder.AddScore(_memberIndex[score.Member], _sessionIndex[score.Session], Instrument(score.Instrument), score.Rater, score.Score);
            }

            foreach (var contact in family.Contacts)
            {
                Builder.AddContact(caseIndex, contact.Member >= 0 ? _memberIndex[contact.Member] : null, contact.Time, contact.Channel, contact.By, contact.Minutes);
            }
        }

        private int Instrument(string id)
        {
            if (!_instrumentIndex.TryGetValue(id, out var index))
            {
                index = instruments.TryGetIndex(id, out var found)
                    ? found
                    : throw new InvalidOperationException("The catalogue lacks a built-in instrument.");
                _instrumentIndex[id] = index;
            }

            return index;
        }
    }
}
