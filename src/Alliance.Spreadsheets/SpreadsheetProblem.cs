using System.Globalization;
using Alliance.Signals;

namespace Alliance.Spreadsheets;

/// <summary>
/// One problem in a spreadsheet folder, written as <c>file:line: column: sentence</c> (the header is
/// line 1), or <c>file: sentence</c> for a problem with a whole file (<c>members.csv: missing</c>).
/// </summary>
/// <param name="File">The file name (<c>scores.csv</c>).</param>
/// <param name="Line">The line on which the row starts, or null for the whole file.</param>
/// <param name="Column">The column concerned (or <c>header</c> / <c>row</c> for the header or a whole row), or null for the whole file.</param>
/// <param name="Sentence">What is wrong.</param>
public sealed record SpreadsheetProblem(string File, int? Line, string? Column, string Sentence)
{
    /// <summary>The problem as the format writes it.</summary>
    public override string ToString() => Line is { } line
        ? string.Create(CultureInfo.InvariantCulture, $"{File}:{line}: {Column}: {Sentence}")
        : $"{File}: {Sentence}";
}

/// <summary>What reading a spreadsheet folder gave: a caseload when the folder is valid, otherwise every problem found.</summary>
public sealed class SpreadsheetReadResult
{
    internal SpreadsheetReadResult(Caseload? caseload, IReadOnlyList<SpreadsheetProblem> problems)
    {
        Caseload = caseload;
        Problems = problems;
    }

    /// <summary>The caseload, or null when the folder has problems.</summary>
    public Caseload? Caseload { get; }

    /// <summary>Every problem found, by file and line.</summary>
    public IReadOnlyList<SpreadsheetProblem> Problems { get; }

    /// <summary>Whether the folder is valid (then <see cref="Caseload"/> is set).</summary>
    public bool IsValid => Caseload is not null;
}
