using System.CommandLine;
using Alliance.Data;
using Alliance.Data.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Cli.Commands;

/// <summary><c>alliance audit verify</c>: checks every agency's hash-chained audit trail.</summary>
internal static class AuditCommand
{
    public static Command Create(TextWriter output)
    {
        var verify = new Command("verify", "Checks that no audit entry was changed, removed or reordered; names each one that was.");
        verify.SetAction(async (parse, ct) =>
        {
            await using var services = await CliServices.OpenAsync(parse, ct).ConfigureAwait(false);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var problems = await AuditLedger.VerifyAsync(db, ct).ConfigureAwait(false);
            var entries = await db.AuditEntries.LongCountAsync(ct).ConfigureAwait(false);
            var chains = await db.AuditChainHeads.CountAsync(ct).ConfigureAwait(false);
            if (problems.Count == 0)
            {
                await output.WriteLineAsync($"The audit trail is intact: {entries} entries in {chains} agency chains.").ConfigureAwait(false);
                return 0;
            }
            var error = parse.InvocationConfiguration.Error;
            foreach (var p in problems) await error.WriteLineAsync(p).ConfigureAwait(false);
            await error.WriteLineAsync($"The audit trail has {problems.Count} problem(s) in {entries} entries.").ConfigureAwait(false);
            return 1;
        });
        return new Command("audit", "The audit trail of reads and writes of client data.") { verify };
    }
}
