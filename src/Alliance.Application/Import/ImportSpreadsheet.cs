using System.Globalization;
using Alliance.Application.Measures;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Spreadsheets;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using DomainSessionStatus = Alliance.Domain.SessionStatus;
using S = Alliance.Signals;

namespace Alliance.Application.Import;

/// <summary>Imports a spreadsheet folder into an agency, the therapist becoming the primary therapist of its families.</summary>
/// <param name="Folder">The folder (members.csv, sessions.csv, scores.csv, optional contacts.csv and format.txt).</param>
/// <param name="AgencyId">The agency, or null for the only agency of the database.</param>
/// <param name="TherapistEmail">The primary therapist's email; an unknown one becomes a therapist account without a password.</param>
/// <param name="BaseAddress">Where staff reach the web app, for a new therapist's set-password link.</param>
public sealed record ImportSpreadsheetCommand(string Folder, Guid? AgencyId, string TherapistEmail, Uri BaseAddress);

/// <summary>What an import stored (or, the second time, found already stored).</summary>
public sealed record ImportSummary(
    Guid AgencyId,
    string AgencyName,
    string TherapistEmail,
    int Families,
    int NewFamilies,
    int Members,
    int NewMembers,
    int Sessions,
    int NewSessions,
    int Scores,
    int NewScores,
    int Contacts,
    Uri? SetPasswordLink)
{
    /// <summary>Contacts stored into the contact log by this import (the rest were stored by an earlier one).</summary>
    public int NewContacts { get; init; }
}

/// <summary>The outcome: a summary, or every problem as <c>file:line: column: sentence</c> (then nothing was stored).</summary>
public sealed record ImportOutcome(ImportSummary? Summary, IReadOnlyList<string> Problems)
{
    /// <summary>True when the folder was imported.</summary>
    public bool Succeeded => Summary is not null;
}

/// <summary>
/// <c>alliance import</c>: reads a folder in the spreadsheet format and stores its families, members, sessions and
/// scores in one transaction, all or nothing. Each case becomes one active episode whose orientation is marked as
/// recorded before import; its name is the spreadsheet's <c>case_id</c>. Importing the same folder again changes
/// nothing; a row whose keys were imported before with other values is an error.
/// </summary>
/// <remarks>
/// Alliance's records carry no column for the spreadsheet's own ids, so rows are matched to what an earlier import
/// stored by what the records keep: a family by its name (the <c>case_id</c>) and the import marker on its episode,
/// a member by display name (the <c>name</c>, else the <c>member_id</c>; members sharing a name in order),
/// a session by its start (date and <c>start_time</c>, 09:00 when none; sessions sharing a start in order),
/// a score by session, member, instrument and rater.
/// </remarks>
public sealed class ImportSpreadsheet(AllianceDbContext db, StaffAccounts staff, UserManager<StaffUser> users, AgencyInstruments instruments, TimeProvider clock)
{
    /// <summary>The words that begin the reasons of an imported episode's phase changes; they mark the family as imported.</summary>
    public const string Marker = "Imported from a spreadsheet";

    /// <summary>The local start time given to a session without <c>start_time</c>.</summary>
    public static readonly TimeOnly DefaultStart = new(9, 0);

    /// <summary>The length, in minutes, of a session without scheduled or actual minutes.</summary>
    public const int DefaultMinutes = 60;

