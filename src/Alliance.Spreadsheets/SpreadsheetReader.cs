using System.Text;
using Alliance.Signals;

namespace Alliance.Spreadsheets;

/// <summary>
/// Reads a folder in the spreadsheet format, version 1 (<c>members.csv</c>, <c>sessions.csv</c>,
/// <c>scores.csv</c>, optional <c>contacts.csv</c> and <c>format.txt</c>), checks everything the format
/// asks for and reports every problem together, as <c>file:line: column: sentence</c>.
/// </summary>
public sealed class SpreadsheetReader
{
    /// <summary>The format version this reader reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The file names of the format, in the order they are read.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["format.txt", "members.csv", "sessions.csv", "scores.csv", "contacts.csv"];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates a reader that knows the given instruments.</summary>
    /// <param name="instruments">The agency's instruments; <see cref="InstrumentCatalogue.Default"/> when null.</param>
    public SpreadsheetReader(InstrumentCatalogue? instruments = null)
    {
        Instruments = instruments ?? InstrumentCatalogue.Default;
    }

    /// <summary>The instruments whose ids and ranges the reader accepts.</summary>
    public InstrumentCatalogue Instruments { get; }

    /// <summary>From what size (in characters) a quote-free scores.csv is read in parallel chunks; tests lower it.</summary>
    internal int ParallelThreshold { get; init; } = 1 << 20;

    /// <summary>Reads a folder from disk. File names are matched without regard to case.</summary>
    /// <param name="folder">The folder's path.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public SpreadsheetReadResult ReadFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException("The spreadsheet folder does not exist.");
        }

        var onDisk = Directory.EnumerateFiles(folder)
            .GroupBy(path => Path.GetFileName(path), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var problems = new List<SpreadsheetProblem>();
        var texts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in FileNames)
        {
            if (!onDisk.TryGetValue(name, out var path))
            {
                continue;
            }

            try
            {
                texts[name] = StrictUtf8.GetString(StripBom(File.ReadAllBytes(path)));
            }
            catch (DecoderFallbackException)
            {
                problems.Add(new SpreadsheetProblem(name, null, null, "the file is not UTF-8 text"));
            }
        }

        if (problems.Count > 0)
        {
            return new SpreadsheetReadResult(null, problems);
        }

        return Read(texts);
    }

    /// <summary>Reads a folder given as texts by file name (names matched without regard to case).</summary>
    /// <param name="files">Each file's text; a leading byte-order mark is ignored.</param>
    public SpreadsheetReadResult Read(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, text) in files)
        {
            byName[name] = text;
        }

        return new FolderParse(Instruments, ParallelThreshold).Run(byName);
    }

    private static ReadOnlySpan<byte> StripBom(byte[] bytes) =>
        bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes;
}
