using System.Text.RegularExpressions;
using Alliance.Web.Features.Scores;

namespace Alliance.Web.Tests;

/// <summary>
/// The SVG a chart draws, against positions worked by hand: the view box is 360 by 190, the plot runs from x 30 to 348
/// and from y 14 to 160, so with scores from 0 to 40 on three sessions a score s sits at y = 14 + (40 - s) / 40 * 146
/// and session i at x = 30 + i * 159.
/// </summary>
[Trait("Capability", "Measures")]
public sealed class LineChartTests
{
    private static string Draw(string title = "Wellbeing: Sam") =>
        new LineChart("chart-test", 0, 40, ["1", "2", "3"],
            [
                new ChartLine("Own rating", "own", [new ChartValue(0, 10, false), new ChartValue(2, 30, true)]),
                new ChartLine("Observer", "observer", [new ChartValue(2, 20, false)]),
            ],
            [new ChartCutoff(0, 2, 30, "cutoff")],
            evidence: new HashSet<int> { 2 })
            .Svg(title).ToString()!;

    [Theory]
    [InlineData(0, "0")]
    [InlineData(123.5, "123.5")]
    [InlineData(87, "87")]
    [InlineData(50.45, "50.5")]
    [InlineData(50.44, "50.4")]
    [InlineData(0.04, "0")]
    [InlineData(-3.25, "-3.3")]
    [InlineData(-3.2, "-3.2")]
    [InlineData(359.96, "360")]
    public void CoordinatesHaveOneDecimalAtMost(double value, string written) => Assert.Equal(written, LineChart.N(value));

    [Fact]
    public void CoordinatesAreWrittenAsTheGeneralFormatWouldWriteThem()
    {
        // Every tenth and every twentieth from -50 to 400: whole tenths, and the halves between them.
        for (var i = -1000; i <= 8000; i++)
        {
            var value = i / 20.0;
            Assert.Equal(value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) is "-0" ? "0" : value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture), LineChart.N(value));
        }
    }

    [Fact]
    public void ScoresArePlacedWhereTheScaleAndTheSessionsPutThem()
    {
        var svg = Draw();

        // Score 10 at the first session: y = 14 + 30/40 * 146 = 123.5; score 30 at the third: y = 14 + 10/40 * 146 = 50.5.
        Assert.Contains("<circle cx=\"30\" cy=\"123.5\" r=\"3.5\" />", svg, StringComparison.Ordinal);
        Assert.Contains("<circle cx=\"348\" cy=\"50.5\" r=\"4.5\" class=\"clinical\" />", svg, StringComparison.Ordinal);
        Assert.Contains("<path d=\"M30 123.5 L348 50.5\" fill=\"none\" />", svg, StringComparison.Ordinal);
        // The observer's single score (20, y = 87) is a dot without a line.
        Assert.Contains("<circle cx=\"348\" cy=\"87\" r=\"3.5\" />", svg, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(svg, "<path "));
        // The cutoff at 30 spans the plot, half a step beyond the first and last sessions but not past its edges.
        Assert.Contains("<line class=\"cutoff\" x1=\"30\" x2=\"348\" y1=\"50.5\" y2=\"50.5\" stroke-dasharray=\"5 4\" data-cutoff=\"30\" />", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheMembersOwnScoresBehindAnAlertAreRinged()
    {
        var svg = Draw();

        var rings = Regex.Matches(svg, "<circle class=\"evidence\"[^>]*>");
        var ring = Assert.Single(rings);
        Assert.Equal("<circle class=\"evidence\" cx=\"348\" cy=\"50.5\" r=\"8\" fill=\"none\" data-evidence=\"2\" />", ring.Value);
    }

    [Fact]
    public void TextIsEncodedAndTheTitleNamesTheChart()
    {
        var svg = Draw("Wellbeing: <Sam> & \"Jo\"");

        Assert.StartsWith("<svg class=\"chart\" viewBox=\"0 0 360 190\" role=\"img\" aria-labelledby=\"chart-test-t\"", svg, StringComparison.Ordinal);
        Assert.Contains("<title id=\"chart-test-t\">Wellbeing: &lt;Sam&gt; &amp; &quot;Jo&quot;</title>", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<Sam>", svg, StringComparison.Ordinal);
        Assert.EndsWith("</svg>", svg, StringComparison.Ordinal);
    }
}
