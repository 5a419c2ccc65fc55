using Alliance.Boundaries.Statistics;
using FsCheck.Xunit;

namespace Alliance.Boundaries.Tests;

[Trait("Capability", "Boundaries")]
public class FisherExactTestTests
{
    [Fact]
    public void TeaTastingTableGivesFishersPublishedTwoSidedP()
    {
        // Fisher (1935), the lady tasting tea: [[3,1],[1,3]]. The five tables with these margins have probabilities
        // 1, 16, 36, 16, 1 in 70; as likely or less than the observed 16/70: 1 + 16 + 16 + 1 = 34/70 = 0.4857.
        Assert.Equal(34.0 / 70.0, FisherExactTest.TwoSided(3, 1, 1, 3), 12);
    }

    [Fact]
    public void ConvictionsOfTwinsGivesTheValuePublishedInRsDocumentation()
    {
        // R's ?fisher.test, Convictions of like-sex twins (Fisher, 1962): matrix(c(2, 10, 15, 3), nrow = 2),
        // that is [[2,15],[10,3]]; two-sided p = 0.0005367 (checked by exact rational arithmetic).
        Assert.Equal(0.0005367241191434358, FisherExactTest.TwoSided(2, 15, 10, 3), 15);
    }

    [Fact]
    public void DietingExampleGivesTheTextbookValue()
    {
        // The dieting example of the Wikipedia article on Fisher's exact test: men 1 dieting / 11 not, women 9 / 3,
        // i.e. [[1,9],[11,3]]; p = 0.002759 (exact: sum of the hypergeometric terms no more likely than 10/7429).
        Assert.Equal(0.0027594561852200836, FisherExactTest.TwoSided(1, 9, 11, 3), 15);
    }

    [Fact]
    public void PerfectSeparationOfFiveAndFiveIsTwoIn252()
    {
        // [[0,5],[5,0]]: the two extreme tables each have probability 1 / C(10,5) = 1/252; p = 2/252.
        Assert.Equal(2.0 / 252.0, FisherExactTest.TwoSided(0, 5, 5, 0), 14);
    }

    [Fact]
    public void BalancedTableIsOne()
    {
        // [[10,10],[10,10]] is the most likely table: every table is as likely or less, so p = 1.
        Assert.Equal(1.0, FisherExactTest.TwoSided(10, 10, 10, 10), 12);
    }

    [Fact]
    public void LargeTablesStayExactToManyDigits()
    {
        // A table of 4,000 (beyond the log-factorial table, so Stirling's series is used): the result must equal
        // the same table computed with the counts swapped between rows (an identity), and lie in (0, 1].
        double p = FisherExactTest.TwoSided(1100, 900, 1000, 1000);
        Assert.InRange(p, 1e-12, 1);
        Assert.Equal(p, FisherExactTest.TwoSided(1000, 1000, 1100, 900), 12);
        // ln(4096!) from the series against the running sum of logs.
        double sum = 0;
        for (int i = 2; i <= 5000; i++)
        {
            sum += Math.Log(i);
        }

        Assert.Equal(sum, FisherExactTest.LogFactorial(5000), 8);
    }

    [Fact]
    public void ATableWithOnlyOnePossibleArrangementIsOne()
    {
        Assert.Equal(1.0, FisherExactTest.TwoSided(0, 0, 4, 6));
        Assert.Equal(1.0, FisherExactTest.TwoSided(0, 0, 0, 0));
    }

