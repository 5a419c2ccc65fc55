namespace Alliance.Boundaries.Statistics;

/// <summary>
/// Fisher's exact test for a 2x2 table (Fisher, 1935, <i>The Design of Experiments</i>; the two-sided rule used by
/// R's <c>fisher.test</c>): with the margins fixed, the number in the first cell is hypergeometric, and the
/// two-sided p-value is the sum of the probabilities of every table as likely as or less likely than the one seen.
/// Computed in log space from log-factorials, so tables of a few thousand are exact to many digits.
/// </summary>
public static class FisherExactTest
{
    /// <summary>
    /// Tables whose probability is within this relative tolerance of the observed one count as "as likely", so that
    /// rounding cannot drop a table of equal probability (the same tolerance as R's <c>fisher.test</c>, 1e-7).
    /// </summary>
    public const double RelativeTolerance = 1e-7;

    /// <summary>The two-sided p-value of the table [[a, b], [c, d]].</summary>
    /// <param name="a">Row 1, column 1.</param>
    /// <param name="b">Row 1, column 2.</param>
    /// <param name="c">Row 2, column 1.</param>
    /// <param name="d">Row 2, column 2.</param>
    /// <returns>A probability in (0, 1]; a p-value below the smallest positive double is given as that double.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static double TwoSided(int a, int b, int c, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        int row1 = a + b, row2 = c + d, col1 = a + c, n = row1 + row2;
        int low = Math.Max(0, col1 - row2), high = Math.Min(row1, col1);
        if (low == high)
        {
            return 1.0; // only one table has these margins
        }

        // log P(x) = log C(row1, x) + log C(row2, col1 - x) - log C(n, col1); the last term is common to all tables.
        double common = LogFactorial(row1) + LogFactorial(row2) + LogFactorial(col1) + LogFactorial(n - col1) - LogFactorial(n);
        double observed = LogProbability(a, row1, row2, col1, common);
        double cutoff = observed + double.LogP1(RelativeTolerance);

        // Sum exp(log P) over the included tables, scaled by the largest so the sum cannot underflow.
        double largest = double.NegativeInfinity;
        for (int x = low; x <= high; x++)
        {
            double logP = LogProbability(x, row1, row2, col1, common);
            if (logP <= cutoff && logP > largest)
            {
                largest = logP;
            }
        }

        double scaled = 0;
        for (int x = low; x <= high; x++)
        {
            double logP = LogProbability(x, row1, row2, col1, common);
            if (logP <= cutoff)
            {
                scaled += Math.Exp(logP - largest);
            }
        }

        double p = Math.Exp(largest + Math.Log(scaled));
        return Math.Clamp(p, double.Epsilon, 1.0);
    }

    private static double LogProbability(int x, int row1, int row2, int col1, double common) =>
        common - LogFactorial(x) - LogFactorial(row1 - x) - LogFactorial(col1 - x) - LogFactorial(row2 - col1 + x);

    private const int TableSize = 4096;
    private static readonly double[] LogFactorials = BuildTable();

    private static double[] BuildTable()
    {
        var table = new double[TableSize];
        for (int i = 2; i < TableSize; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }

    /// <summary>ln(n!): a table below 4096, Stirling's series above (error far below 1e-15 relative there).</summary>
    /// <param name="n">A non-negative integer.</param>
    public static double LogFactorial(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (n < TableSize)
        {
            return LogFactorials[n];
        }

        double x = n + 1.0; // ln Γ(x) with x = n + 1
        double inverse = 1.0 / x, inverse2 = inverse * inverse;
        double series = inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)));
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + series;
    }
}
