using System.Text;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Signals.Tests;

/// <summary>The spreadsheet reader: RFC 4180 details, case and spaces, and every validation with its exact message.</summary>
[Trait("Capability", "Signals")]
public sealed class SpreadsheetReaderTests
{
    private const string Members = "case_id,member_id,role,birth_year,name\nF1,M1,client,1980,\nF1,M2,partner,1982,\n";
    private const string Sessions = "case_id,session_number,date,start_time,scheduled_minutes,actual_minutes,status,attended,feedback_discussed\n"
        + "F1,1,2025-01-06,10:00,50,50,held,M1;M2,yes\nF1,2,2025-01-13,10:00,50,50,cancelled,,\nF1,3,2025-01-20,10:00,50,50,held,M1,no\n";

    private const string Scores = "case_id,member_id,session_number,instrument,score,rater\nF1,M1,1,alliance-check,38,client\nF1,M2,1,alliance-check,30,client\n";

    private static SpreadsheetReadResult Read(string members = Members, string sessions = Sessions, string scores = Scores, string? contacts = null, string? format = null)
    {
        var files = new Dictionary<string, string> { ["members.csv"] = members, ["sessions.csv"] = sessions, ["scores.csv"] = scores };
        if (contacts is not null)
        {
            files["contacts.csv"] = contacts;
        }

        if (format is not null)
        {
            files["format.txt"] = format;
        }

        return new SpreadsheetReader().Read(files);
    }