    [Fact]
    public void NegativeCountsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FisherExactTest.TwoSided(-1, 2, 3, 4));
    }

    [Property(MaxTest = 300)]
    public bool PIsAProbability(byte a, byte b, byte c, byte d)
    {
        double p = FisherExactTest.TwoSided(a, b, c, d);
        return p > 0 && p <= 1;
    }

    [Property(MaxTest = 300)]
    public bool PIsTheSameForTheTransposedTable(byte a, byte b, byte c, byte d) =>
        Close(FisherExactTest.TwoSided(a, b, c, d), FisherExactTest.TwoSided(a, c, b, d));

    [Property(MaxTest = 300)]
    public bool PIsTheSameWhenRowsOrColumnsAreSwapped(byte a, byte b, byte c, byte d)
    {
        double p = FisherExactTest.TwoSided(a, b, c, d);
        return Close(p, FisherExactTest.TwoSided(c, d, a, b)) && Close(p, FisherExactTest.TwoSided(b, a, d, c));
    }

    [Property(MaxTest = 300)]
    public bool PEqualsTheExactRationalSumForSmallTables(byte a, byte b, byte c, byte d)
    {
        // An independent computation in exact integers: the numerators C(r1, x) C(r2, c1 − x) share the denominator
        // C(n, c1); p = (sum of the numerators no larger than the observed one) / C(n, c1).
        int ia = a % 41, ib = b % 41, ic = c % 41, id = d % 41;
        int row1 = ia + ib, row2 = ic + id, col1 = ia + ic, n = row1 + row2;
        var observed = Choose(row1, ia) * Choose(row2, col1 - ia);
        var sum = System.Numerics.BigInteger.Zero;
        for (int x = Math.Max(0, col1 - row2); x <= Math.Min(row1, col1); x++)
        {
            var numerator = Choose(row1, x) * Choose(row2, col1 - x);
            if (numerator <= observed)
            {
                sum += numerator;
            }
        }

        double exact = Math.Exp(System.Numerics.BigInteger.Log(sum) - System.Numerics.BigInteger.Log(Choose(n, col1)));
        return Close(Math.Min(exact, 1), FisherExactTest.TwoSided(ia, ib, ic, id));
    }

    private static System.Numerics.BigInteger Choose(int n, int k)
    {
        var result = System.Numerics.BigInteger.One;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    private static bool Close(double x, double y) => Math.Abs(x - y) <= 1e-9 * Math.Max(x, y);
}

[Trait("Capability", "Boundaries")]
public class HolmCorrectionTests
{
    [Fact]
    public void HandWorkedVector()
    {
        // p = (0.01, 0.04, 0.03, 0.005), m = 4. Sorted: 0.005×4 = 0.02; 0.01×3 = 0.03; 0.03×2 = 0.06;
        // 0.04×1 = 0.04 → raised to the running maximum 0.06. In the given order: 0.03, 0.06, 0.06, 0.02.
        var adjusted = HolmCorrection.Adjust([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void AdjustedValuesAreCappedAtOne()
    {
        var adjusted = HolmCorrection.Adjust([0.5, 0.6, 0.9]);
        Assert.Equal([1.0, 1.0, 1.0], adjusted);
    }

    [Fact]
    public void OneComparisonIsUnchangedAndNoneIsEmpty()
    {
        Assert.Equal([0.03], HolmCorrection.Adjust([0.03]));
        Assert.Empty(HolmCorrection.Adjust([]));
    }

    [Fact]
    public void ValuesOutsideZeroToOneAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HolmCorrection.Adjust([0.2, 1.5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => HolmCorrection.Adjust([double.NaN]));
    }

    [Property(MaxTest = 300)]
    public bool AdjustedIsAtLeastRawAndAtMostOne(byte[] raw)
    {
        var p = raw.Select(x => x / 255.0).ToArray();
        var adjusted = HolmCorrection.Adjust(p);
        return p.Zip(adjusted).All(t => t.Second >= t.First && t.Second <= 1);
    }

    [Property(MaxTest = 300)]
    public bool OrderOfTheRawValuesIsKept(byte[] raw)
    {
        var p = raw.Select(x => x / 255.0).ToArray();
        var adjusted = HolmCorrection.Adjust(p);
        for (int i = 0; i < p.Length; i++)
        {
            for (int j = 0; j < p.Length; j++)
            {
                if (p[i] <= p[j] && adjusted[i] > adjusted[j])
                {
                    return false;
                }
            }
        }

        return true;
    }
}
