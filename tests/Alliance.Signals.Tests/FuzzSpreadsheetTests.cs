using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Alliance.Spreadsheets;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Alliance.Signals.Tests;

/// <summary>
/// Bad input for the spreadsheet reader: valid folders mutated at random (bit flips, truncation, stray quotes, commas,
/// line breaks and byte-order marks, huge and foreign numbers, unicode, repeated headers and lines, missing and empty
/// files). The reader never throws, and every problem it reports is one line written <c>file:line: column: sentence</c>
/// (or <c>file: sentence</c> for a whole file), on a line the file has. Reading in parallel chunks reports the same
/// problems as reading in one pass. <c>FUZZ_ITERATIONS</c> raises the number of folders tried.
/// </summary>
[Trait("Capability", "Proof")]
public sealed partial class FuzzSpreadsheetTests(ITestOutputHelper output)
{
    private const int DefaultIterations = 300;

    private static readonly string[] Tokens =
    [
        "\"", "\"\"", ",", ",,", "\n", "\r", "\r\n", "\n\n", "\uFEFF", "\0", "\t", ";", " ", "\"\n\"", "\u2028", "\u0085",
        "é", "İ", "ß", "\u0301", "١٢٣", "１２", "𝟘", "😀", "\u202E", "\uD800", "\uDFFF", "\\", "'", "=cmd|' /C calc'!A0",
    ];

    private static readonly string[] Numbers =
    [
        "99999999999999999999", "2147483648", "4294967296", "-1", "-0", "0", "1e9", "1.5", "NaN", "Infinity", "0x1F",
        "00000000000000000001", "١", "１", "+7", " 7 ", "2025-02-30", "24:00", "9999-12-31", "0000",
    ];

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    [GeneratedRegex(@"^(?<file>[a-z]+\.(csv|txt)):(?<line>[1-9][0-9]*): (?<column>[^\r\n]+?): (?<sentence>[^\r\n]+)$")]
    private static partial Regex LineProblem();

