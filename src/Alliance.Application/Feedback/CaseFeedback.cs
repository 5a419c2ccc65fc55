using System.Globalization;
using System.Text.Json;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Signals;
using Microsoft.EntityFrameworkCore;
using DomainAlert = Alliance.Domain.Alert;
using SignalAlert = Alliance.Signals.Alert;
using SessionStatus = Alliance.Domain.SessionStatus;

namespace Alliance.Application.Feedback;

/// <summary>What one evaluation of a case changed.</summary>
public sealed record FeedbackChanges(int Raised, int Withdrawn, int Repaired);

/// <summary>
/// Turns a family's scores and sessions into alerts, with the same rule code as <c>alliance signals</c>: the
/// current episode is handed to <see cref="SignalEngine"/> as one case, and what it raises is compared, by key,
/// with the alerts already stored. New ones are added (high-severity ones reach the therapist's inbox at once);
/// ones the scores no longer raise, after a correction or withdrawal, are withdrawn; a repair resolves its rupture.
/// Evaluating the whole episode on every new score costs well under a millisecond for a family and keeps
/// corrections, deletions and late paper entries exact. A correction or withdrawal the context tracks but has not saved
/// yet counts as saved, so that it and the alerts it changes are saved together. The rules over answers rather than
/// totals (<see cref="AnswerSignals"/>: PHQ-9 item 9, split alliance on the family instruments' dimensions) run here too,
/// and their alerts are kept, withdrawn and escalated like the others. The numbers are the agency's (<see cref="AgencyRules"/>), and
/// not on track uses the agency's expected trajectories where they cover a rating (<see cref="ExpectedTrajectoryModel"/>).
/// </summary>
public sealed class CaseFeedback(AllianceDbContext db, TimeProvider clock, AgencyRules? rules = null, ExpectedTrajectoryModel? trajectories = null)
{
    private readonly AgencyRules _rules = rules ?? new AgencyRules();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>
    /// Evaluates the case and saves, with whatever else the context tracks, in one transaction that holds the case: two
    /// answers saved at once for one family (its members answering their links together) are evaluated one after the
    /// other, so the second sees the alerts the first added instead of adding them again (which the alerts' unique key
    /// refuses). SQLite's write lock, taken when the transaction begins, holds the case; on PostgreSQL an advisory lock
    /// on the case does. Inside a transaction the caller opened, the caller's transaction is used as it is.
    /// </summary>
    public async Task<FeedbackChanges> EvaluateAndSaveAsync(Guid caseId, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            var inCaller = await EvaluateAsync(caseId, ct).ConfigureAwait(false);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return inCaller;
        }
        return await SqliteWriterTurns.RunAsync(db.Database, async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            if (db.Database.ProviderName == AllianceDbContext.PostgresProvider)
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [CaseLockKey(caseId)], ct).ConfigureAwait(false);
            var changes = await EvaluateAsync(caseId, ct).ConfigureAwait(false);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return changes;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The case's advisory-lock key: its id folded to 64 bits, with a tag so it differs from the audit chain's agency keys.</summary>
    private static long CaseLockKey(Guid caseId)
    {
        Span<byte> bytes = stackalloc byte[16];
        caseId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes[..8]) ^ BitConverter.ToInt64(bytes[8..]) ^ 0x43617365_46656564;
    }

    /// <summary>Evaluates the case's current episode and stores what changed (the caller's context saves).</summary>
    public async Task<FeedbackChanges> EvaluateAsync(Guid caseId, CancellationToken ct = default)
    {
        // One look for the changes made before the evaluation (a withdrawn score, a session just held); the lookups of
        // records not saved yet below need no other, and each would otherwise look through every tracked record again.
        db.ChangeTracker.DetectChanges();
        return await db.ChangeTracker.WithoutLookingAgainAsync(() => EvaluateDetectedAsync(caseId, ct)).ConfigureAwait(false);
    }

    private async Task<FeedbackChanges> EvaluateDetectedAsync(Guid caseId, CancellationToken ct)
    {
        // The family as stored, read without tracking (nothing of it changes here); or, when this context holds changes to
        // a family not saved yet (a session just recorded as held), as this context holds it.
        var pendingFamily = db.ChangeTracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
            && e.Entity is Case or Member or Episode or Session or SessionAttendee);
        var c = await (pendingFamily ? TrackedFamily : StoredFamily).For(db)(db, caseId, ct).ConfigureAwait(false);
        var agency = await db.AgencyAsync(c.AgencyId, ct).ConfigureAwait(false);
        var effective = await _rules.ForAgencyAsync(db, agency, ct).ConfigureAwait(false);
        var fitted = trajectories is null ? null : await trajectories.ForAgencyAsync(agency.Id, ct).ConfigureAwait(false);
        var model = fitted is { Model.Series.Count: > 0 } ? fitted : null;
        var episode = c.CurrentEpisode;
        var sessions = episode.Sessions.Where(s => s.Status != SessionStatus.Scheduled).OrderBy(s => s.Number).ToList();
        var sessionIds = sessions.Select(s => s.Id).ToList();
        var stored = await Scored.For(db)(db, caseId, sessionIds).ToListAsync(ct).ConfigureAwait(false);
        var pending = PendingResponses(caseId);
        var responses = Overlay(stored, pending, r => r.Id, r => r.Score != null && sessionIds.Contains(r.SessionId),
            r => new ScoreRow(r.Id, r.MemberId, r.SessionId, r.InstrumentId, r.Rater, r.Score));
        var episodeSessionIds = episode.Sessions.Select(s => s.Id).ToList();
        var answerRows = Overlay(
            await Answered.For(db)(db, caseId, episodeSessionIds, AnswerInstruments).ToListAsync(ct).ConfigureAwait(false),
            pending, r => r.Id,
            r => episodeSessionIds.Contains(r.SessionId) && AnswerSignals.Instruments.Contains(r.InstrumentId) && (r.InstrumentId != AnswerSignals.RiskInstrument || r.RiskFlag),
            r => new AnswerRow(r.Id, r.MemberId, r.SessionId, r.InstrumentId, r.Rater, r.Score, r.RiskFlag, r.AnswersJson, r.RecordedAt));

        // Members are named in the alerts' sentences by their display name (made unique within the family).
        var labels = new Dictionary<Guid, string>();
        foreach (var m in c.Members.OrderBy(m => m.Position))
            labels[m.Id] = labels.ContainsValue(m.DisplayName) ? $"{m.DisplayName} ({m.Position})" : m.DisplayName;
        var byLabel = labels.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        var catalogue = InstrumentCatalogue.Default;
        var builder = new CaseloadBuilder(catalogue, Math.Max(16, responses.Count));
        var caseIndex = builder.AddCase(c.Id.ToString("N"));
        var memberIndex = new Dictionary<Guid, int>();
        foreach (var m in c.Members.OrderBy(m => m.Position))
            memberIndex[m.Id] = builder.AddMember(caseIndex, labels[m.Id], (MemberRole)(int)m.Role, m.BirthYear, m.DisplayName);
        var sessionIndex = new Dictionary<Guid, int>();
        foreach (var s in sessions)
        {
            var local = agency.ToLocal(s.StartsAt);
            var attended = s.Attendees.Select(a => memberIndex[a.MemberId]).ToArray();
            sessionIndex[s.Id] = builder.AddSession(caseIndex, s.Number, DateOnly.FromDateTime(local),
                s.Status switch { SessionStatus.Cancelled => Signals.SessionStatus.Cancelled, SessionStatus.NoShow => Signals.SessionStatus.NoShow, _ => Signals.SessionStatus.Held },
                TimeOnly.FromDateTime(local), s.ScheduledMinutes, s.ActualMinutes,
                s.FeedbackDiscussed switch { true => FeedbackDiscussed.Yes, false => FeedbackDiscussed.No, null => FeedbackDiscussed.NotRecorded },
                attended);
        }
        foreach (var r in responses)
            if (catalogue.TryGetIndex(r.InstrumentId, out var instrument) && memberIndex.TryGetValue(r.MemberId, out var member))
                builder.AddScore(member, sessionIndex[r.SessionId], instrument, (Rater)(int)r.Rater, Score.FromDecimal(r.Score!.Value));
        // Contacts between sessions since the episode opened (those recorded and not yet saved too) feed the contact rules.
        foreach (var contact in await Boundaries.ContactLog.EpisodeContactsAsync(db, caseId, episode.Number == 1 ? DateTime.MinValue : episode.OpenedAt, ct).ConfigureAwait(false))
            builder.AddContact(caseIndex, contact.MemberId is { } cm && memberIndex.TryGetValue(cm, out var ci) ? ci : null, agency.ToLocal(contact.At),
                (ContactChannel)(int)contact.Means, contact.StartedBy == ContactStartedBy.Therapist ? ContactInitiator.Therapist : ContactInitiator.Client, contact.Minutes);

        var raised = new SignalEngine(effective.Rules, model?.Model).Evaluate(builder.Build());
        var numberOf = sessions.ToDictionary(s => s.Id, s => s.Number);
        var standing = responses.Where(r => r.Rater == RaterRole.Client)
            .Select(r => (r.MemberId, numberOf[r.SessionId], Score.FromDecimal(r.Score!.Value).Tenths)).ToHashSet();
        var fromAnswers = AnswerSignals.Evaluate(c.Id.ToString("N"), answerRows,
            episode.Sessions.ToDictionary(s => s.Id, s => new AnswerSession(s.Number, s.Status == SessionStatus.Held)), labels, effective.Rules, standing);
        var sessionByNumber = sessions.ToDictionary(s => s.Number, s => s.Id);
        foreach (var s in episode.Sessions) sessionByNumber.TryAdd(s.Number, s.Id);
        // Only the active alerts can change; of the others only their keys are needed (an alert is never raised twice).
        var storedAlerts = await ActiveAlerts.For(db)(db, caseId).ToListAsync(ct).ConfigureAwait(false);
        var storedByKey = storedAlerts.ToDictionary(a => a.Key, StringComparer.Ordinal);
        var closedKeys = (await ClosedKeys.For(db)(db, caseId).ToListAsync(ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow().UtcDateTime;
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var added = new List<DomainAlert>();
        foreach (var alert in raised.Concat(fromAnswers))
        {
            var key = KeyOf(alert, episode.Number);
            produced.Add(key);
            if (storedByKey.ContainsKey(key) || closedKeys.Contains(key)) continue;
            Guid? memberId = alert.MemberId is { } label && byLabel.TryGetValue(label, out var id) ? id : null;
            Guid? sessionId = alert.SessionNumber is { } n && sessionByNumber.TryGetValue(n, out var sid) ? sid : null;
            var entity = new DomainAlert(c.AgencyId, c.Id, memberId, sessionId, alert.SessionNumber, alert.KindCode, SeverityCode(alert.Severity),
                alert.Instrument, EvidenceJson(alert), alert.Message, alert.ConsiderNext, key, now);
            db.Alerts.Add(entity);
            added.Add(entity);
            storedByKey[key] = entity;
        }

        var withdrawn = 0;
        foreach (var old in storedAlerts.Where(a => a.IsActive && !produced.Contains(a.Key)))
        {
            // A risk answer rests on no number an agency sets: it goes only when its answer goes.
            if (old.Kind != AnswerSignals.RiskKind && EarlierRules.Keeps(old, effective.ChangedAt, model?.FittedAt, byLabel, standing)) continue;
            old.Withdraw(now);
            withdrawn++;
        }

        // A repair resolves the rupture it repairs (the rupture is the repair's second piece of evidence).
        var repaired = 0;
        foreach (var repair in raised.Where(a => a.Kind == AlertKind.Repair))
        {
            var ruptureSession = repair.Evidence.Count > 1 ? repair.Evidence[1].SessionNumber : null;
            var rupture = storedByKey.Values.FirstOrDefault(a => a.Kind == AlertKinds.Code(AlertKind.Rupture) && a.IsActive
                && a.SessionNumber == ruptureSession && a.MemberId == (repair.MemberId is { } l && byLabel.TryGetValue(l, out var m) ? m : null));
            if (rupture is null) continue;
            rupture.Resolve(null, string.Create(CultureInfo.InvariantCulture, $"Repaired at session {repair.SessionNumber}: {repair.Message}"), now);
            repaired++;
        }

        // A risk answer told the therapists already, in its own words, when it was saved (RecordResponse).
        foreach (var alert in added.Where(a => a.Severity == "high" && a.Kind != AnswerSignals.RiskKind))
            foreach (var therapist in new[] { c.PrimaryTherapistId, c.CoTherapistId }.OfType<Guid>())
                db.Notifications.Add(new Notification(c.AgencyId, therapist, "alert", $"{c.Name}: {alert.Message}", c.Id, now));

        return new FeedbackChanges(added.Count, withdrawn, repaired);
    }

    /// <summary>The case's responses added or changed in this context and not saved yet.</summary>
    private List<Response> PendingResponses(Guid caseId) => db.ChangeTracker.Entries<Response>()
        .Where(e => e.Entity.CaseId == caseId && e.State is EntityState.Added or EntityState.Modified)
        .Select(e => e.Entity).ToList();

    /// <summary>Stored rows with the pending responses over them: a changed one replaces its row, or removes it once withdrawn or no longer selected.</summary>
    private static List<T> Overlay<T>(List<T> rows, List<Response> pending, Func<T, Guid> id, Func<Response, bool> selected, Func<Response, T> row)
    {
        if (pending.Count == 0) return rows;
        var changed = pending.Select(r => r.Id).ToHashSet();
        var result = rows.Where(r => !changed.Contains(id(r))).ToList();
        result.AddRange(pending.Where(r => r.WithdrawnAt == null && selected(r)).Select(row));
        return result;
    }

    private sealed record ScoreRow(Guid Id, Guid MemberId, Guid SessionId, string InstrumentId, RaterRole Rater, decimal? Score);

    // The evaluation's reads run for every answer, one answer at a time on SQLite's writer: each is compiled once.

    /// <summary>The family as stored, without tracking (nothing of it changes here).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, CancellationToken, Task<Case>>> StoredFamily =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId, CancellationToken ct) => db.Cases.AsNoTracking()
            .Include(x => x.Members).Include(x => x.Episodes).ThenInclude(e => e.Sessions).ThenInclude(s => s.Attendees)
            .AsSplitQuery().Single(x => x.Id == caseId)));

    /// <summary>The family as this context holds it, for a context with changes to it not saved yet.</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, CancellationToken, Task<Case>>> TrackedFamily =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId, CancellationToken ct) => db.Cases
            .Include(x => x.Members).Include(x => x.Episodes).ThenInclude(e => e.Sessions).ThenInclude(s => s.Attendees)
            .AsSplitQuery().Single(x => x.Id == caseId)));

    /// <summary>The stored scores of some of a case's sessions.</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, List<Guid>, IAsyncEnumerable<ScoreRow>>> Scored =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId, List<Guid> sessionIds) => db.Responses.AsNoTracking()
            .Where(r => r.CaseId == caseId && r.WithdrawnAt == null && r.Score != null && sessionIds.Contains(r.SessionId))
            .Select(r => new ScoreRow(r.Id, r.MemberId, r.SessionId, r.InstrumentId, r.Rater, r.Score))));

    private static readonly List<string> AnswerInstruments = [.. AnswerSignals.Instruments];

    /// <summary>The stored answers the rules over answers read: the instruments they look at, and of PHQ-9 only flagged ones.</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, List<Guid>, List<string>, IAsyncEnumerable<AnswerRow>>> Answered =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId, List<Guid> sessionIds, List<string> instruments) => db.Responses.AsNoTracking()
            .Where(r => r.CaseId == caseId && r.WithdrawnAt == null && sessionIds.Contains(r.SessionId) && instruments.Contains(r.InstrumentId)
                && (r.InstrumentId != AnswerSignals.RiskInstrument || r.RiskFlag))
            .Select(r => new AnswerRow(r.Id, r.MemberId, r.SessionId, r.InstrumentId, r.Rater, r.Score, r.RiskFlag, r.AnswersJson, r.RecordedAt))));

    /// <summary>A case's active alerts, tracked: they are the ones an evaluation may change.</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, IAsyncEnumerable<DomainAlert>>> ActiveAlerts =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId) =>
            db.Alerts.Where(a => a.CaseId == caseId && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged))));

    /// <summary>The keys of a case's other alerts (an alert is never raised twice).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, IAsyncEnumerable<string>>> ClosedKeys =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid caseId) =>
            db.Alerts.Where(a => a.CaseId == caseId && a.Status != AlertStatus.Open && a.Status != AlertStatus.Acknowledged).Select(a => a.Key)));

    /// <summary>What an alert concerns: the same scores always give the same key.</summary>
    private static string KeyOf(SignalAlert a, int episode)
    {
        var first = a.Evidence.Count > 0 ? a.Evidence[0] : null;
        var firstPart = first?.SessionNumber?.ToString(CultureInfo.InvariantCulture)
            ?? first?.Time?.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) ?? "";
        return string.Create(CultureInfo.InvariantCulture, $"e{episode}|{a.KindCode}|{a.MemberId}|{a.SessionNumber}|{a.Instrument}|{firstPart}");
    }

    private static string SeverityCode(AlertSeverity severity) => severity switch
    {
        AlertSeverity.High => "high",
        AlertSeverity.Medium => "medium",
        AlertSeverity.Low => "low",
        _ => "good",
    };

    private static string EvidenceJson(SignalAlert alert) => JsonSerializer.Serialize(alert.Evidence.Select(e => new
    {
        sessionNumber = e.SessionNumber,
        score = e.Score is { } s ? decimal.Parse(s.ToString(), CultureInfo.InvariantCulture) : (decimal?)null,
        member = e.MemberId,
        scheduledMinutes = e.ScheduledMinutes,
        actualMinutes = e.ActualMinutes,
        time = e.Time,
        channel = e.Channel?.ToString(),
        item = e.Item,
        itemValue = e.ItemValue is { } v ? decimal.Parse(v.ToString(), CultureInfo.InvariantCulture) : (decimal?)null,
    }), Json);
}
