namespace Alliance.Boundaries.Statistics;

/// <summary>
/// Holm's step-down correction for several comparisons (Holm, 1979, Scandinavian Journal of Statistics 6(2), 65-70):
/// it controls the chance of any false flag across the family of comparisons, and is uniformly more powerful than
/// Bonferroni. Adjusted p-values as in R's <c>p.adjust(method = "holm")</c>.
/// </summary>
public static class HolmCorrection
{
    /// <summary>
    /// The Holm-adjusted p-values, in the order given: with the raw values sorted ascending p(1) ≤ ... ≤ p(m),
    /// adjusted p(i) = min(1, max over j ≤ i of (m − j + 1) p(j)). Each adjusted value is at least its raw value,
    /// and the order of the raw values is kept.
    /// </summary>
    /// <param name="pValues">The raw p-values, each in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside [0, 1] or not a number.</exception>
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        int m = pValues.Count;
        var order = new int[m];
        for (int i = 0; i < m; i++)
        {
            double p = pValues[i];
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(pValues), "Every p-value must be between 0 and 1.");
            }

            order[i] = i;
        }

        // Stable sort by raw p so ties keep their given order.
        Array.Sort(order, (x, y) => pValues[x] != pValues[y] ? pValues[x].CompareTo(pValues[y]) : x.CompareTo(y));
        var adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int index = order[rank];
            running = Math.Max(running, Math.Min(1.0, (m - rank) * pValues[index]));
            adjusted[index] = running;
        }

        return adjusted;
    }
}
