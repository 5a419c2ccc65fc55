using System.Text.RegularExpressions;
using Alliance.Application;
using Alliance.Application.Import;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Alliance.Cli.Tests;

/// <summary><c>alliance import</c> of the format's example folders into a real SQLite database in a temporary data folder.</summary>
[Trait("Capability", "Measures")]
public sealed partial class ImportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "alliance-import-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _copies = [];

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", "examples", name);

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private Task<(int Code, string Out, string Err)> ImportAsync(string folder, string therapist = "new.therapist@northside.example", params string[] more) =>
        RunAsync([.. new[] { "import", folder, "--therapist", therapist, "--data", _folder, "--keys", _folder + "-keys" }, .. more]);

    private async Task<Guid> CreateAgencyAsync(string name = "Northside Family Centre")
    {
        var (code, output, error) = await RunAsync("agency", "create", "--name", name, "--admin-email", $"lead{Guid.NewGuid():N}@northside.example", "--data", _folder, "--keys", _folder + "-keys");
        Assert.True(code == 0, error);
        return Guid.Parse(AgencyId().Match(output).Groups[1].Value);
    }

    private AllianceDbContext Open()
    {
        var settings = DatabaseSettings.From(new ConfigurationBuilder().Build(), _folder);
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        settings.Apply(options);
        return AllianceDbContext.Create(options.Options, FixedTenant.Operator);
    }

    /// <summary>A copy of an example folder, changed by <paramref name="change"/> (file name, its lines).</summary>
    private string Copy(string example, Action<string, List<string>> change)
    {
        var copy = Path.Combine(Path.GetTempPath(), "alliance-folder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        _copies.Add(copy);
        foreach (var file in Directory.GetFiles(Example(example)))
        {
            var lines = File.ReadAllLines(file).ToList();
            change(Path.GetFileName(file), lines);
            File.WriteAllLines(Path.Combine(copy, Path.GetFileName(file)), lines);
        }
        return copy;
    }

    private async Task<(int Cases, int Members, int Sessions, int Scores, int Audit)> CountsAsync()
    {
        await using var db = Open();
        return (await db.Cases.CountAsync(), await db.Members.CountAsync(), await db.Sessions.CountAsync(),
            await db.Responses.CountAsync(r => r.Source == ResponseSource.Import), await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task ImportsTheExampleFoldersWithEveryFamilySessionAndScore()
    {
        var agency = await CreateAgencyAsync();

        var (code, output, error) = await ImportAsync(Example("small"));
        Assert.True(code == 0, error);
        Assert.Contains("families: 60 in the folder, 60 new", output, StringComparison.Ordinal);
        Assert.Contains("contacts: 36 in the folder, 36 new", output, StringComparison.Ordinal);
        Assert.Equal((60, 120, 532, 1970), TakeFour(await CountsAsync()));

        (code, output, error) = await ImportAsync(Example("edge"), "new.therapist@northside.example", "--agency", agency.ToString());
        Assert.True(code == 0, error);
        Assert.Equal((68, 129, 565, 2005), TakeFour(await CountsAsync()));

        await using var db = Open();
        var therapist = await db.Users.SingleAsync(u => u.Email == "new.therapist@northside.example");
        var cases = await db.Cases.Include(c => c.Members).Include(c => c.Episodes).ThenInclude(e => e.PhaseChanges)
            .Include(c => c.Episodes).ThenInclude(e => e.Sessions).ThenInclude(s => s.Attendees).AsSplitQuery().ToListAsync();
        Assert.All(cases, c =>
        {
            Assert.Equal((agency, therapist.Id), (c.AgencyId, c.PrimaryTherapistId));
            var episode = Assert.Single(c.Episodes);
            Assert.Equal(EpisodePhase.Active, episode.Phase);
            Assert.Contains(episode.PhaseChanges, p => p.To == EpisodePhase.FirstVisit && p.Reason.Contains("orientation recorded before import", StringComparison.Ordinal));
        });

        // E02: a child who turns 13 keeps one series, child versions then adult ones; E06's decimal scores are exact.
        var e02 = cases.Single(c => c.Name == "E02");
        Assert.Equal(2012, Assert.Single(e02.Members).BirthYear);
        Assert.Equal(["child-alliance-check", "child-alliance-check", "alliance-check", "alliance-check"],
            await db.Responses.Where(r => r.CaseId == e02.Id && r.InstrumentId.Contains("alliance"))
                .Join(db.Sessions, r => r.SessionId, s => s.Id, (r, s) => new { r.InstrumentId, s.Number }).OrderBy(x => x.Number).Select(x => x.InstrumentId).ToListAsync());
        var e06 = cases.Single(c => c.Name == "E06");
        Assert.Equal([31.3m, 36.3m], (await db.Responses.Where(r => r.CaseId == e06.Id && r.InstrumentId == "alliance-check").Select(r => r.Score!.Value).ToListAsync()).Order());
        // E01: sessions without an attended list are attended by the members with a score, an observer's included (session 7).
        var e01 = cases.Single(c => c.Name == "E01").CurrentEpisode.Sessions;
        Assert.All(e01, s => Assert.Single(s.Attendees));
        // C0000035: a no-show and a cancelled session keep their status; session numbers follow the folder's order.
        var c35 = cases.Single(c => c.Name == "C0000035").CurrentEpisode.Sessions.OrderBy(s => s.Number).Select(s => s.Status).ToList();
        Assert.Equal([SessionStatus.Held, SessionStatus.Held, SessionStatus.NoShow, SessionStatus.Held, SessionStatus.Held, SessionStatus.Cancelled], c35);
        // The import is audited as an operator action.
        Assert.Contains(await db.AuditEntries.Where(a => a.Action == "import").ToListAsync(), a => a.ActorKind == Alliance.Data.Auditing.AuditActorKind.Operator);
    }

    [Fact]
    [Trait("Capability", "Process")]
    public async Task ImportedEpisodesCountAsOrientedBeforeImportOnceEach()
    {
        await CreateAgencyAsync();
        var (code, _, error) = await ImportAsync(Example("small"));
        Assert.True(code == 0, error);
        (code, _, error) = await ImportAsync(Example("small"));
        Assert.True(code == 0, error);

        await using var db = Open();
        var members = await db.Members.CountAsync();
        var agreements = await db.MemberAgreements.AsNoTracking().ToListAsync();
        Assert.Equal(120, members);
        Assert.Equal(members, agreements.Count);
        Assert.Equal(members, agreements.Select(a => a.MemberId).Distinct().Count());
        Assert.All(agreements, a => Assert.Equal((AgreementForm.RecordedBeforeImport, 0, true), (a.Form, a.TextVersion, a.MeasuresConsent)));
    }

    [Fact]
    public async Task ImportingTheSameFolderTwiceChangesNothing()
    {
        await CreateAgencyAsync();
        Assert.Equal(0, (await ImportAsync(Example("small"))).Code);
        var before = await CountsAsync();

        var (code, output, error) = await ImportAsync(Example("small"));
        Assert.True(code == 0, error);
        Assert.Contains("scores: 1970 in the folder, 0 new, 1970 already imported", output, StringComparison.Ordinal);
        Assert.DoesNotContain("set-password", output, StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    [Trait("Capability", "Boundaries")]
    public async Task ContactsGoIntoTheLogOnceAndRaiseTheContactAlertsOfTheGoldenExample()
    {
        await CreateAgencyAsync();
        var (code, output, error) = await ImportAsync(Example("small"));
        Assert.True(code == 0, error);
        Assert.Contains("contacts: 36 in the folder, 36 new", output, StringComparison.Ordinal);

        await using (var db = Open())
        {
            Assert.Equal(36, await db.Contacts.CountAsync());
            Assert.All(await db.Contacts.ToListAsync(), c => Assert.True(c.Imported));
            // The first row: C0000000,M1,2025-07-11T10:15,in-person-outside,client,23.
            var agency = await db.Agencies.SingleAsync();
            var c0 = await db.Cases.Include(c => c.Members).SingleAsync(c => c.Name == "C0000000");
            var first = await db.Contacts.SingleAsync(c => c.CaseId == c0.Id && c.Means == ContactMeans.InPersonOutside && c.Minutes == 23);
            Assert.Equal(new DateTime(2025, 7, 11, 10, 15, 0), agency.ToLocal(first.At));
            Assert.Equal(ContactStartedBy.Family, first.StartedBy);
            Assert.Equal(c0.Members.OrderBy(m => m.Position).First().Id, first.MemberId);
        }

        // The second import finds every contact already in the log.
        (code, output, error) = await ImportAsync(Example("small"));
        Assert.True(code == 0, error);
        Assert.Contains("contacts: 36 in the folder, 0 new, 36 already imported", output, StringComparison.Ordinal);

        await using (var db = Open())
        {
            Assert.Equal(36, await db.Contacts.CountAsync());
            // Evaluated in the app, the stored contacts raise what the format's golden file small.expected-alerts.csv
            // lists for them: 21 personal-contact and 9 out-of-hours-contact alerts.
            foreach (var id in await db.Cases.Select(c => c.Id).ToListAsync())
                await new Alliance.Application.Feedback.CaseFeedback(db, TimeProvider.System).EvaluateAsync(id);
            await db.SaveChangesAsync();
            Assert.Equal(21, await db.Alerts.CountAsync(a => a.Kind == "personal-contact"));
            Assert.Equal(9, await db.Alerts.CountAsync(a => a.Kind == "out-of-hours-contact"));
        }
    }

    [Fact]
    public async Task ARowImportedBeforeWithAnotherValueIsAnErrorAndNothingChanges()
    {
        await CreateAgencyAsync();
        Assert.Equal(0, (await ImportAsync(Example("edge"))).Code);
        var before = await CountsAsync();
        var changed = Copy("edge", (file, lines) =>
        {
            if (file == "scores.csv") lines[28] = lines[28].Replace(",36.3,", ",35.3,", StringComparison.Ordinal);
            if (file == "members.csv") lines.Add("E09,M1,client,1990,");
            if (file == "sessions.csv") lines.Add("E09,1,2025-06-02,10:00,50,50,held,M1,yes");
        });

        var (code, output, error) = await ImportAsync(changed);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(
            "scores.csv:29: score: alliance-check of member M1 at session 1 of case E06 was imported as 36.3; the folder now says 35.3" + Environment.NewLine
            + "Nothing was imported." + Environment.NewLine, error);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task EveryProblemIsReportedAsFileLineColumnSentenceAndNothingIsWritten()
    {
        await CreateAgencyAsync();
        var before = await CountsAsync();

        // Problems the reader finds: all of them, in file and line order.
        var unreadable = Copy("edge", (file, lines) =>
        {
            if (file == "scores.csv")
            {
                lines[1] = lines[1].Replace(",20,", ",44,", StringComparison.Ordinal);
                lines[13] = lines[13].Replace(",client", ",cleint", StringComparison.Ordinal);
            }
        });
        var (code, output, error) = await ImportAsync(unreadable);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(
            [
                "scores.csv:2: score: 44 is outside wellbeing-check's range 0-40",
                "scores.csv:14: rater: cleint is not a rater (client, caregiver, observer, therapist)",
                "Nothing was imported.",
            ],
            Lines(error));

        // Problems only the record's rules find: a session too short to be planned, a session held in the future.
        var unstorable = Copy("edge", (file, lines) =>
        {
            if (file == "sessions.csv")
            {
                lines[24] = lines[24].Replace("10:00,50,50", "10:00,3,50", StringComparison.Ordinal);
                lines[29] = lines[29].Replace("2025-05-12", "2099-05-12", StringComparison.Ordinal);
            }
        });
        (code, output, error) = await ImportAsync(unstorable);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal(
            [
                "sessions.csv:25: scheduled_minutes: A session is planned for 5 to 480 minutes",
                "sessions.csv:30: date: A session cannot be recorded as held in the future",
                "Nothing was imported.",
            ],
            Lines(error));

        // Nothing was written: no family, no score, no therapist account, no audit entry.
        Assert.Equal(before, await CountsAsync());
        await using var db = Open();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "new.therapist@northside.example"));
        Assert.False(await db.PasswordSetupTokens.AnyAsync(t => db.Users.Any(u => u.Id == t.StaffId && u.Email == "new.therapist@northside.example")));
    }

    [Fact]
    public async Task ANewTherapistEmailBecomesATherapistWithoutPasswordAndTheCommandPrintsTheirLink()
    {
        await CreateAgencyAsync();
        var (code, output, error) = await ImportAsync(Example("edge"), "new.therapist@northside.example", "--base-url", "https://alliance.northside.example/");
        Assert.True(code == 0, error);
        var link = LinkPattern().Match(output);
        Assert.True(link.Success, output);

        await using var db = Open();
        var therapist = await db.Users.SingleAsync(u => u.Email == "new.therapist@northside.example");
        Assert.Null(therapist.PasswordHash);
        var role = await db.Roles.SingleAsync(r => db.UserRoles.Any(ur => ur.UserId == therapist.Id && ur.RoleId == r.Id));
        Assert.Equal(StaffRoles.Therapist, role.Name);
        Assert.Equal(StaffAccounts.Hash(link.Groups[1].Value), (await db.PasswordSetupTokens.SingleAsync(t => t.StaffId == therapist.Id)).TokenHash);

        // A therapist the agency knows gets the families without a new account or link.
        var again = await ImportAsync(Copy("edge", (file, lines) =>
        {
            if (file == "members.csv") lines.Add("E10,M1,client,1990,");
        }), "new.therapist@northside.example");
        Assert.Equal(0, again.Code);
        Assert.DoesNotMatch(LinkPattern(), again.Out);
    }

    [Fact]
    public async Task TheAgencyMustBeNamedWhenTheDatabaseHoldsSeveral()
    {
        await CreateAgencyAsync("First Centre");
        await CreateAgencyAsync("Second Centre");
        var (code, _, error) = await ImportAsync(Example("edge"));
        Assert.Equal(1, code);
        Assert.StartsWith("--agency: this database holds several agencies; name one with --agency ID", error, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0, 0), TakeFour(await CountsAsync()));

        var unknown = await ImportAsync(Example("edge"), "new.therapist@northside.example", "--agency", Guid.Empty.ToString());
        Assert.Equal(1, unknown.Code);
        Assert.StartsWith($"--agency: no agency has the id {Guid.Empty}", unknown.Err, StringComparison.Ordinal);
    }

    private static (int, int, int, int) TakeFour((int Cases, int Members, int Sessions, int Scores, int Audit) c) => (c.Cases, c.Members, c.Sessions, c.Scores);

    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^Agency created: .* \(([0-9a-f-]{36})\)$", RegexOptions.Multiline)]
    private static partial Regex AgencyId();

    [GeneratedRegex(@"^https://alliance\.northside\.example/account/set-password\?token=([A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex LinkPattern();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var folder in _copies.Append(_folder).Append(_folder + "-keys"))
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