    /// <summary>Runs the import.</summary>
    public async Task<ImportOutcome> HandleAsync(ImportSpreadsheetCommand command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (agency, agencyProblem) = await FindAgencyAsync(command.AgencyId, ct).ConfigureAwait(false);
        if (agency is null) return Failed(agencyProblem!);
        var email = command.TherapistEmail?.Trim() ?? "";
        if (email.Length is 0 or > 256 || !email.Contains('@', StringComparison.Ordinal))
            return Failed("--therapist: give the therapist's email address");
        var therapist = await users.FindByEmailAsync(email).ConfigureAwait(false);
        if (therapist is not null)
        {
            if (therapist.AgencyId != agency.Id)
                return Failed($"--therapist: {email} works for another agency");
            if (!await users.IsInRoleAsync(therapist, StaffRoles.Therapist).ConfigureAwait(false))
                return Failed($"--therapist: {email} is not a therapist of {agency.Name}");
        }

        var catalog = await instruments.ForAgencyAsync(agency.Id, ct).ConfigureAwait(false);
        var read = new SpreadsheetReader(SignalsCatalogue(catalog)).ReadFolder(command.Folder);
        if (read.Caseload is not { } caseload) return new ImportOutcome(null, read.Problems.Select(p => p.ToString()).ToList());
        var lines = RowLines.Read(command.Folder);

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            Uri? link = null;
            var newTherapist = therapist is null;
            var primary = therapist ?? await staff.CreateAsync(agency.Id, new NewStaff(email, email.Split('@')[0], [StaffRoles.Therapist])).ConfigureAwait(false);

            var names = CaseIds(caseload);
            var existing = await db.Cases.IgnoreQueryFilters()
                .Where(c => c.AgencyId == agency.Id && names.Contains(c.Name))
                .Include(c => c.Members)
                .Include(c => c.Episodes).ThenInclude(e => e.PhaseChanges)
                .Include(c => c.Episodes).ThenInclude(e => e.Agreements)
                .Include(c => c.Episodes).ThenInclude(e => e.Sessions).ThenInclude(s => s.Attendees)
                .AsSplitQuery()
                .ToListAsync(ct).ConfigureAwait(false);
            var caseIds = existing.Select(c => c.Id).ToList();
            var stored = await db.Responses.IgnoreQueryFilters()
                .Where(r => r.AgencyId == agency.Id && caseIds.Contains(r.CaseId) && r.WithdrawnAt == null)
                .Select(r => new StoredScore(r.SessionId, r.MemberId, r.InstrumentId, r.Rater, r.Score))
                .ToListAsync(ct).ConfigureAwait(false);
            var storedContacts = await db.Contacts.IgnoreQueryFilters()
                .Where(c => c.AgencyId == agency.Id && caseIds.Contains(c.CaseId) && c.Imported)
                .ToListAsync(ct).ConfigureAwait(false);

            var now = clock.GetUtcNow().UtcDateTime;
            var work = new Builder(agency, primary.Id, catalog, caseload, lines, existing, stored, storedContacts, now);
            work.Run();
            if (work.Problems.Count > 0)
            {
                db.ChangeTracker.Clear();
                return new ImportOutcome(null, work.Problems
                    .OrderBy(p => SpreadsheetReader.FileNames.ToList().IndexOf(p.File)).ThenBy(p => p.Line ?? 0)
                    .Select(p => p.ToString()).ToList());
            }

            db.Cases.AddRange(work.NewCases);
            db.Responses.AddRange(work.NewResponses);
            db.Contacts.AddRange(work.NewContacts);
            // A folder imported before adds nothing, and leaves no trace either.
            if (db.ChangeTracker.HasChanges()) db.Audit(new PendingAudit(agency.Id, db.Actor, AuditActions.Import, "spreadsheet-import", Guid.NewGuid().ToString(), null, now,
                string.Create(CultureInfo.InvariantCulture, $"{work.NewCases.Count} new families, {work.NewMembers} new members, {work.NewSessions} new sessions, {work.NewResponses.Count} new scores, {work.NewContacts.Count} new contacts; primary therapist {primary.Email}")));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            if (newTherapist) link = await staff.IssueSetPasswordLinkAsync(primary, command.BaseAddress, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            return new ImportOutcome(new ImportSummary(agency.Id, agency.Name, primary.Email ?? email,
                caseload.Cases.Length, work.NewCases.Count, caseload.Members.Length, work.NewMembers,
                caseload.Sessions.Length, work.NewSessions, caseload.Scores.Length, work.NewResponses.Count,
                caseload.Contacts.Length, link) { NewContacts = work.NewContacts.Count }, []);
        }).ConfigureAwait(false);
    }

    private static List<string> CaseIds(S.Caseload caseload)
    {
        var ids = new List<string>(caseload.Cases.Length);
        foreach (ref readonly var c in caseload.Cases) ids.Add(c.Id);
        return ids;
    }

    private static ImportOutcome Failed(string problem) => new(null, [problem]);

    private async Task<(Agency?, string?)> FindAgencyAsync(Guid? id, CancellationToken ct)
    {
        var agencies = db.Agencies.IgnoreQueryFilters();
        if (id is { } given)
        {
            var agency = await agencies.SingleOrDefaultAsync(a => a.Id == given, ct).ConfigureAwait(false);
            return agency is null ? (null, $"--agency: no agency has the id {given}") : (agency, null);
        }
        var all = await agencies.OrderBy(a => a.Id).Take(2).ToListAsync(ct).ConfigureAwait(false);
        return all.Count switch
        {
            0 => (null, "--agency: this database holds no agency yet; create one with 'alliance agency create'"),
            1 => (all[0], null),
            _ => (null, "--agency: this database holds several agencies; name one with --agency ID"),
        };
    }

    /// <summary>
    /// The reader's catalogue for an agency: the format's built-in instruments and the agency's imported ones, with
    /// their ranges, direction and cutoffs (an imported alliance or outcome instrument is read by the rules too).
    /// </summary>
    public static S.InstrumentCatalogue SignalsCatalogue(InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var result = S.InstrumentCatalogue.Default;
        foreach (var i in catalog.All.Where(i => i.Origin == InstrumentOrigin.Imported && S.InstrumentCatalogue.Default.Find(i.Id) is null))
        {
            // The format's scores have at most one decimal: a range is widened to the nearest tenth.
            var low = S.Score.FromTenths((int)Math.Floor(i.ScoreMin * 10));
            var high = S.Score.FromTenths((int)Math.Ceiling(i.ScoreMax * 10));
            var role = i.Construct switch
            {
                Construct.Alliance => S.InstrumentRole.Alliance,
                Construct.Outcome => S.InstrumentRole.Outcome,
                _ => S.InstrumentRole.Other,
            };
            var better = i.BetterDirection == BetterDirection.Higher ? S.BetterDirection.Higher : S.BetterDirection.Lower;
            var instrument = new S.Instrument(i.Id, low, high, better, role)
            {
                Cutoff = Tenths(i.ClinicalCutoff),
                ChildCutoff = Tenths(i.ChildClinicalCutoff),
                ReliableChange = Tenths(i.ReliableChange),
            };
            try
            {
                result = result.With(instrument with { Series = i.Series });
            }
            catch (ArgumentException)
            {
                // A series the format's rules cannot join (another role or direction): the instrument stands alone.
                result = result.With(instrument);
            }
        }
        return result;

        static S.Score? Tenths(decimal? value) => value is { } v ? S.Score.FromTenths((int)Math.Round(v * 10, MidpointRounding.AwayFromZero)) : null;
    }

    private sealed record StoredScore(Guid SessionId, Guid MemberId, string InstrumentId, RaterRole Rater, decimal? Score);

    /// <summary>Builds (or matches) the records of every family in memory, collecting every problem with its row.</summary>
    private sealed class Builder(Agency agency, Guid therapistId, InstrumentCatalog catalog, S.Caseload caseload, RowLines lines,
        List<Case> existing, List<StoredScore> stored, List<Contact> storedContacts, DateTime now)
    {
        // Imported contacts by what they are: the same row imported again matches one of these, once each.
        private readonly Dictionary<(Guid, Guid?, DateTime, ContactMeans, ContactStartedBy, int?), int> _storedContacts = storedContacts
            .GroupBy(c => (c.CaseId, c.MemberId, c.At, c.Means, c.StartedBy, c.Minutes))
            .ToDictionary(g => g.Key, g => g.Count());
        private readonly Dictionary<string, Case> _byName = existing.GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        private readonly Dictionary<(Guid, Guid, string, RaterRole), decimal?> _stored = stored
            .GroupBy(s => (s.SessionId, s.MemberId, s.InstrumentId, s.Rater))
            .ToDictionary(g => g.Key, g => g.First().Score);
        private readonly Member?[] _members = new Member?[caseload.Members.Length];
        private readonly Session?[] _sessions = new Session?[caseload.Sessions.Length];
        private long _tick;

        public List<SpreadsheetProblem> Problems { get; } = [];
        public List<Case> NewCases { get; } = [];
        public List<Response> NewResponses { get; } = [];
        public List<Contact> NewContacts { get; } = [];
        public int NewMembers { get; private set; }
        public int NewSessions { get; private set; }

        public void Run()
        {
            for (var k = 0; k < caseload.Cases.Length; k++)
            {
                var record = caseload.Cases[k];
                var c = CaseFor(record);
                if (c is null) continue;
                Members(record, c);
                OrientedBeforeImport(c);
                Sessions(record, c);
            }
            Scores();
            Contacts();
        }

        /// <summary>
        /// Brings contacts.csv into the contact log. A contact is matched to an earlier import by case, member, time,
        /// channel, who started it and minutes, so importing the folder again adds none; contacts have no summary in the
        /// spreadsheet and are recorded by the primary therapist.
        /// </summary>
        private void Contacts()
        {
            var seen = new Dictionary<(Guid, Guid?, DateTime, ContactMeans, ContactStartedBy, int?), int>();
            foreach (ref readonly var row in caseload.Contacts)
            {
                var record = caseload.Cases[row.CaseIndex];
                if (!_byName.TryGetValue(record.Id, out var c)) continue;
                Guid? memberId = null;
                if (row.MemberIndex is { } m)
                {
                    if (_members[m] is not { } member) continue;
                    memberId = member.Id;
                }
                var local = row.DateTime;
                if (agency.TimeZone.IsInvalidTime(local)) local = local.AddHours(1);
                var at = agency.ToUtc(local);
                var means = (ContactMeans)(int)row.Channel;
                var startedBy = row.InitiatedBy == S.ContactInitiator.Therapist ? ContactStartedBy.Therapist : ContactStartedBy.Family;
                var key = (c.Id, memberId, at, means, startedBy, row.Minutes);
                var occurrence = seen[key] = seen.GetValueOrDefault(key) + 1;
                if (occurrence <= _storedContacts.GetValueOrDefault(key)) continue;
                try
                {
                    NewContacts.Add(new Contact(c, memberId, at, means, startedBy, row.Minutes, null, therapistId, now, imported: true));
                }
                catch (DomainRuleException e)
                {
                    Problem("contacts.csv", null, e.Field switch { "at" => "datetime", "memberId" => "member_id", _ => e.Field }, $"a contact of case {record.Id}: {e.Message}");
                }
            }
        }

        private Case? CaseFor(S.CaseRecord record)
        {
            if (_byName.TryGetValue(record.Id, out var found))
            {
                if (found.Episodes.SelectMany(e => e.PhaseChanges).Any(p => p.Reason.StartsWith(Marker, StringComparison.Ordinal)))
                    return found;
                Problem("members.csv", lines.Case(record.Id), "case_id",
                    $"the agency already has a family named {record.Id} that was not imported from a spreadsheet; rename that family or this case_id");
                return null;
            }
            try
            {
                var opened = FirstSessionStart(record) ?? now;
                var c = Case.Open(agency.Id, record.Id, therapistId, null, therapistId, opened);
                var episode = c.CurrentEpisode;
                // The first visit happened before Alliance: its orientation and acknowledgements are not in the record.
                episode.MoveTo(EpisodePhase.FirstVisit, therapistId, $"{Marker}: orientation recorded before import, outside Alliance", opened);
                episode.MoveTo(EpisodePhase.Active, therapistId, $"{Marker}: care already under way", opened);
                NewCases.Add(c);
                _byName[record.Id] = c;
                return c;
            }
            catch (DomainRuleException e)
            {
                Problem("members.csv", lines.Case(record.Id), "case_id", e.Message);
                return null;
            }
        }

        // Members of an imported episode were oriented outside Alliance, before the import; later imports of the same
        // family mark the members they add the same way.
        private void OrientedBeforeImport(Case c)
        {
            var episode = c.CurrentEpisode;
            if (episode.Phase != EpisodePhase.Closed && episode.PhaseChanges.Any(p => p.Reason.StartsWith(Marker, StringComparison.Ordinal)))
                episode.RecordOrientedBeforeImport(therapistId, now);
        }

        private DateTime? FirstSessionStart(S.CaseRecord record) =>
            record.SessionCount == 0 ? null : Start(caseload.Sessions[record.SessionStart]);

        private DateTime Start(S.SessionRecord s)
        {
            var local = s.Date.ToDateTime(s.StartTime ?? DefaultStart);
            // A time the clocks skipped (the hour lost when summer time starts) is read as the hour after it.
            if (agency.TimeZone.IsInvalidTime(local)) local = local.AddHours(1);
            return agency.ToUtc(local);
        }

        private void Members(S.CaseRecord record, Case c)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var m = record.MemberStart; m < record.MemberStart + record.MemberCount; m++)
            {
                var row = caseload.Members[m];
                var line = lines.Member(record.Id, row.Id);
                var display = (row.Name ?? row.Id).Trim();
                var role = (FamilyRole)(int)row.Role;
                var occurrence = seen[display] = seen.GetValueOrDefault(display) + 1;
                var match = c.Members.Where(x => string.Equals(x.DisplayName, display, StringComparison.Ordinal))
                    .OrderBy(x => x.Position).Skip(occurrence - 1).FirstOrDefault();
                if (match is not null)
                {
                    if (match.Role != role)
                        Problem("members.csv", line, "role", $"member {row.Id} of case {record.Id} was imported as {Word(match.Role)}; the folder now says {Word(role)}");
                    if (match.BirthYear != row.BirthYear)
                        Problem("members.csv", line, "birth_year", $"member {row.Id} of case {record.Id} was imported with birth year {Show(match.BirthYear)}; the folder now says {Show(row.BirthYear)}");
                    _members[m] = match;
                    continue;
                }
                try
                {
                    _members[m] = c.AddMember(display, role, row.BirthYear, now);
                    NewMembers++;
                }
                catch (DomainRuleException e)
                {
                    Problem("members.csv", line, MemberColumn(e.Field, row.Name is not null), e.Message);
                }
            }
        }

        private void Sessions(S.CaseRecord record, Case c)
        {
            var seen = new Dictionary<DateTime, int>();
            for (var s = record.SessionStart; s < record.SessionStart + record.SessionCount; s++)
            {
                var row = caseload.Sessions[s];
                var line = lines.Session(record.Id, row.Number);
                var start = Start(row);
                var scheduled = row.ScheduledMinutes ?? row.ActualMinutes ?? DefaultMinutes;
                var actual = row.ActualMinutes ?? scheduled;
                var status = row.Status switch
                {
                    S.SessionStatus.Cancelled => DomainSessionStatus.Cancelled,
                    S.SessionStatus.NoShow => DomainSessionStatus.NoShow,
                    _ => DomainSessionStatus.Held,
                };
                var attendees = status == DomainSessionStatus.Held ? Attendees(record, s) : null;
                var occurrence = seen[start] = seen.GetValueOrDefault(start) + 1;
                var match = c.Episodes.SelectMany(e => e.Sessions).Where(x => x.ScheduledStart == start)
                    .OrderBy(x => x.Number).Skip(occurrence - 1).FirstOrDefault();
                if (match is not null)
                {
                    Compare(record, row, line, match, status, scheduled, actual, attendees);
                    _sessions[s] = match;
                    continue;
                }
                var episode = c.CurrentEpisode;
                try
                {
                    var session = episode.ScheduleSession(start, scheduled, c.PrimaryTherapistId, now.AddTicks(++_tick));
                    switch (status)
                    {
                        case DomainSessionStatus.Cancelled: session.Cancel(Marker); break;
                        case DomainSessionStatus.NoShow: session.MarkNoShow(Marker); break;
                        default:
                            session.RecordHeld(start, start.AddMinutes(actual), attendees!, Modality.InPerson, null, now);
                            if (row.Feedback != S.FeedbackDiscussed.NotRecorded) session.RecordFeedback(row.Feedback == S.FeedbackDiscussed.Yes);
                            break;
                    }
                    _sessions[s] = session;
                    NewSessions++;
                }
                catch (DomainRuleException e)
                {
                    Problem("sessions.csv", line, SessionColumn(e.Field, row), e.Message);
                }
            }
        }

        /// <summary>
        /// The members who attended: the session's list, else those with a score of any rater at it. A held session
        /// with neither says nothing of who came; a session in Alliance is held with someone, so the whole family is
        /// recorded as attending (the record has no way to say "not recorded").
        /// </summary>
        private List<Guid> Attendees(S.CaseRecord record, int session)
        {
            var ids = new List<Guid>();
            for (var m = record.MemberStart; m < record.MemberStart + record.MemberCount; m++)
                if (_members[m] is { } member && caseload.Attended(m, session))
                    ids.Add(member.Id);
            if (ids.Count == 0)
                for (var m = record.MemberStart; m < record.MemberStart + record.MemberCount; m++)
                    if (_members[m] is { } member) ids.Add(member.Id);
            return ids;
        }

        private void Compare(S.CaseRecord record, S.SessionRecord row, int? line, Session match, DomainSessionStatus status, int scheduled, int actual, List<Guid>? attendees)
        {
            var what = $"session {row.Number} of case {record.Id} was imported";
            if (match.Status != status)
            {
                Problem("sessions.csv", line, "status", $"{what} as {Word(match.Status)}; the folder now says {Word(status)}");
                return;
            }
            if (match.ScheduledMinutes != scheduled)
                Problem("sessions.csv", line, "scheduled_minutes", $"{what} with {match.ScheduledMinutes} scheduled minutes; the folder now says {scheduled}");
            if (status != DomainSessionStatus.Held) return;
            if (match.ActualMinutes != actual)
                Problem("sessions.csv", line, "actual_minutes", $"{what} with {Show(match.ActualMinutes)} actual minutes; the folder now says {actual}");
            if (attendees is not null && !match.Attendees.Select(a => a.MemberId).ToHashSet().SetEquals(attendees))
                Problem("sessions.csv", line, "attended", $"{what} with other members attending than the folder now lists");
            if (row.Feedback != S.FeedbackDiscussed.NotRecorded && match.FeedbackDiscussed != (row.Feedback == S.FeedbackDiscussed.Yes))
                Problem("sessions.csv", line, "feedback_discussed", $"{what} with feedback discussed {YesNo(match.FeedbackDiscussed)}; the folder now says {YesNo(row.Feedback == S.FeedbackDiscussed.Yes)}");
        }

        private void Scores()
        {
            for (var m = 0; m < caseload.Members.Length; m++)
            {
                var row = caseload.Members[m];
                if (_members[m] is not { } member) continue;
                var caseId = caseload.Cases[row.CaseIndex].Id;
                for (var k = row.ScoreStart; k < row.ScoreStart + row.ScoreCount; k++)
                {
                    var score = caseload.Scores[k];
                    if (_sessions[score.SessionIndex] is not { } session) continue;
                    var number = caseload.Sessions[score.SessionIndex].Number;
                    var instrumentId = caseload.Instruments[score.Instrument].Id;
                    var rater = (RaterRole)(int)score.Rater;
                    var value = score.Score.ToDecimal();
                    var line = lines.Score(caseId, row.Id, number, instrumentId, S.Vocabulary.Word(score.Rater));
                    if (_stored.TryGetValue((session.Id, member.Id, instrumentId, rater), out var before))
                    {
                        if (before != value)
                            Problem("scores.csv", line, "score", $"{instrumentId} of member {row.Id} at session {number} of case {caseId} was imported as {Show(before)}; the folder now says {Show(value)}");
                        continue;
                    }
                    var instrument = catalog.Find(instrumentId);
                    var json = ImportedResponse.ToJson(ImportedResponse.Build(instrument is null ? null : ImportedResponse.Canonical(instrument),
                        member.Id, session.Id, RaterOf(rater), value, new DateTimeOffset(session.StartsAt, TimeSpan.Zero)));
                    try
                    {
                        NewResponses.Add(new Response(session, member.Id, instrumentId, rater, rater == RaterRole.Therapist ? session.TherapistId : null,
                            value, null, false, json, ResponseSource.Import, now));
                        _stored[(session.Id, member.Id, instrumentId, rater)] = value;
                    }
                    catch (DomainRuleException e)
                    {
                        Problem("scores.csv", line, e.Field switch { "memberId" => "member_id", "sessionId" => "session_number", _ => "instrument" }, e.Message);
                    }
                }
            }
        }

        private void Problem(string file, int? line, string column, string sentence) =>
            Problems.Add(new SpreadsheetProblem(file, line, line is null ? null : column, sentence.TrimEnd('.')));

        private static string MemberColumn(string field, bool named) => field switch
        {
            "birthYear" => "birth_year",
            "role" => "role",
            "displayName" => named ? "name" : "member_id",
            _ => "member_id",
        };

        private static string SessionColumn(string field, S.SessionRecord row) => field switch
        {
            "scheduledMinutes" => row.ScheduledMinutes is null ? "actual_minutes" : "scheduled_minutes",
            "actualEnd" => row.ActualMinutes is null ? "scheduled_minutes" : "actual_minutes",
            "actualStart" or "scheduledStart" => "date",
            "attendees" => "attended",
            "feedbackDiscussed" => "feedback_discussed",
            "status" => "status",
            _ => "session_number",
        };

        private static Rater RaterOf(RaterRole role) => role switch
        {
            RaterRole.Caregiver => Rater.Caregiver,
            RaterRole.Observer => Rater.Observer,
            RaterRole.Therapist => Rater.Therapist,
            _ => Rater.Client,
        };

        private static string Word(FamilyRole role) => S.Vocabulary.Word((S.MemberRole)(int)role);

        private static string Word(DomainSessionStatus status) => status switch
        {
            DomainSessionStatus.Cancelled => "cancelled",
            DomainSessionStatus.NoShow => "no-show",
            DomainSessionStatus.Held => "held",
            _ => "planned",
        };

        private static string YesNo(bool? value) => value switch { true => "yes", false => "no", _ => "not recorded" };

        private static string Show(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "none";

        private static string Show(decimal? value) => value is { } v ? S.Score.FromDecimal(Math.Round(v, 1)).ToString() : "none";
    }
}
