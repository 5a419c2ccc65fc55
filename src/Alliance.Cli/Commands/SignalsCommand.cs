using System.CommandLine;
using System.Text;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Cli.Commands;

/// <summary>
/// <c>alliance signals FOLDER [--rules FILE]</c>: evaluates a spreadsheet folder with the feedback rules,
/// storing nothing, and prints the alerts as JSON Lines on standard output.
/// Exit codes: 0 the folder was valid (alerts or not); 1 the folder has problems (listed on standard
/// error, nothing on standard output); 2 a usage error (no folder, an unreadable or wrong rules file).
/// </summary>
public static class SignalsCommand
{
    /// <summary>The folder was valid; the alerts (perhaps none) were printed.</summary>
    public const int Valid = 0;

    /// <summary>The folder has problems; they were printed on standard error.</summary>
    public const int InvalidFolder = 1;

    /// <summary>The command was used wrongly (no folder, a folder that does not exist, a bad rules file).</summary>
    public const int UsageError = 2;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Builds the <c>signals</c> command.</summary>
    public static Command Create()
    {
        // FOLDER and --rules take zero or one value and unmatched tokens are not parse errors, so that
        // the action itself reports every usage error with exit code 2.
        var folder = new Argument<string?>("FOLDER")
        {
            Description = "The spreadsheet folder (members.csv, sessions.csv, scores.csv, optional contacts.csv and format.txt).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var rules = new Option<string?>("--rules")
        {
            Description = "A JSON file replacing any of the numbers of the default rules.",
            HelpName = "FILE",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("signals", "Evaluate a spreadsheet folder with the feedback rules and print the alerts as JSON Lines, storing nothing.")
        {
            folder,
            rules,
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

            var folderPath = parseResult.GetValue(folder);
            if (string.IsNullOrWhiteSpace(folderPath))
            {
                return Usage(error, "FOLDER is required");
            }

            var rulesPath = parseResult.GetValue(rules);
            if (parseResult.GetResult(rules) is not null && string.IsNullOrWhiteSpace(rulesPath))
            {
                return Usage(error, "--rules needs a FILE");
            }

            return Run(folderPath, rulesPath, output, error);
        });
        return command;
    }

    /// <summary>Runs the command: reads the folder, evaluates it and writes the alerts.</summary>
    /// <param name="folder">The spreadsheet folder.</param>
    /// <param name="rulesFile">The rules file, or null for the defaults.</param>
    /// <param name="output">Where the JSON Lines go (standard output).</param>
    /// <param name="error">Where problems go (standard error).</param>
    /// <returns>The exit code: <see cref="Valid"/>, <see cref="InvalidFolder"/> or <see cref="UsageError"/>.</returns>
    public static int Run(string folder, string? rulesFile, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var rules = SignalRules.Default;
        if (rulesFile is not null)
        {
            if (!File.Exists(rulesFile))
            {
                return Usage(error, "the rules file does not exist");
            }

            try
            {
                rules = SignalRulesFile.Load(rulesFile);
            }
            catch (SignalRulesFileException e)
            {
                return Usage(error, "rules file: " + e.Message);
            }
        }

        if (!Directory.Exists(folder))
        {
            return Usage(error, "the folder does not exist");
        }

        var result = new SpreadsheetReader(rules.Instruments).ReadFolder(folder);
        if (!result.IsValid)
        {
            foreach (var problem in result.Problems)
            {
                error.WriteLine(problem.ToString());
            }

            error.Flush();
            return InvalidFolder;
        }

        var alerts = new SignalEngine(rules).Evaluate(result.Caseload!);
        if (ReferenceEquals(output, Console.Out))
        {
            // Console.Out flushes on every write; a buffered stream keeps large outputs fast.
            using var stdout = Console.OpenStandardOutput();
            SignalsJsonLines.Write(alerts, stdout);
        }
        else
        {
            SignalsJsonLines.Write(alerts, output);
        }

        return Valid;
    }

    private static int Usage(TextWriter error, string sentence)
    {
        error.WriteLine($"alliance signals: {sentence}");
        error.WriteLine("usage: alliance signals FOLDER [--rules FILE]");
        error.Flush();
        return UsageError;
    }
}
