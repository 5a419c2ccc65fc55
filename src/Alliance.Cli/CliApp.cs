using System.CommandLine;
using Alliance.Cli.Commands;

namespace Alliance.Cli;

/// <summary>The <c>alliance</c> command: the operator's tool for the database the web app uses.</summary>
public static class CliApp
{
    /// <summary>
    /// The data folder (<c>--data DIR</c>, else <c>ALLIANCE_DATA</c>, else <c>./data</c>), shared by every command
    /// that opens the database. <c>Database__Provider</c> and <c>Database__ConnectionString</c> choose PostgreSQL, as for the web app.
    /// </summary>
    internal static readonly Option<string?> DataOption = new("--data")
    {
        Description = "The data folder of the embedded database (default: ALLIANCE_DATA, else ./data).",
        Recursive = true,
    };

    /// <summary>The folder of the key-encryption certificate (default: ALLIANCE_KEYS, else keys beside the data folder).</summary>
    internal static readonly Option<string?> KeysOption = new("--keys")
    {
        Description = "The folder holding the key-encryption key (default: ALLIANCE_KEYS, else 'keys' beside the data folder).",
        Recursive = true,
    };

    /// <summary>The staff member an operator acts for, named in the audit trail next to the system user.</summary>
    internal static readonly Option<string?> OnBehalfOfOption = new("--on-behalf-of")
    {
        Description = "Email of the staff member on whose behalf this operator action is taken (recorded in the audit trail).",
        Recursive = true,
    };

    /// <summary>Parses and runs a command line; returns the exit code (0 done, 1 failed, 2 usage error).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Alliance: feedback-informed care for families. Operator commands for the Alliance database.")
        {
            DataOption,
            KeysOption,
            OnBehalfOfOption,
            AgencyCommand.Create(output),
            AuditCommand.Create(output),
            BackupCommands.Backup(output),
            BackupCommands.Restore(output),
        };
        root.Subcommands.Add(SignalsCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ImportCommand.Create(output));
        root.Subcommands.Add(ProveCommand.Create(output));
        var parsed = root.Parse(args);
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            await error.WriteLineAsync("Run 'alliance --help' for usage.").ConfigureAwait(false);
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            // Configuration problems (an unknown provider, a missing key file, an unknown staff member) say what to fix.
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 1;
        }
    }
}
