using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Alliance.Web.Features.Scores;

/// <summary>One line of a chart: a rater's scores, placed on the chart's sessions.</summary>
/// <param name="Name">What the legend says ("Own rating", "Observer").</param>
/// <param name="Kind">The line's look: <c>own</c>, <c>other</c>, <c>observer</c>, <c>self</c>.</param>
/// <param name="Values">The scores, by position on the x axis.</param>
public sealed record ChartLine(string Name, string Kind, IReadOnlyList<ChartValue> Values);

/// <summary>A score at a position on the x axis; <paramref name="Clinical"/> marks it as on the clinical side of its cutoff.</summary>
public sealed record ChartValue(int X, decimal Score, bool Clinical);

/// <summary>Where a member's score was expected to be at a point of the x axis: the median and the lower band's edge.</summary>
public sealed record ChartExpected(int X, decimal Median, decimal LowerBand);

/// <summary>A stretch of the x axis over which one cutoff applies (a member who turns 13 moves to the adult cutoff).</summary>
public sealed record ChartCutoff(int FromX, int ToX, decimal Value, string Label);

/// <summary>
/// A small line chart drawn as SVG on the server (no script, no inline style: the page's Content-Security-Policy
/// allows neither). The view box is 360 units wide, the width of a small phone, so text stays readable when the
/// chart is scaled to the screen.
/// </summary>
public sealed class LineChart
{
    public const int Width = 360;
    public const int Height = 190;
    private const int Left = 30, Right = 12, Top = 14, Bottom = 30;

    public LineChart(string id, decimal min, decimal max, IReadOnlyList<string> xLabels, IReadOnlyList<ChartLine> lines, IReadOnlyList<ChartCutoff> cutoffs,
        IReadOnlyList<ChartExpected>? expected = null, IReadOnlySet<int>? evidence = null)
    {
        Expected = expected ?? [];
        Evidence = evidence ?? new HashSet<int>();
        Id = id;
        Min = min;
        Max = max <= min ? min + 1 : max;
        XLabels = xLabels;
        Lines = lines;
        Cutoffs = cutoffs;
    }

    /// <summary>An id unique on the page, for the SVG's title and description.</summary>
    public string Id { get; }
    public decimal Min { get; }
    public decimal Max { get; }
    public IReadOnlyList<string> XLabels { get; }
    public IReadOnlyList<ChartLine> Lines { get; }
    public IReadOnlyList<ChartCutoff> Cutoffs { get; }

    /// <summary>The expected trajectory, drawn as a band behind the member's own line.</summary>
    public IReadOnlyList<ChartExpected> Expected { get; }

    /// <summary>Positions on the x axis whose scores are the evidence of an open alert: ringed on the chart.</summary>
    public IReadOnlySet<int> Evidence { get; }

    /// <summary>The band between the expected median and its lower edge, as an SVG polygon's points.</summary>
    public string BandPoints
    {
        get
        {
            var ordered = Expected.OrderBy(e => e.X).ToList();
            var upper = ordered.Select(e => $"{N(X(e.X))},{N(Y(e.Median))}");
            var lower = ordered.AsEnumerable().Reverse().Select(e => $"{N(X(e.X))},{N(Y(e.LowerBand))}");
            return string.Join(' ', upper.Concat(lower));
        }
    }

    public string ViewBox => $"0 0 {Width} {Height}";

    private double Step => XLabels.Count <= 1 ? 0 : (Width - Left - Right) / (double)(XLabels.Count - 1);

    /// <summary>The horizontal position of a point of the x axis.</summary>
    public double X(int index) => XLabels.Count <= 1 ? Left + (Width - Left - Right) / 2.0 : Left + index * Step;

    /// <summary>The vertical position of a score.</summary>
    public double Y(decimal score)
    {
        var clamped = Math.Clamp(score, Min, Max);
        return Top + (double)((Max - clamped) / (Max - Min)) * (Height - Top - Bottom);
    }

    public double PlotLeft => Left;
    public double PlotRight => Width - Right;
    public double PlotBottom => Height - Bottom;

    /// <summary>Grid lines at round values, the ends of the range included.</summary>
    public IReadOnlyList<decimal> Grid
    {
        get
        {
            var span = Max - Min;
            decimal step = span switch { <= 8 => 1, <= 16 => 2, <= 40 => 10, <= 80 => 20, _ => Math.Ceiling(span / 4) };
            if (span is > 20 and <= 30) step = 5;
            // The ends of the range always, and round values between them that are not crowded against an end.
            var values = new List<decimal> { Min };
            for (var v = Math.Ceiling(Min / step) * step; v < Max; v += step)
                if (v - Min >= step / 2 && Max - v >= step / 2) values.Add(v);
            values.Add(Max);
            return values;
        }
    }

    /// <summary>Which x labels to write: all of them when they fit, else every second or third.</summary>
    public bool ShowLabel(int index)
    {
        var every = XLabels.Count <= 14 ? 1 : XLabels.Count <= 28 ? 2 : 4;
        return index % every == 0 || index == XLabels.Count - 1;
    }

