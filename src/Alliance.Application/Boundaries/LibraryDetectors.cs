using Alliance.Boundaries;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;
using B = Alliance.Boundaries;
using DomainIntake = Alliance.Domain.IntakeOutcome;

namespace Alliance.Application.Boundaries;

/// <summary>
/// The detectors of <c>Alliance.Boundaries</c> over the database: sessions more frequent, longer or more numerous than
/// the treatment plan recorded at the first visit; one family's share of the therapist's hours against its clinical need;
/// contact outside the agency's own days and hours; contact details written in session notes and contact summaries; and
/// the selection comparison over intake decisions (for the supervisor only). The agency's numbers come from its
/// <see cref="BoundarySettings"/>; the rest are the library's documented defaults.
/// </summary>
public sealed class LibraryDetectors(AllianceDbContext db, TimeProvider clock) : IBoundaryDetectors
{
    /// <summary>The outcome questionnaires whose latest score places a family's need (0-40, clinical below 25).</summary>
    private static readonly string[] OutcomeInstruments = ["wellbeing-check", "child-wellbeing-check"];

    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        [BoundaryKinds.SessionsMoreFrequentThanPlan] = "Sessions more often than planned",
        [BoundaryKinds.SessionsBeyondPlannedNumber] = "More sessions than planned",
        [BoundaryKinds.SessionsLongerThanPlan] = "Sessions longer than planned",
        [BoundaryKinds.FamilyShareOfHours] = "A large share of your hours",
        [BoundaryKinds.ContactOutsideAgencyHours] = "Contact outside the agency's hours",
        [BoundaryKinds.ContactDetailInText] = "Contact details in a note",
        [BoundaryKinds.SelectionPattern] = "A pattern in intake decisions",
    };

    /// <inheritdoc />
    public async Task<IReadOnlyList<YellowLight>> FindAsync(Guid agencyId, IReadOnlyCollection<Guid> therapists, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(therapists);
        if (therapists.Count == 0) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        var agency = await db.AgencyAsync(agencyId, ct).ConfigureAwait(false);
        var settings = await SelfCheckWork.SettingsAsync(db, agencyId, ct).ConfigureAwait(false);
        var timeSettings = TimeRules.Of(settings);

        var cases = await db.Cases.AsNoTracking().Where(c => c.AgencyId == agencyId && therapists.Contains(c.PrimaryTherapistId))
            .Include(c => c.Episodes).ThenInclude(e => e.Sessions)
            .AsSplitQuery().ToListAsync(ct).ConfigureAwait(false);
        var active = cases.Where(c => c.CurrentEpisode.Phase != EpisodePhase.Closed).ToList();
        var names = cases.ToDictionary(c => c.Id, c => c.Name);
        var therapistOf = cases.ToDictionary(c => c.Id, c => c.PrimaryTherapistId);
        var lights = new List<YellowLight>();

        YellowLight Light(Guid therapist, BoundaryFinding f, Guid? caseId, DateTime at) => new(therapist, f.Kind, Titles.GetValueOrDefault(f.Kind, "Worth a look"),
            caseId, caseId is { } id ? names.GetValueOrDefault(id) : null, at,
            string.Join("; ", f.Evidence.Select(e => $"{e.Label}: {e.Value}")), f.Explanation, f.WhatToConsider, f.Audience == FindingAudience.SupervisorOnly);

        // The plan recorded at the first visit against the sessions held.
        foreach (var c in active)
        {
            var episode = c.CurrentEpisode;
            if (episode.PlanIntervalDays is not { } every || episode.PlanSessionMinutes is not { } minutes) continue;
            var held = episode.Sessions.Where(s => s.Status == Domain.SessionStatus.Held)
                .Select(s => new HeldSession(s.Id, s.StartsAt, s.ActualMinutes)).OrderBy(s => s.StartUtc).ToList();
            foreach (var f in TimeBeyondNeed.FindForCase(new CaseSessionsInput(c.Id, new SessionPlan(every, minutes, episode.PlanSessions), held), now, timeSettings))
                lights.Add(Light(c.PrimaryTherapistId, f, c.Id, now));
        }

        // Each family's share of its therapist's hours over the window, against its need.
        var (from, to) = TimeBeyondNeed.ShareWindow(now, timeSettings);
        var activeIds = active.Select(c => c.Id).ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => activeIds.Contains(c.CaseId) && c.At >= now.AddDays(-365))
            .ToListAsync(ct).ConfigureAwait(false);
        var scores = await db.Responses.AsNoTracking()
            .Where(r => activeIds.Contains(r.CaseId) && OutcomeInstruments.Contains(r.InstrumentId) && r.WithdrawnAt == null && r.Score != null && r.Rater == RaterRole.Client)
            .Select(r => new { r.CaseId, r.MemberId, r.RecordedAt, r.Score }).ToListAsync(ct).ConfigureAwait(false);
        foreach (var group in active.GroupBy(c => c.PrimaryTherapistId))
        {
            var families = group.Select(c => new FamilyTimeInput(c.Id,
                c.CurrentEpisode.Sessions.Where(s => s.Status == Domain.SessionStatus.Held && s.StartsAt >= from && s.StartsAt <= to).Sum(s => s.ActualMinutes ?? s.ScheduledMinutes),
                contacts.Where(x => x.CaseId == c.Id && x.At >= from && x.At <= to).Sum(x => x.Minutes ?? 0),
                NeedOf(scores.Where(s => s.CaseId == c.Id).GroupBy(s => s.MemberId).Select(m => m.MaxBy(x => x.RecordedAt)!.Score!.Value)))).ToList();
            foreach (var f in TimeBeyondNeed.FindFamilyShare(group.Key, families, timeSettings))
                lights.Add(Light(group.Key, f, f.CaseId, now));
        }

        // Contact outside the agency's own days and hours (the last year).
        var recent = contacts.Where(c => c.At >= now.AddDays(-365)).ToList();
        foreach (var f in TimeBeyondNeed.FindOutOfHours(recent.Select(c => new ContactInput(c.Id, c.CaseId, c.At, c.StartedBy == ContactStartedBy.Therapist)), AgencyHours.Of(agency), timeSettings))
            lights.Add(Light(therapistOf[f.CaseId], f, f.CaseId, agency.ToUtc(f.Local)));

        // Contact details written in the current episodes' session notes and in contact summaries.
        var scanner = new ContactDetailScanner(OfficialContacts.Of(settings));
        foreach (var c in active)
            foreach (var s in c.CurrentEpisode.Sessions.Where(s => s.Notes is not null))
                foreach (var f in scanner.Scan(s.Notes))
                    lights.Add(Light(c.PrimaryTherapistId, f, c.Id, s.StartsAt));
        foreach (var contact in recent.Where(c => c.Summary is not null))
            foreach (var f in scanner.Scan(contact.Summary))
                lights.Add(Light(therapistOf[contact.CaseId], f, contact.CaseId, contact.At));

        // The selection comparison over intake decisions: the supervisor's only.
        var fields = await db.ReferralFields.AsNoTracking().Where(f => f.AgencyId == agencyId).ToDictionaryAsync(f => f.Id, f => f.Name, ct).ConfigureAwait(false);
        var decisions = await db.IntakeDecisions.AsNoTracking().Where(d => d.AgencyId == agencyId && therapists.Contains(d.TherapistId)).ToListAsync(ct).ConfigureAwait(false);
        if (decisions.Count > 0)
        {
            var report = SelectionPatterns.Find(decisions.Select(d => new IntakeDecisionInput(d.TherapistId, d.Outcome switch
                {
                    DomainIntake.Accepted => B.IntakeOutcome.Accepted,
                    DomainIntake.Declined => B.IntakeOutcome.Declined,
                    _ => B.IntakeOutcome.Transferred,
                }, d.Values.Where(v => fields.ContainsKey(v.Key)).ToDictionary(v => fields[v.Key], v => v.Value, StringComparer.Ordinal))),
                new SelectionSettings { MinDecisions = settings.MinimumDecisions, MinExpectedCount = settings.MinimumExpected, Alpha = (double)settings.Alpha });
            foreach (var f in report.Findings)
                lights.Add(Light(f.TherapistId, f, null, now));
        }
        return lights;
    }

    /// <summary>The family's need from its members' latest outcome scores: the member with the most need decides (the library's ORS bands).</summary>
    internal static NeedBand NeedOf(IEnumerable<decimal> latest)
    {
        var list = latest.ToList();
        if (list.Count == 0) return NeedBand.NotMeasured;
        var lowest = list.Min();
        return lowest >= 25 ? NeedBand.NonClinical : lowest >= 20 ? NeedBand.Mild : lowest >= 10 ? NeedBand.Moderate : NeedBand.Severe;
    }
}
