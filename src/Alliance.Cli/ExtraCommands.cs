using System.CommandLine;

namespace Alliance.Cli;

/// <summary>Commands that live in their own files and libraries (spreadsheets, signals).</summary>
internal static partial class ExtraCommands
{
    public static IEnumerable<Command> All()
    {
        yield break;
    }
}
