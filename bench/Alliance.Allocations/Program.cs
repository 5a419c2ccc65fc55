using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Where a running server allocates: reads a trace taken with
//   dotnet-trace collect -p PID --profile gc-verbose --duration 00:00:00:15 -o alloc.nettrace
// and sums the runtime's allocation samples (one about every 100 KB allocated) by type, by method (each method counts
// the samples allocated below it), and, with a pattern, by the callers of the first method that matches it.
//   dotnet run -c Release --project bench/Alliance.Allocations -- alloc.nettrace [PATTERN]
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: Alliance.Allocations TRACE.nettrace [METHOD-PATTERN]");
    return 2;
}
var focus = args.Length == 2 ? new Regex(args[1], RegexOptions.CultureInvariant) : null;

using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, double>(StringComparer.Ordinal);
var byMethod = new Dictionary<string, double>(StringComparer.Ordinal);
var byCallers = new Dictionary<string, double>(StringComparer.Ordinal);
double total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick) continue;
    double bytes = tick.AllocationAmount64;
    total += bytes;
    Add(byType, tick.TypeName, bytes);
    var frames = new List<string>();
    for (var frame = e.CallStack(); frame is not null; frame = frame.Caller)
        frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : frame.CodeAddress.ModuleName + "!?");
    foreach (var method in frames.Distinct(StringComparer.Ordinal)) Add(byMethod, method, bytes);
    if (focus is not null && frames.FindIndex(focus.IsMatch) is var at and >= 0)
        Add(byCallers, string.Join("\n      <= ", frames.Skip(at).Where(f => !f.Contains("MoveNext", StringComparison.Ordinal) || f.Contains("Alliance", StringComparison.Ordinal)).Take(8)), bytes);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1e6:F1} MB sampled"));
Print("by type", byType, 40);
Print("by method (with what it calls)", byMethod, 120);
if (focus is not null) Print($"callers of {focus}", byCallers, 20);
return 0;

void Add(Dictionary<string, double> sums, string key, double bytes) => sums[key] = sums.GetValueOrDefault(key) + bytes;

void Print(string title, Dictionary<string, double> sums, int top)
{
    Console.WriteLine($"== {title}");
    foreach (var (key, bytes) in sums.OrderByDescending(p => p.Value).Take(top))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100 * bytes / total,5:F1}% {key}"));
}
