using System.CommandLine;
using System.Globalization;
using Alliance.Spreadsheets;

namespace Alliance.Cli.Commands;

/// <summary>
/// <c>alliance generate OUTDIR --families N --seed S</c>: writes a synthetic agency in the spreadsheet
/// format (invented people with realistic courses of care), the same for the same seed.
/// Exit codes: 0 written; 2 a usage error.
/// </summary>
public static class GenerateCommand
{
    /// <summary>The folder was written.</summary>
    public const int Written = 0;

    /// <summary>The command was used wrongly.</summary>
    public const int UsageError = 2;

    /// <summary>Builds the <c>generate</c> command.</summary>
    public static Command Create()
    {
        // Values are read as text and checked by the action, so every usage error exits with code 2.
        var folder = new Argument<string?>("OUTDIR")
        {
            Description = "The folder to write (created if needed; the format's files in it are replaced).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var families = new Option<string?>("--families")
        {
            Description = "How many families (default 100).",
            HelpName = "N",
        };
        var seed = new Option<string?>("--seed")
        {
            Description = "The seed; the same seed writes the same agency (default 1).",
            HelpName = "S",
        };
        var command = new Command("generate", "Write a synthetic agency in the spreadsheet format, at any size.")
        {
            folder,
            families,
            seed,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration?.Output ?? Console.Out;
            var error = parseResult.InvocationConfiguration?.Error ?? Console.Error;
            if (parseResult.UnmatchedTokens.Count > 0)
            {
                return Usage(error, $"unexpected {string.Join(' ', parseResult.UnmatchedTokens)}");
            }

            var path = parseResult.GetValue(folder);
            if (string.IsNullOrWhiteSpace(path))
            {
                return Usage(error, "OUTDIR is required");
            }

            var familiesText = parseResult.GetValue(families) ?? "100";
            if (!int.TryParse(familiesText, NumberStyles.None, CultureInfo.InvariantCulture, out var familyCount) || familyCount < 1)
            {
                return Usage(error, "--families must be a whole number of 1 or more");
            }

            var seedText = parseResult.GetValue(seed) ?? "1";
            if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var seedValue))
            {
                return Usage(error, "--seed must be a whole number");
            }

            return Run(path, familyCount, seedValue, output);
        });
        return command;
    }

    /// <summary>Writes the agency and a one-line summary.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="families">How many families.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="output">Where the summary goes.</param>
    /// <returns><see cref="Written"/>.</returns>
    public static int Run(string folder, int families, ulong seed, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var size = new AgencyGenerator(families, seed).WriteFolder(folder);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"wrote {size.Families} families, {size.Members} members, {size.Sessions} sessions, {size.Scores} scores and {size.Contacts} contacts"));
        return Written;
    }

    private static int Usage(TextWriter error, string sentence)
    {
        error.WriteLine($"alliance generate: {sentence}");
        error.WriteLine("usage: alliance generate OUTDIR --families N --seed S");
        error.Flush();
        return UsageError;
    }
}
