using System.Globalization;
using System.Runtime.CompilerServices;

namespace Alliance.Signals;

/// <summary>
/// An exact questionnaire total with at most one decimal (29, 29.5, -1.5).
/// </summary>
/// <remarks>
/// Scores are held as a whole number of tenths in an <see cref="int"/>. The spreadsheet format allows
/// at most one decimal and asks for exact comparison, and every rule only compares and subtracts
/// scores: integer tenths make that exact (no binary rounding, so 36.3 - 31.3 is exactly 5), keep a
/// score to 4 bytes (a <see cref="decimal"/> takes 16) and cost no more than integer arithmetic,
/// which matters when an agency's millions of ratings are evaluated at once.
/// </remarks>
public readonly struct Score : IEquatable<Score>, IComparable<Score>, ISpanFormattable
{
    /// <summary>The largest magnitude accepted, in whole points, so that differences never overflow.</summary>
    public const int MaxMagnitude = 10_000_000;

    private Score(int tenths) => Tenths = tenths;

    /// <summary>The score as a whole number of tenths (29.5 is 295).</summary>
    public int Tenths { get; }

    /// <summary>Creates a score from a whole number of tenths.</summary>
    /// <param name="tenths">The score times ten.</param>
    /// <exception cref="ArgumentOutOfRangeException">Beyond <see cref="MaxMagnitude"/> points.</exception>
    public static Score FromTenths(int tenths)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs((long)tenths), MaxMagnitude * 10L, nameof(tenths));
        return new Score(tenths);
    }

    /// <summary>Creates a score of whole points.</summary>
    /// <param name="points">The score.</param>
    public static Score FromPoints(int points) => FromTenths(checked(points * 10));

    /// <summary>Creates a score from a decimal with at most one decimal place.</summary>
    /// <param name="value">The score.</param>
    /// <exception cref="ArgumentException">The value has more than one decimal or is out of range.</exception>
    public static Score FromDecimal(decimal value)
    {
        var tenths = value * 10m;
        if (tenths != decimal.Truncate(tenths) || Math.Abs(tenths) > MaxMagnitude * 10m)
        {
            throw new ArgumentException("A score has at most one decimal and at most 10 million points.", nameof(value));
        }

        return new Score((int)tenths);
    }

    /// <summary>
    /// Reads a score written as digits with an optional leading <c>-</c> and at most one decimal
    /// (<c>29</c>, <c>29.5</c>, <c>-1.5</c>, <c>36.0</c>), the syntax of the spreadsheet format.
    /// </summary>
    /// <param name="text">The text, without surrounding spaces.</param>
    /// <param name="score">The score read.</param>
    /// <returns>Whether the text is a score.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(ReadOnlySpan<char> text, out Score score)
    {
        score = default;
        var i = 0;
        var negative = false;
        if (text.Length > 0 && text[0] == '-')
        {
            negative = true;
            i = 1;
        }

        long whole = 0;
        var digits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            whole = (whole * 10) + (text[i] - '0');
            digits++;
            i++;
            if (whole > MaxMagnitude)
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        var tenth = 0;
        if (i < text.Length)
        {
            // Exactly one digit after the point: "5." and "5.25" are not scores.
            if (text[i] != '.' || i + 2 != text.Length || !char.IsAsciiDigit(text[i + 1]))
            {
                return false;
            }

            tenth = text[i + 1] - '0';
        }

        var tenths = (int)((whole * 10) + tenth);
        score = new Score(negative ? -tenths : tenths);
        return true;
    }

    /// <summary>Reads a score; see <see cref="TryParse(ReadOnlySpan{char}, out Score)"/>.</summary>
    /// <param name="text">The text.</param>
    /// <exception cref="FormatException">The text is not a score.</exception>
    public static Score Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text.AsSpan().Trim(), out var score)
            ? score
            : throw new FormatException("A score is digits with an optional leading - and at most one decimal.");
    }

    /// <summary>The score as a decimal.</summary>
    public decimal ToDecimal() => Tenths / 10m;

    /// <summary>Writes the score as the format writes it: <c>29</c>, <c>29.5</c>, <c>-1.5</c>.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[16];
        TryFormat(buffer, out var written);
        return new string(buffer[..written]);
    }

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Writes the score as the format writes it (see <see cref="ToString()"/>).</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="charsWritten">How many characters were written.</param>
    /// <returns>Whether the destination was large enough.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        var tenths = Tenths;
        var pos = 0;
        if (tenths < 0)
        {
            if (destination.Length < 1)
            {
                return false;
            }

            destination[pos++] = '-';
            tenths = -tenths;
        }

        if (!(tenths / 10).TryFormat(destination[pos..], out var wholeChars, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        pos += wholeChars;
        var tenth = tenths % 10;
        if (tenth != 0)
        {
            if (destination.Length < pos + 2)
            {
                return false;
            }

            destination[pos++] = '.';
            destination[pos++] = (char)('0' + tenth);
        }

        charsWritten = pos;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(destination, out charsWritten);

    /// <inheritdoc />
    public bool Equals(Score other) => Tenths == other.Tenths;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Score other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Tenths;

    /// <inheritdoc />
    public int CompareTo(Score other) => Tenths.CompareTo(other.Tenths);

    /// <summary>Whether two scores are equal.</summary>
    public static bool operator ==(Score left, Score right) => left.Tenths == right.Tenths;

    /// <summary>Whether two scores differ.</summary>
    public static bool operator !=(Score left, Score right) => left.Tenths != right.Tenths;

    /// <summary>Whether the left score is lower.</summary>
    public static bool operator <(Score left, Score right) => left.Tenths < right.Tenths;

    /// <summary>Whether the left score is higher.</summary>
    public static bool operator >(Score left, Score right) => left.Tenths > right.Tenths;

    /// <summary>Whether the left score is lower or equal.</summary>
    public static bool operator <=(Score left, Score right) => left.Tenths <= right.Tenths;

    /// <summary>Whether the left score is higher or equal.</summary>
    public static bool operator >=(Score left, Score right) => left.Tenths >= right.Tenths;

    /// <summary>The difference of two scores.</summary>
    public static Score operator -(Score left, Score right) => new(left.Tenths - right.Tenths);

    /// <summary>The sum of two scores.</summary>
    public static Score operator +(Score left, Score right) => new(left.Tenths + right.Tenths);

    /// <summary>The difference of two scores (same as the operator).</summary>
    public static Score Subtract(Score left, Score right) => left - right;

    /// <summary>The sum of two scores (same as the operator).</summary>
    public static Score Add(Score left, Score right) => left + right;
}
