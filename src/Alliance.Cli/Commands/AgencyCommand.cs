using System.CommandLine;
using Alliance.Application.Agencies;
using Alliance.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Commands;

/// <summary><c>alliance agency create</c>: a real agency, without the demo, and its first admin's one-time link.</summary>
internal static class AgencyCommand
{
    public static Command Create(TextWriter output)
    {
        var name = new Option<string>("--name") { Description = "The agency's name.", Required = true };
        var email = new Option<string>("--admin-email") { Description = "Email of the first admin, who signs in with it.", Required = true };
        var adminName = new Option<string?>("--admin-name") { Description = "The first admin's name (default: the part of the email before @)." };
        var zone = new Option<string>("--time-zone") { Description = "IANA time zone, such as Europe/London.", DefaultValueFactory = _ => "Europe/London" };
        var baseUrl = new Option<Uri>("--base-url")
        {
            Description = "Where staff reach the web app, for the link.",
            DefaultValueFactory = _ => new Uri("http://localhost:5080/"),
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
                result.AddError($"--base-url must be an absolute http or https address, such as https://alliance.example.org/ (got '{text}').");
                return null;
            },
        };

        var create = new Command("create", "Creates an agency and prints a one-time link for its first admin to set a password.")
        {
            name, email, adminName, zone, baseUrl,
        };
        create.SetAction(async (parse, ct) =>
        {
            var adminEmail = parse.GetValue(email)!.Trim();
            await using var services = await CliServices.OpenAsync(parse, ct).ConfigureAwait(false);
            await using var scope = services.CreateAsyncScope();
            try
            {
                var created = await scope.ServiceProvider.GetRequiredService<CreateAgency>().HandleAsync(new CreateAgencyCommand(
                    parse.GetValue(name)!, adminEmail, parse.GetValue(adminName) ?? adminEmail.Split('@')[0],
                    parse.GetValue(zone)!, parse.GetValue(baseUrl)!), ct).ConfigureAwait(false);
                await output.WriteLineAsync($"Agency created: {parse.GetValue(name)!.Trim()} ({created.AgencyId})").ConfigureAwait(false);
                await output.WriteLineAsync($"First admin: {adminEmail}").ConfigureAwait(false);
                await output.WriteLineAsync("Send this one-time link to the admin; it works once, for three days, and is not shown again:").ConfigureAwait(false);
                await output.WriteLineAsync(created.SetPasswordLink.ToString()).ConfigureAwait(false);
                return 0;
            }
            catch (DomainRuleException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"{OptionFor(e.Field)}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });

        return new Command("agency", "Agencies in this database.") { create };
    }

    private static string OptionFor(string field) => field switch
    {
        "name" => "--name",
        "timeZoneId" => "--time-zone",
        "email" => "--admin-email",
        "displayName" => "--admin-name",
        _ => "agency",
    };
}
