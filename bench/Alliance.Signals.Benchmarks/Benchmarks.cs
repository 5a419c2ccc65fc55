using System.Globalization;
using Alliance.Spreadsheets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Alliance.Signals.Benchmarks;

/// <summary>Every rule over a generated agency held in memory, on one thread (reading and writing excluded).</summary>
[MemoryDiagnoser]
public class BatchEvaluation
{
    private Caseload _caseload = null!;
    private SignalEngine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _caseload = new AgencyGenerator(Sizes.BatchFamilies, 2025).BuildCaseload();
        _engine = new SignalEngine();
        var ratings = Sizes.ClientRatings(_caseload);
        Sizes.RatingsPerOperation[$"{nameof(BatchEvaluation)}.{nameof(Evaluate)}"] = ratings;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// agency: {_caseload.Cases.Length} families, {_caseload.Members.Length} members, {_caseload.Sessions.Length} sessions, {_caseload.Scores.Length} scores, {ratings} client ratings"));
    }

    [Benchmark]
    public int Evaluate() => _engine.Evaluate(_caseload).Count;
}

/// <summary>One new rating against a member's history of 24 ratings, as the app does when a response is saved.</summary>
[MemoryDiagnoser]
public class IncrementalEvaluation
{
    private readonly SignalEngine _engine = new();
    private MemberRating[] _history = [];
    private MemberRating _newAlliance;
    private MemberRating _newWellbeing;
    private SessionAllianceRating[] _otherMembers = [];
    private SessionAllianceRating _newSessionRating;

    [GlobalSetup]
    public void Setup()
    {
        var history = new List<MemberRating>();
        string[] alliance = ["38", "39", "33", "37", "38", "30", "31", "32", "36", "38", "39", "40"];
        string[] wellbeing = ["18", "19", "19.5", "21", "22", "24", "25", "27", "28", "28.5", "29", "30"];
        for (var s = 0; s < alliance.Length; s++)
        {
            var date = new DateOnly(2025, 1, 6).AddDays(7 * s);
            history.Add(new MemberRating(s + 1, date, "alliance-check", Score.Parse(alliance[s])));
            history.Add(new MemberRating(s + 1, date, "wellbeing-check", Score.Parse(wellbeing[s])));
        }

        _history = [.. history];
        var next = new DateOnly(2025, 1, 6).AddDays(7 * alliance.Length);
        _newAlliance = new MemberRating(alliance.Length + 1, next, "alliance-check", Score.Parse("31"));
        _newWellbeing = new MemberRating(alliance.Length + 1, next, "wellbeing-check", Score.Parse("29.5"));
        _otherMembers = [new("M1", "alliance-check", Score.Parse("38")), new("M3", "child-alliance-check", Score.Parse("37"))];
        _newSessionRating = new SessionAllianceRating("M2", "alliance-check", Score.Parse("31"));
    }

    /// <summary>A rupture and a low alliance (two alerts with their sentences).</summary>
    [Benchmark]
    public int NewAllianceRating() => _engine.EvaluateNewRating("C0000001", "M2", 1980, _history, _newAlliance).Count;

    /// <summary>An outcome rating that fires nothing new (the common case).</summary>
    [Benchmark]
    public int NewWellbeingRating() => _engine.EvaluateNewRating("C0000001", "M2", 1980, _history, _newWellbeing).Count;

    /// <summary>The split-alliance check of the same rating against the family's other ratings at the session.</summary>
    [Benchmark]
    public bool NewRatingSplitCheck() => _engine.EvaluateNewAllianceRating("C0000001", 13, _otherMembers, _newSessionRating) is not null;
}

/// <summary>A folder of about 1 million ratings: reading it (CSV parsing, checking, layout) against evaluating it and writing the output.</summary>
[MemoryDiagnoser]
public class FolderReadVersusEvaluate
{
    private string _folder = string.Empty;
    private Caseload _caseload = null!;
    private AlertBatch _alerts = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "alliance-bench-read");
        new AgencyGenerator(Sizes.FolderFamilies, 2025).WriteFolder(_folder);
        _caseload = new SpreadsheetReader().ReadFolder(_folder).Caseload!;
        _alerts = new SignalEngine().Evaluate(_caseload);
        var ratings = Sizes.ClientRatings(_caseload);
        foreach (var method in new[] { nameof(Read), nameof(Evaluate), nameof(Write) })
        {
            Sizes.RatingsPerOperation[$"{nameof(FolderReadVersusEvaluate)}.{method}"] = ratings;
        }
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"// folder: {_caseload.Scores.Length} scores, {ratings} client ratings, {_alerts.Count} alerts"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark]
    public int Read() => new SpreadsheetReader().ReadFolder(_folder).Caseload!.Scores.Length;

    [Benchmark]
    public int Evaluate() => new SignalEngine().Evaluate(_caseload).Count;

    [Benchmark]
    public void Write() => SignalsJsonLines.Write(_alerts, Stream.Null);
}

/// <summary>Client ratings per second on one thread, from the mean time of a benchmark that processes a known number of ratings.</summary>
public sealed class RatingsPerSecondColumn : IColumn
{
    public string Id => nameof(RatingsPerSecondColumn);

    public string ColumnName => "Ratings/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Client ratings processed per second (one thread)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } statistics
            || !Sizes.RatingsPerOperation.TryGetValue($"{benchmarkCase.Descriptor.Type.Name}.{benchmarkCase.Descriptor.WorkloadMethod.Name}", out var ratings))
        {
            return "-";
        }

        var perSecond = ratings / (statistics.Mean / 1e9);
        return (perSecond / 1e6).ToString("F1", CultureInfo.InvariantCulture) + " M";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
