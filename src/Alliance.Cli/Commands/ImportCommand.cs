using System.CommandLine;
using Alliance.Application.Import;
using Alliance.Application.Measures;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Commands;

/// <summary>
/// <c>alliance import FOLDER [--agency ID] --therapist EMAIL</c>: stores a spreadsheet folder's families, sessions and
/// scores in an agency, all or nothing. Exit codes: 0 imported (or already imported); 1 the folder, the agency or the
/// therapist has problems (each on standard error, the folder's as <c>file:line: column: sentence</c>; nothing stored);
/// 2 a usage error.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter output)
    {
        var folder = new Argument<string>("FOLDER") { Description = "The spreadsheet folder (members.csv, sessions.csv, scores.csv, optional contacts.csv and format.txt)." };
        var agency = new Option<Guid?>("--agency") { Description = "The agency's id (default: the only agency of the database)." };
        var therapist = new Option<string>("--therapist")
        {
            Description = "Email of the therapist who becomes the primary therapist of the imported families; an unknown email becomes a therapist account without a password.",
            Required = true,
        };
        var baseUrl = new Option<Uri>("--base-url")
        {
            Description = "Where staff reach the web app, for a new therapist's set-password link.",
            DefaultValueFactory = _ => new Uri("http://localhost:5080/"),
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
                result.AddError($"--base-url must be an absolute http or https address, such as https://alliance.example.org/ (got '{text}').");
                return null;
            },
        };
        var command = new Command("import", "Import a spreadsheet folder (families, sessions, scores) into an agency, all or nothing.")
        {
            folder, agency, therapist, baseUrl,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(folder)!;
            if (!Directory.Exists(path))
            {
                await error.WriteLineAsync($"FOLDER: {path} is not a folder").ConfigureAwait(false);
                return 2;
            }
            await using var services = await CliServices.OpenAsync(parse, ct).ConfigureAwait(false);
            await using var scope = services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var instruments = ActivatorUtilities.CreateInstance<AgencyInstruments>(sp, new AgencyInstrumentCache());
            var import = ActivatorUtilities.CreateInstance<ImportSpreadsheet>(sp, instruments);
            var outcome = await import.HandleAsync(new ImportSpreadsheetCommand(path, parse.GetValue(agency), parse.GetValue(therapist)!, parse.GetValue(baseUrl)!), ct)
                .ConfigureAwait(false);
            if (outcome.Summary is not { } s)
            {
                foreach (var problem in outcome.Problems) await error.WriteLineAsync(problem).ConfigureAwait(false);
                await error.WriteLineAsync("Nothing was imported.").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync($"Imported into {s.AgencyName} ({s.AgencyId}), primary therapist {s.TherapistEmail}:").ConfigureAwait(false);
            await output.WriteLineAsync(Line("families", s.Families, s.NewFamilies)).ConfigureAwait(false);
            await output.WriteLineAsync(Line("members", s.Members, s.NewMembers)).ConfigureAwait(false);
            await output.WriteLineAsync(Line("sessions", s.Sessions, s.NewSessions)).ConfigureAwait(false);
            await output.WriteLineAsync(Line("scores", s.Scores, s.NewScores)).ConfigureAwait(false);
            await output.WriteLineAsync(Line("contacts", s.Contacts, s.NewContacts)).ConfigureAwait(false);
            await output.WriteLineAsync("  Each family has one active episode; its orientation is marked as recorded before import.").ConfigureAwait(false);
            if (s.SetPasswordLink is { } link)
            {
                await output.WriteLineAsync($"A therapist account was created for {s.TherapistEmail}. Send this one-time link so they can set a password; it works once, for three days, and is not shown again:").ConfigureAwait(false);
                await output.WriteLineAsync(link.ToString()).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    private static string Line(string what, int inFolder, int added) =>
        $"  {what}: {inFolder} in the folder, {added} new{(inFolder > added ? $", {inFolder - added} already imported" : "")}";
}
