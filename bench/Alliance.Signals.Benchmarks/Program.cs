using System.Diagnostics;
using System.Globalization;
using Alliance.Signals;
using Alliance.Signals.Benchmarks;
using Alliance.Spreadsheets;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// Usage:
//   dotnet run -c Release --project bench/Alliance.Signals.Benchmarks -- [--full] [--short] [BenchmarkDotNet options, e.g. --filter *Batch*]
//   dotnet run -c Release --project bench/Alliance.Signals.Benchmarks -- --split
// --full evaluates 463,000 families (about 1 million members); the default is a tenth of that.
// --split times reading, evaluating and writing a folder of about 1 million ratings, as `alliance signals` does
// (run it alone: the first run is the cold one).
var rest = new List<string>(args);
var full = rest.Remove("--full");
var shortRun = rest.Remove("--short");
var split = rest.Remove("--split");
Sizes.BatchFamilies = full ? 463_000 : 46_300;

if (split)
{
    SplitTiming.Run(5);
    return;
}

var job = (shortRun ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(new RatingsPerSecondColumn())
    .WithOptions(ConfigOptions.DisableOptimizationsValidator)
    .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "alliance-benchmarks"));
BenchmarkSwitcher.FromAssembly(typeof(BatchEvaluation).Assembly).Run([.. rest], config);

namespace Alliance.Signals.Benchmarks
{
    /// <summary>Sizes shared with the benchmarks, which run in this process.</summary>
    public static class Sizes
    {
        public static int BatchFamilies { get; set; } = 46_300;

        /// <summary>About 1 million client ratings: the generator makes about 43 ratings per family.</summary>
        public static int FolderFamilies { get; } = 23_500;

        public static Dictionary<string, long> RatingsPerOperation { get; } = [];

        public static long ClientRatings(Caseload caseload)
        {
            long count = 0;
            foreach (ref readonly var score in caseload.Scores)
            {
                if (score.Rater == Rater.Client)
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary>
    /// Times the three parts of `alliance signals` on a folder of about 1 million ratings: the first run
    /// in this process (cold, as the command runs), then the best of several further runs (warm).
    /// </summary>
    public static class SplitTiming
    {
        public static void Run(int repeats)
        {
            var folder = Path.Combine(Path.GetTempPath(), "alliance-bench-folder");
            var size = new AgencyGenerator(Sizes.FolderFamilies, 2025).WriteFolder(folder);
            var bytes = Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"folder: {size.Families} families, {size.Members} members, {size.Sessions} sessions, {size.Scores} scores, {bytes / 1_000_000.0:F1} MB"));

            var (read, evaluate, write, ratings, alerts) = Once(folder);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"client ratings: {ratings}, alerts: {alerts}"));
            Report("first run (cold)", read, evaluate, write);
            for (var i = 0; i < repeats; i++)
            {
                var next = Once(folder);
                read = i == 0 ? next.Read : Math.Min(read, next.Read);
                evaluate = i == 0 ? next.Evaluate : Math.Min(evaluate, next.Evaluate);
                write = i == 0 ? next.Write : Math.Min(write, next.Write);
            }

            Report(string.Create(CultureInfo.InvariantCulture, $"best of {repeats} (warm)"), read, evaluate, write);
            Directory.Delete(folder, recursive: true);
        }

        private static (double Read, double Evaluate, double Write, long Ratings, int Alerts) Once(string folder)
        {
            var watch = Stopwatch.StartNew();
            var result = new SpreadsheetReader().ReadFolder(folder);
            var read = watch.Elapsed.TotalMilliseconds;

            watch.Restart();
            var batch = new SignalEngine().Evaluate(result.Caseload!);
            var evaluate = watch.Elapsed.TotalMilliseconds;

            watch.Restart();
            SignalsJsonLines.Write(batch, Stream.Null);
            var write = watch.Elapsed.TotalMilliseconds;
            return (read, evaluate, write, Sizes.ClientRatings(result.Caseload!), batch.Count);
        }

        private static void Report(string label, double read, double evaluate, double write)
        {
            var total = read + evaluate + write;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{label}: read {read:F0} ms ({100 * read / total:F0}%), evaluate {evaluate:F0} ms ({100 * evaluate / total:F0}%), write {write:F0} ms ({100 * write / total:F0}%)"));
        }
    }
}