    private static List<string> Problems(SpreadsheetReadResult result)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Caseload);
        return result.Problems.Select(p => p.ToString()).ToList();
    }

    private static string ScoresWith(params string[] rows) =>
        "case_id,member_id,session_number,instrument,score,rater\n" + string.Concat(rows.Select(r => r + "\n"));

    [Fact]
    public void AValidFolderGivesACaseload()
    {
        var result = Read();
        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
        var caseload = result.Caseload!;
        Assert.Equal(["F1"], caseload.Cases.ToArray().Select(c => c.Id));
        Assert.Equal(2, caseload.Members.Length);
        Assert.Equal(3, caseload.Sessions.Length);
        Assert.Equal(2, caseload.Scores.Length);
    }

    [Fact]
    public void HeadersAndWordsIgnoreCaseAndValuesIgnoreSurroundingSpaces()
    {
        var result = Read(
            members: "CASE_ID, Member_Id ,ROLE\n F1 , M1 , Client \nF1,M2,PARTNER\n",
            sessions: "Date,Case_ID,Session_Number,Status,Attended,Feedback_Discussed\n2025-01-06,F1,1,HELD, M1 ; M2 ,Yes\n",
            scores: "Rater,Score,Instrument,Session_Number,Member_ID,Case_ID\nCLIENT, 38.5 ,Alliance-Check,1,M1,F1\n");
        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        var caseload = result.Caseload!;
        Assert.Equal("M1", caseload.Members[0].Id);
        Assert.Equal(MemberRole.Client, caseload.Members[0].Role);
        Assert.Equal(2, caseload.Sessions[0].AttendedCount);
        Assert.Equal(FeedbackDiscussed.Yes, caseload.Sessions[0].Feedback);
        Assert.Equal(Score.Parse("38.5"), caseload.Scores[0].Score);
        Assert.Equal("alliance-check", caseload.Instruments[caseload.Scores[0].Instrument].Id);
    }

    [Fact]
    public void AByteOrderMarkAndCrLfLineEndingsAreAccepted()
    {
        var crlf = (string text) => "\uFEFF" + text.Replace("\n", "\r\n", StringComparison.Ordinal);
        var result = Read(crlf(Members), crlf(Sessions), crlf(Scores));
        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Equal("F1", result.Caseload!.Cases[0].Id);

        // Line numbers still count from the header as line 1.
        var problems = Problems(Read(scores: crlf(ScoresWith("F1,M1,1,alliance-check,38,client", "F1,M1,1,alliance-check,44,observer"))));
        Assert.Equal(["scores.csv:3: score: 44 is outside alliance-check's range 0-40"], problems);
    }

    [Fact]
    public void AFolderOnDiskWithAByteOrderMarkIsRead()
    {
        var folder = Directory.CreateTempSubdirectory("alliance-reader-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "Members.CSV"), Members, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            File.WriteAllText(Path.Combine(folder.FullName, "sessions.csv"), Sessions);
            File.WriteAllText(Path.Combine(folder.FullName, "scores.csv"), Scores);
            File.WriteAllText(Path.Combine(folder.FullName, "format.txt"), "1\n");
            var result = new SpreadsheetReader().ReadFolder(folder.FullName);
            Assert.True(result.IsValid, string.Join('\n', result.Problems));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void QuotedValuesMayHoldCommasQuotesAndLineBreaks()
    {
        var members = "case_id,member_id,role,birth_year,name\n"
            + "F1,M1,client,1980,\"Smith, \"\"Jo\"\"\"\n"
            + "F1,M2,partner,1982,\"two\nlines\"\n"
            + "F1,M3,parent,19x0,\n";
        var result = Read(members: members);
        Assert.Equal(["members.csv:5: birth_year: 19x0 is not a year of four digits"], Problems(result)); // the quoted line break counts

        var valid = Read(members: members.Replace("19x0", "1970", StringComparison.Ordinal));
        Assert.True(valid.IsValid, string.Join('\n', valid.Problems));
        Assert.Equal("Smith, \"Jo\"", valid.Caseload!.Members[0].Name);
        Assert.Equal("two\nlines", valid.Caseload.Members[1].Name);
    }

    [Fact]
    public void EmptyLinesAreSkipped()
    {
        var result = Read(scores: Scores + "\n\n" + "F1,M1,3,alliance-check,37,client\n\n");
        Assert.True(result.IsValid, string.Join('\n', result.Problems));
        Assert.Equal(3, result.Caseload!.Scores.Length);
    }

    [Fact]
    public void AMissingRequiredFileIsNamed()
    {
        var result = new SpreadsheetReader().Read(new Dictionary<string, string> { ["sessions.csv"] = Sessions, ["scores.csv"] = Scores });
        Assert.Equal(["members.csv: missing"], Problems(result));
    }

    [Fact]
    public void ContactsAreOptional()
    {
        Assert.True(Read().IsValid);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData(" 1\n", true)]
    [InlineData("2", false)]
    public void FormatVersionOneIsRead(string format, bool valid)
    {
        var result = Read(format: format);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Equal(["format.txt:1: version: this reader reads format version 1, not 2"], Problems(result));
        }
    }

    [Fact]
    public void UnknownAndMissingColumnsAreReportedOnTheHeaderLine()
    {
        var problems = Problems(Read(scores: "case_id,member_id,session_number,instrument,rater,colour\nF1,M1,1,alliance-check,client,red\n"));
        Assert.Equal(
        [
            "scores.csv:1: colour: unknown column; scores.csv has case_id, member_id, session_number, instrument, score, rater",
            "scores.csv:1: score: required column is missing",
        ], problems);
    }

    [Fact]
    public void RowsWithTheWrongNumberOfValuesAndUnclosedQuotesAreReported()
    {
        var problems = Problems(Read(scores: ScoresWith("F1,M1,1,alliance-check,38", "F1,M2,1,alliance-check,\"30,client")));
        Assert.Equal(
        [
            "scores.csv:2: row: the row has 5 values but the header has 6 columns",
            "scores.csv:3: row: a quoted value is not closed before the end of the file",
        ], problems);
    }

    [Theory]
    [InlineData("F1,M1,1,alliance-check,44,client", "scores.csv:2: score: 44 is outside alliance-check's range 0-40")]
    [InlineData("F1,M1,1,alliance-check,-0.1,client", "scores.csv:2: score: -0.1 is outside alliance-check's range 0-40")]
    [InlineData("F1,M1,1,phq-9,27.5,client", "scores.csv:2: score: 27.5 is outside phq-9's range 0-27")]
    [InlineData("F1,M1,1,observer-family-alliance,-3.5,observer", "scores.csv:2: score: -3.5 is outside observer-family-alliance's range -3 to 3")]
    [InlineData("F1,M1,1,alliance-check,29.55,client", "scores.csv:2: score: 29.55 is not a score (digits with an optional leading - and at most one decimal)")]
    [InlineData("F1,M1,1,alliance-check,29.,client", "scores.csv:2: score: 29. is not a score (digits with an optional leading - and at most one decimal)")]
    [InlineData("F1,M1,1,alliance-check,thirty,client", "scores.csv:2: score: thirty is not a score (digits with an optional leading - and at most one decimal)")]
    [InlineData("F1,M1,1,alliance-check,,client", "scores.csv:2: score: a value is required")]
    [InlineData("F1,M1,1,tiredness-check,3,client", "scores.csv:2: instrument: tiredness-check is not an instrument this agency knows")]
    [InlineData("F1,M1,1,alliance-check,30,boss", "scores.csv:2: rater: boss is not a rater (client, caregiver, observer, therapist)")]
    [InlineData("F9,M1,1,alliance-check,30,client", "scores.csv:2: case_id: case F9 is not in members.csv")]
    [InlineData("F1,M9,1,alliance-check,30,client", "scores.csv:2: member_id: member M9 is not in case F1 in members.csv")]
    [InlineData("F1,M1,7,alliance-check,30,client", "scores.csv:2: session_number: case F1 has no session 7 in sessions.csv")]
    [InlineData("F1,M1,x,alliance-check,30,client", "scores.csv:2: session_number: x is not a whole number")]
    [InlineData("F1,M1,2,alliance-check,30,client", "scores.csv:2: session_number: session 2 of case F1 is marked cancelled; scores need a held session")]
    [InlineData("F1,M2,3,alliance-check,30,client", "scores.csv:2: member_id: member M2 is not in the attended list of session 3 of case F1")]
    public void EachScoreProblemHasItsMessage(string row, string expected)
    {
        Assert.Equal([expected], Problems(Read(scores: ScoresWith(row))));
    }

    [Theory]
    [InlineData("F1,M1,1,observer-family-alliance,-1.5,observer")]
    [InlineData("F1,M1,1,observer-family-alliance,3,observer")]
    [InlineData("F1,M1,1,family-alliance,8,client")]
    [InlineData("F1,M1,1,therapist-empathy-observation,45,therapist")]
    [InlineData("F1,M1,1,alliance-check,36.0,client")]
    [InlineData("F1,M1,1,alliance-check,0,caregiver")]
    public void ScoresAtTheEndsOfBuiltInRangesAreAccepted(string row)
    {
        var result = Read(scores: ScoresWith(row));
        Assert.True(result.IsValid, string.Join('\n', result.Problems));
    }

    [Fact]
    public void ARepeatedScoreRowNamesTheFirst()
    {
        var problems = Problems(Read(scores: ScoresWith(
            "F1,M1,1,alliance-check,38,client",
            "F1,M1,1,alliance-check,38,observer",
            "F1,M1,1,Alliance-Check,37,")));
        Assert.Equal(["scores.csv:4: row: repeats line 2: one row per case, member, session, instrument and rater"], problems);
    }

    [Fact]
    public void MemberProblemsHaveTheirMessages()
    {
        var problems = Problems(Read(members: "case_id,member_id,role,birth_year,name\nF1,M1,client,1980,\nF1,M2,dad,80,\nF1,M1,partner,,\n,M3,child,,\n"));
        Assert.Equal(
        [
            "members.csv:3: role: dad is not a role (parent, caregiver, child, partner, client, other)",
            "members.csv:3: birth_year: 80 is not a year of four digits",
            "members.csv:4: member_id: member M1 appears twice in case F1 (first at line 2)",
            "members.csv:5: case_id: a value is required",
        ], problems);
    }

    [Fact]
    public void SessionProblemsHaveTheirMessages()
    {
        var sessions = "case_id,session_number,date,start_time,scheduled_minutes,actual_minutes,status,attended,feedback_discussed\n"
            + "F1,1,2025-01-06,10:00,50,50,held,M1,yes\n"
            + "F1,1,2025-01-07,10:00,50,50,held,,\n"
            + "F1,2,2025-02-30,25:00,fifty,-5,done,M9,maybe\n"
            + "F1,3,2025-01-01,10:00,50,50,held,,\n"
            + "F9,1,2025-01-06,,,,,,\n";
        var problems = Problems(Read(sessions: sessions, scores: ScoresWith("F1,M1,1,alliance-check,38,client")));
        Assert.Equal(
        [
            "sessions.csv:3: session_number: session 1 appears twice in case F1 (first at line 2)",
            "sessions.csv:4: date: 2025-02-30 is not a date (YYYY-MM-DD)",
            "sessions.csv:4: start_time: 25:00 is not a time (HH:MM, 24-hour)",
            "sessions.csv:4: scheduled_minutes: fifty is not a whole number of minutes",
            "sessions.csv:4: actual_minutes: -5 is not a whole number of minutes",
            "sessions.csv:4: status: done is not a status (held, cancelled, no-show)",
            "sessions.csv:4: feedback_discussed: maybe is not yes or no",
            "sessions.csv:4: attended: member M9 is not in case F1 in members.csv",
            "sessions.csv:5: date: session 3 is dated 2025-01-01, before session 1 (2025-01-06); session numbers follow date order",
            "sessions.csv:6: case_id: case F9 is not in members.csv",
        ], problems);
    }

    [Fact]
    public void ContactProblemsHaveTheirMessages()
    {
        var contacts = "case_id,member_id,datetime,channel,initiated_by,minutes\n"
            + "F1,M1,2025-01-07T10:00,personal-phone,client,5\n"
            + "F1,M9,2025-01-07 10:00,fax,family,five\n"
            + "F9,,2025-01-07T10:00,agency-phone,therapist,\n";
        var problems = Problems(Read(contacts: contacts));
        Assert.Equal(
        [
            "contacts.csv:3: member_id: member M9 is not in case F1 in members.csv",
            "contacts.csv:3: datetime: 2025-01-07 10:00 is not a date and time (YYYY-MM-DDTHH:MM)",
            "contacts.csv:3: channel: fax is not a channel (agency-phone, agency-email, agency-message, personal-phone, personal-email, personal-message, social-media, in-person-outside)",
            "contacts.csv:3: initiated_by: family is not therapist or client",
            "contacts.csv:3: minutes: five is not a whole number of minutes",
            "contacts.csv:4: case_id: case F9 is not in members.csv",
        ], problems);
    }

    [Fact]
    public void EveryProblemInTheFolderIsReportedTogetherInFileAndLineOrder()
    {
        var problems = Problems(Read(
            members: "case_id,member_id,role\nF1,M1,client\nF1,M2,boss\n",
            scores: ScoresWith("F1,M1,1,alliance-check,41,client", "F1,M1,1,phq-9,x,client"),
            contacts: "case_id,datetime,channel,initiated_by\nF1,2025-01-07T10:00,fax,client\n",
            sessions: Sessions.Replace("F1,3,2025-01-20", "F1,3,2025-13-20", StringComparison.Ordinal)));
        Assert.Equal(
        [
            "members.csv:3: role: boss is not a role (parent, caregiver, child, partner, client, other)",
            "sessions.csv:4: date: 2025-13-20 is not a date (YYYY-MM-DD)",
            "scores.csv:2: score: 41 is outside alliance-check's range 0-40",
            "scores.csv:3: score: x is not a score (digits with an optional leading - and at most one decimal)",
            "contacts.csv:2: channel: fax is not a channel (agency-phone, agency-email, agency-message, personal-phone, personal-email, personal-message, social-media, in-person-outside)",
        ], problems);
    }

    [Fact]
    public void AnAgencyInstrumentIsAcceptedWithItsOwnRange()
    {
        var catalogue = InstrumentCatalogue.Default.With(
            new Instrument("core-10", Score.FromPoints(0), Score.FromPoints(40), BetterDirection.Lower, InstrumentRole.Other));
        var files = new Dictionary<string, string>
        {
            ["members.csv"] = Members,
            ["sessions.csv"] = Sessions,
            ["scores.csv"] = ScoresWith("F1,M1,1,CORE-10,12.5,client"),
        };
        Assert.True(new SpreadsheetReader(catalogue).Read(files).IsValid);
        Assert.Equal(
            ["scores.csv:2: instrument: CORE-10 is not an instrument this agency knows"],
            new SpreadsheetReader().Read(files).Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void ReadingScoresInParallelChunksGivesTheSameCaseload()
    {
        var folder = Directory.CreateTempSubdirectory("alliance-chunks-");
        try
        {
            new AgencyGenerator(300, 3).WriteFolder(folder.FullName);
            var whole = new SpreadsheetReader().ReadFolder(folder.FullName);
            var chunked = new SpreadsheetReader { ParallelThreshold = 1 }.ReadFolder(folder.FullName);
            Assert.True(chunked.IsValid, string.Join('\n', chunked.Problems.Take(5)));
            Assert.Equal(new SignalEngine().Evaluate(whole.Caseload!).ToList(), new SignalEngine().Evaluate(chunked.Caseload!).ToList());
            Assert.Equal(whole.Caseload!.Scores.ToArray().Select(s => (s.MemberIndex, s.SessionIndex, s.Instrument, s.Rater, s.Score)),
                chunked.Caseload!.Scores.ToArray().Select(s => (s.MemberIndex, s.SessionIndex, s.Instrument, s.Rater, s.Score)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void ProblemsInParallelChunksKeepTheirLineNumbersAndOrder()
    {
        var sessions = new StringBuilder("case_id,session_number,date\n");
        var rows = new List<string>();
        for (var n = 1; n <= 400; n++)
        {
            sessions.Append(System.Globalization.CultureInfo.InvariantCulture, $"F1,{n},{new DateOnly(2020, 1, 6).AddDays(7 * n):yyyy-MM-dd}\n");
            rows.Add($"F1,M1,{n},alliance-check,38,client");
        }

        rows[17] = "F1,M1,18,alliance-check,44,observer";
        rows[250] = "F1,M1,251,phq-9,x,client";
        rows[399] = "F1,M9,400,alliance-check,30,caregiver";
        rows.Add("F1,M1,1,alliance-check,37,client");
        var files = new Dictionary<string, string> { ["members.csv"] = Members, ["sessions.csv"] = sessions.ToString(), ["scores.csv"] = ScoresWith([.. rows]) };

        var chunked = new SpreadsheetReader { ParallelThreshold = 1 }.Read(files).Problems.Select(p => p.ToString()).ToList();

        Assert.Equal(
        [
            "scores.csv:19: score: 44 is outside alliance-check's range 0-40",
            "scores.csv:252: score: x is not a score (digits with an optional leading - and at most one decimal)",
            "scores.csv:401: member_id: member M9 is not in case F1 in members.csv",
            "scores.csv:402: row: repeats line 2: one row per case, member, session, instrument and rater",
        ], chunked);
        Assert.Equal(chunked, new SpreadsheetReader().Read(files).Problems.Select(p => p.ToString()));
    }
}