    /// <summary>A folder to read: the texts (or bytes, read from disk), and the mutations that made it.</summary>
    public sealed record Folder(Dictionary<string, byte[]> Files, bool FromDisk, bool Chunked, List<string> Steps)
    {
        public override string ToString()
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"mutations: {string.Join("; ", Steps)}; from disk: {FromDisk}; chunked: {Chunked}");
            foreach (var (name, bytes) in Files)
            {
                var content = Utf8.GetString(bytes);
                text.AppendLine(CultureInfo.InvariantCulture, $"--- {name} ({bytes.Length} bytes)");
                text.AppendLine(content.Length <= 1500 ? content : content[..1500] + "...");
            }
            return text.ToString();
        }
    }

    private delegate void Mutation(Dictionary<string, byte[]> files, List<string> steps);

    private static int Iterations()
    {
        var text = Environment.GetEnvironmentVariable("FUZZ_ITERATIONS");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultIterations;
    }

    private static Dictionary<string, byte[]> Seed(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestData", "examples", name);
        var files = Directory.EnumerateFiles(folder, "*.csv").ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);
        files["format.txt"] = "1\n"u8.ToArray();
        return files;
    }

    private static Dictionary<string, byte[]> SmallSeed() => new()
    {
        ["members.csv"] = Utf8.GetBytes("case_id,member_id,role,birth_year,name\nF1,M1,client,1980,\"Smith, \"\"Jo\"\"\"\nF1,M2,partner,1982,\"two\nlines\"\n"),
        ["sessions.csv"] = Utf8.GetBytes("case_id,session_number,date,start_time,scheduled_minutes,actual_minutes,status,attended,feedback_discussed\n"
            + "F1,1,2025-01-06,10:00,50,50,held,M1;M2,yes\nF1,2,2025-01-13,10:00,50,50,cancelled,,\nF1,3,2025-01-20,10:00,50,50,held,M1,no\n"),
        ["scores.csv"] = Utf8.GetBytes("case_id,member_id,session_number,instrument,score,rater\nF1,M1,1,alliance-check,38,client\nF1,M2,1,alliance-check,30.5,client\nF1,M1,3,alliance-check,37,client\n"),
        ["contacts.csv"] = Utf8.GetBytes("case_id,member_id,datetime,channel,initiated_by,minutes\nF1,M1,2025-01-08T18:30,personal-phone,client,5\n"),
    };

    private static Gen<int> Position => Gen.Choose(0, int.MaxValue);

    private static Gen<string> FileName(params string[] extra) =>
        Gen.Elements(new[] { "members.csv", "sessions.csv", "scores.csv", "contacts.csv", "format.txt" }.Concat(extra).ToArray());

    private static string Text(Dictionary<string, byte[]> files, string name) => files.TryGetValue(name, out var b) ? Utf8.GetString(b) : "";

    private static void SetText(Dictionary<string, byte[]> files, string name, string text) => files[name] = Utf8.GetBytes(text);

    private static Gen<Mutation> Mutations()
    {
        var flip = from file in FileName() from at in Position from bit in Gen.Choose(0, 7)
                   select (Mutation)((files, steps) =>
                   {
                       if (!files.TryGetValue(file, out var bytes) || bytes.Length == 0) return;
                       var copy = (byte[])bytes.Clone();
                       copy[at % copy.Length] ^= (byte)(1 << bit);
                       files[file] = copy;
                       steps.Add($"flip bit {bit} of byte {at % copy.Length} in {file}");
                   });
        var truncate = from file in FileName() from at in Position
                       select (Mutation)((files, steps) =>
                       {
                           if (!files.TryGetValue(file, out var bytes)) return;
                           var length = bytes.Length == 0 ? 0 : at % bytes.Length;
                           files[file] = bytes[..length];
                           steps.Add($"truncate {file} to {length} bytes");
                       });
        var insert = from file in FileName() from at in Position from token in Gen.Elements(Tokens) from times in Gen.Elements(1, 1, 1, 2, 5)
                     select (Mutation)((files, steps) =>
                     {
                         var text = Text(files, file);
                         var place = text.Length == 0 ? 0 : at % (text.Length + 1);
                         SetText(files, file, text.Insert(place, string.Concat(Enumerable.Repeat(token, times))));
                         steps.Add($"insert {Escape(token)} x{times} in {file} at {place}");
                     });
        var number = from file in FileName() from at in Position from value in Gen.Elements(Numbers)
                     select (Mutation)((files, steps) =>
                     {
                         var text = Text(files, file);
                         var runs = DigitRun().Matches(text);
                         if (runs.Count == 0) return;
                         var run = runs[at % runs.Count];
                         SetText(files, file, string.Concat(text.AsSpan(0, run.Index), value, text.AsSpan(run.Index + run.Length)));
                         steps.Add($"replace the number at {run.Index} in {file} with {Escape(value)}");
                     });
        var lines = from file in FileName() from at in Position from other in Position from how in Gen.Elements("duplicate", "delete", "swap", "duplicate-header", "repeat-column", "upper-case", "blank")
                    select (Mutation)((files, steps) =>
                    {
                        var all = Text(files, file).Split('\n').ToList();
                        if (all.Count == 0) return;
                        int i = at % all.Count, j = other % all.Count;
                        switch (how)
                        {
                            case "duplicate": all.Insert(j, all[i]); break;
                            case "delete": all.RemoveAt(i); break;
                            case "swap": (all[i], all[j]) = (all[j], all[i]); break;
                            case "duplicate-header": all.Insert(1, all[0]); break;
                            case "repeat-column": all[0] += "," + all[0].Split(',')[i % all[0].Split(',').Length]; break;
                            case "upper-case": all[i] = all[i].ToUpperInvariant(); break;
                            default: all[i] = ""; break;
                        }
                        SetText(files, file, string.Join('\n', all));
                        steps.Add($"{how} line {i + 1} of {file}");
                    });
        var cell = from file in FileName() from at in Position from value in Gen.Elements("", "\"\"", "\"a\nb\"", "\"unterminated", "x\"y", new string('x', 5000), "\" spaced \"", "M1;M1;M1", ";;", "case_id")
                   select (Mutation)((files, steps) =>
                   {
                       var all = Text(files, file).Split('\n').ToList();
                       if (all.Count < 2) return;
                       var row = 1 + (at % (all.Count - 1));
                       var cells = all[row].Split(',');
                       var column = at / 7 % cells.Length;
                       cells[column] = value;
                       all[row] = string.Join(',', cells);
                       SetText(files, file, string.Join('\n', all));
                       steps.Add($"set column {column + 1} of line {row + 1} of {file} to {Escape(value.Length > 20 ? value[..20] + "..." : value)}");
                   });
        var whole = from file in FileName("notes.csv", "MEMBERS.CSV") from how in Gen.Elements("remove", "empty", "bom-only", "garbage", "header-only", "no-final-newline", "crlf", "cr")
                    from seed in Position
                    select (Mutation)((files, steps) =>
                    {
                        var text = Text(files, file);
                        switch (how)
                        {
                            case "remove": files.Remove(file); break;
                            case "empty": files[file] = []; break;
                            case "bom-only": files[file] = [0xEF, 0xBB, 0xBF]; break;
                            case "garbage":
                                var bytes = new byte[1 + (seed % 300)];
                                new Random(seed).NextBytes(bytes);
                                files[file] = bytes;
                                break;
                            case "header-only": SetText(files, file, text.Split('\n')[0]); break;
                            case "no-final-newline": SetText(files, file, text.TrimEnd('\n')); break;
                            case "crlf": SetText(files, file, text.Replace("\n", "\r\n", StringComparison.Ordinal)); break;
                            default: SetText(files, file, text.Replace('\n', '\r')); break;
                        }
                        steps.Add($"{how} {file}");
                    });
        return Gen.Frequency((3, flip), (2, truncate), (5, insert), (4, number), (3, lines), (3, cell), (1, whole));
    }

    private static Arbitrary<Folder> Folders()
    {
        var seeds = Gen.Elements("small", "edge", "edge");
        var gen = from seed in seeds
                  from mutations in Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(Mutations(), n))
                  from fromDisk in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
                  from chunked in Gen.Elements(false, true)
                  select Build(seed, mutations, fromDisk, chunked);
        return gen.ToArbitrary();
    }

    private static Folder Build(string seed, IEnumerable<Mutation> mutations, bool fromDisk, bool chunked)
    {
        var files = seed == "small" ? SmallSeed() : Seed(seed);
        var steps = new List<string>();
        foreach (var mutate in mutations) mutate(files, steps);
        return new Folder(files, fromDisk, chunked, steps);
    }

    [Fact]
    public void MutatedFoldersNeverThrowAndEveryProblemIsOneWellFormedLine()
    {
        var tried = 0;
        var withProblems = 0;
        var iterations = Iterations();
        var property = Prop.ForAll(Folders(), folder =>
        {
            Interlocked.Increment(ref tried);
            if (!ReadAndCheck(folder)) Interlocked.Increment(ref withProblems);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(iterations).WithQuietOnSuccess(true), property);
        output.WriteLine($"Spreadsheet reader: {tried} mutated folders tried, {withProblems} refused with problems, {tried - withProblems} read as valid.");
        Assert.Equal(iterations, tried);
    }

    // Found by the fuzzing above, kept as plain examples.

    [Fact]
    public void AValueWithALineBreakIsQuotedOnOneLine()
    {
        var result = new SpreadsheetReader().Read(new Dictionary<string, string>
        {
            ["format.txt"] = "1\nx",
            ["members.csv"] = "", ["sessions.csv"] = "", ["scores.csv"] = "",
        });
        Assert.Equal(["format.txt:1: version: 1\\nx is not a version number"], result.Problems.Select(p => p.ToString()));

        var members = new SpreadsheetReader().Read(new Dictionary<string, string>
        {
            ["members.csv"] = "case_id,member_id,role\nF1,M1,\"cli\r\nent\"\n",
            ["sessions.csv"] = "case_id,session_number,date\n",
            ["scores.csv"] = "case_id,member_id,session_number,instrument,score,rater\n",
        });
        Assert.Contains("members.csv:2: role: cli\\r\\nent is not a role", members.Problems.Single().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadingInChunksCountsLinesEndedByACarriageReturnAsReadingInOnePassDoes()
    {
        var files = SmallSeed().ToDictionary(f => f.Key, f => Utf8.GetString(f.Value));
        files["sessions.csv"] = files["sessions.csv"].Insert(53, "\r\r");
        var once = new SpreadsheetReader().Read(files).Problems.Select(p => p.ToString()).ToList();
        var chunked = new SpreadsheetReader { ParallelThreshold = 1 }.Read(files).Problems.Select(p => p.ToString()).ToList();
        Assert.Contains("sessions.csv:6: row: the row has 9 values but the header has 5 columns", once);
        Assert.Equal(once, chunked);
    }

    /// <summary>Reads the folder; asserts what holds for every input; returns whether it was valid.</summary>
    private static bool ReadAndCheck(Folder folder)
    {
        SpreadsheetReadResult result;
        if (folder.FromDisk)
        {
            var directory = Directory.CreateTempSubdirectory("alliance-fuzz-");
            try
            {
                foreach (var (name, bytes) in folder.Files) File.WriteAllBytes(Path.Combine(directory.FullName, name), bytes);
                result = new SpreadsheetReader { ParallelThreshold = folder.Chunked ? 1 : 1 << 20 }.ReadFolder(directory.FullName);
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        }
        else
        {
            var texts = folder.Files.ToDictionary(f => f.Key, f => Utf8.GetString(f.Value));
            result = new SpreadsheetReader().Read(texts);
            var chunked = new SpreadsheetReader { ParallelThreshold = 1 }.Read(texts);
            Assert.Equal(result.Problems.Select(p => p.ToString()), chunked.Problems.Select(p => p.ToString()));
        }

        Assert.Equal(result.IsValid, result.Problems.Count == 0);
        Assert.Equal(result.IsValid, result.Caseload is not null);
        foreach (var problem in result.Problems)
        {
            var line = problem.ToString();
            Assert.Contains(problem.File, SpreadsheetReader.FileNames);
            Assert.False(string.IsNullOrWhiteSpace(problem.Sentence), $"a problem without a sentence: {line}");
            if (problem.Line is null)
            {
                Assert.Null(problem.Column);
                Assert.Equal($"{problem.File}: {problem.Sentence}", line);
                Assert.DoesNotContain('\n', line);
                Assert.DoesNotContain('\r', line);
                continue;
            }
            Assert.True(LineProblem().IsMatch(line), $"not one line of the form file:line: column: sentence: {Escape(line)}");
            Assert.False(string.IsNullOrWhiteSpace(problem.Column), $"a problem without a column: {Escape(line)}");
            // The line named exists in the file (a file that is empty or missing has its header line, 1).
            var text = folder.Files.FirstOrDefault(f => f.Key.Equals(problem.File, StringComparison.OrdinalIgnoreCase)).Value is { } bytes ? Utf8.GetString(bytes) : "";
            var physicalLines = 1 + text.Count(c => c == '\n') + text.Count(c => c == '\r');
            Assert.InRange(problem.Line.Value, 1, physicalLines);
        }
        return result.IsValid;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex DigitRun();

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (c is '\n') builder.Append("\\n");
            else if (c is '\r') builder.Append("\\r");
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\uFEFF' or '\u2028' or '\u202E') builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