    /// <summary>The SVG path of a line: segments between its points, in x order.</summary>
    public string Path(ChartLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var sb = new StringBuilder();
        foreach (var v in line.Values.OrderBy(v => v.X))
            sb.Append(sb.Length == 0 ? 'M' : 'L').Append(N(X(v.X))).Append(' ').Append(N(Y(v.Score))).Append(' ');
        return sb.ToString().TrimEnd();
    }

    /// <summary>Where a cutoff's stretch begins and ends, reaching half a step beyond its first and last sessions.</summary>
    public (double From, double To) Span(ChartCutoff cutoff)
    {
        ArgumentNullException.ThrowIfNull(cutoff);
        var half = XLabels.Count <= 1 ? (Width - Left - Right) / 2.0 : Step / 2;
        return (Math.Max(PlotLeft, X(cutoff.FromX) - half), Math.Min(PlotRight, X(cutoff.ToX) + half));
    }

    /// <summary>
    /// The chart as SVG markup. It is written here rather than by a Razor partial: a case page draws a chart for every
    /// member and measure (eleven for a family of three), and the partial views (a lookup, view data and buffers for
    /// each) were a fifth of the page's rendering in its profile. Presentation attributes only (the
    /// Content-Security-Policy forbids inline style); colours come from scores.css.
    /// </summary>
    /// <param name="title">The chart's accessible title.</param>
    /// <param name="xAxis">The caption of the x axis.</param>
    public IHtmlContent Svg(string title, string xAxis = "session")
    {
        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"{ViewBox}\" role=\"img\" aria-labelledby=\"{Text(Id)}-t\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{Text(Id)}-t\">{Text(title)}</title><g class=\"grid\">");
        foreach (var g in Grid)
            svg.Append(CultureInfo.InvariantCulture, $"<g><line x1=\"{N(PlotLeft)}\" x2=\"{N(PlotRight)}\" y1=\"{N(Y(g))}\" y2=\"{N(Y(g))}\" /><text class=\"axis\" x=\"{N(PlotLeft - 5)}\" y=\"{N(Y(g) + 4)}\" text-anchor=\"end\">{Score(g)}</text></g>");
        svg.Append("</g><g class=\"x-axis\">");
        for (var i = 0; i < XLabels.Count; i++)
            if (ShowLabel(i))
                svg.Append(CultureInfo.InvariantCulture, $"<g><text class=\"axis\" x=\"{N(X(i))}\" y=\"{N(PlotBottom + 15)}\" text-anchor=\"middle\">{Text(XLabels[i])}</text></g>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis caption\" x=\"{N(PlotRight)}\" y=\"{N(PlotBottom + 27)}\" text-anchor=\"end\">{Text(xAxis)}</text></g>");
        if (Expected.Count > 1)
        {
            var last = Expected.MaxBy(e => e.X)!;
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"expected\"><polygon points=\"{BandPoints}\" /><text class=\"cutoff-label\" x=\"{N(X(last.X) - 2)}\" y=\"{N(Y(last.LowerBand) + 12)}\" text-anchor=\"end\">expected range</text></g>");
        }
        foreach (var cut in Cutoffs)
        {
            var (from, to) = Span(cut);
            svg.Append(CultureInfo.InvariantCulture, $"<g><line class=\"cutoff\" x1=\"{N(from)}\" x2=\"{N(to)}\" y1=\"{N(Y(cut.Value))}\" y2=\"{N(Y(cut.Value))}\" stroke-dasharray=\"5 4\" data-cutoff=\"{Score(cut.Value)}\" />");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"cutoff-label\" x=\"{N(to - 2)}\" y=\"{N(Y(cut.Value) - 4)}\" text-anchor=\"end\">{Text(cut.Label)}</text></g>");
        }
        foreach (var line in Lines)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series series-{Text(line.Kind)}\">");
            if (line.Values.Count > 1) svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{Path(line)}\" fill=\"none\" />");
            foreach (var v in line.Values)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(X(v.X))}\" cy=\"{N(Y(v.Score))}\" r=\"{(v.Clinical ? "4.5" : "3.5")}\"{(v.Clinical ? " class=\"clinical\"" : "")} />");
                if (line.Kind == "own" && Evidence.Contains(v.X))
                    svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"evidence\" cx=\"{N(X(v.X))}\" cy=\"{N(Y(v.Score))}\" r=\"8\" fill=\"none\" data-evidence=\"{v.X}\" />");
            }
            svg.Append("</g>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Text(string value) => HtmlEncoder.Default.Encode(value);

    /// <summary>
    /// A number as SVG attributes want it: invariant, one decimal, as <c>"0.#"</c> writes it (half a tenth rounds away
    /// from zero). Written from whole tenths: a case page draws a dozen charts of a few hundred coordinates, and the
    /// general formatting of a double costs several times more.
    /// </summary>
    public static string N(double value)
    {
        var tenths = (long)Math.Round(value * 10, MidpointRounding.AwayFromZero);
        var whole = Math.Abs(tenths / 10);
        var fraction = Math.Abs(tenths % 10);
        var sign = tenths < 0 ? "-" : "";
        return fraction == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{fraction}");
    }

    /// <summary>A score as people read it: 29, 29.5, 1.3.</summary>
    public static string Score(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
