using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alliance.Domain;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>A whole case, with everything that hangs from it, reads back exactly as it was written.</summary>
[Trait("Capability", "Foundation")]
public sealed class RoundTripTests
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ACaseRoundTripsExactly(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId, caseId;
        string expected;
        await using (var db = database.OpenAsOperator())
        {
            var c = await AddRichCaseAsync(db);
            expected = Shape(c);
            (agencyId, caseId) = (c.AgencyId, c.Id);
        }

        await using (var db = database.OpenFor(agencyId))
        {
            var loaded = await LoadAsync(db, caseId);

            Assert.Equal(expected, Shape(loaded));
            // Navigations are wired back up on load, so the domain's rules work on a loaded case.
            Assert.All(loaded.Episodes.SelectMany(e => e.Sessions), s => Assert.Same(loaded, s.Episode.Case));
            Assert.Equal(2, loaded.CurrentEpisode.Number);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ALoadedCaseCanBeChangedAndSavedAgain(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId, caseId, therapistId;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Northgate Family Service");
            var therapist = Staff(db, agency, "Tess Arden");
            var c = Family(db, agency, "Harlow family", therapist);
            await db.SaveChangesAsync();
            (agencyId, caseId, therapistId) = (agency.Id, c.Id, therapist.Id);
        }

        string expected;
        await using (var db = database.OpenFor(agencyId))
        {
            var c = await LoadAsync(db, caseId);
            var episode = c.CurrentEpisode;
            // Scheduled out of date order, then held earlier than the existing session: numbers must follow dates.
            var early = episode.ScheduleSession(Now.AddDays(-10), 60, therapistId, Now.AddDays(-11));
            early.RecordHeld(Now.AddDays(-10), Now.AddDays(-10).AddMinutes(45), [c.Members[1].Id], Modality.Phone, null, Now);
            episode.ScheduleSession(Now.AddDays(7), 60, therapistId, Now);
            c.AddMember("Grandmother Harlow", FamilyRole.Caregiver, null, Now);
            episode.PlanEnding(new EndingChecklist(Now.AddDays(7), true, "Family meeting on Sundays; duty line if things slip.", Now.AddDays(97)), true, therapistId, "Goals met", Now);
            expected = Shape(c);
            await db.SaveChangesAsync();
        }

        await using (var db = database.OpenFor(agencyId))
        {
            var loaded = await LoadAsync(db, caseId);
            Assert.Equal(expected, Shape(loaded));
            Assert.Equal([1, 2, 3], loaded.CurrentEpisode.Sessions.OrderBy(s => s.StartsAt).Select(s => s.Number));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task TimesWithoutAKindAreStoredAndReadBackAsUtc(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var unspecified = new DateTime(2025, 11, 2, 9, 30, 15, 125, DateTimeKind.Unspecified);
        Guid agencyId;
        await using (var db = database.OpenAsOperator())
        {
            var agency = new Agency("Riverbend", "UTC", unspecified);
            db.Agencies.Add(agency);
            await db.SaveChangesAsync();
            agencyId = agency.Id;
        }

        await using (var db = database.OpenAsOperator())
        {
            var createdAt = await db.Agencies.Where(a => a.Id == agencyId).Select(a => a.CreatedAt).SingleAsync();
            Assert.Equal(DateTimeKind.Utc, createdAt.Kind);
            Assert.Equal(unspecified.Ticks, createdAt.Ticks);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task AgencySettingsRoundTrip(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Northgate");
            agency.UpdateSettings("Northgate Family Service", "America/Chicago",
                WorkingDaySet.Monday | WorkingDaySet.Wednesday | WorkingDaySet.Saturday, new TimeOnly(7, 45), new TimeOnly(16, 15));
            await db.SaveChangesAsync();
            agencyId = agency.Id;
        }

        await using (var db = database.OpenAsOperator())
        {
            var a = await db.Agencies.SingleAsync(x => x.Id == agencyId);
            Assert.Equal(("Northgate Family Service", "America/Chicago", WorkingDaySet.Monday | WorkingDaySet.Wednesday | WorkingDaySet.Saturday, new TimeOnly(7, 45), new TimeOnly(16, 15), false),
                (a.Name, a.TimeZoneId, a.WorkingDays, a.WorkdayStart, a.WorkdayEnd, a.IsDemo));
        }
    }

    internal static Task<Case> LoadAsync(AllianceDbContext db, Guid caseId) =>
        db.Cases
            .IncludeWholeCase()
            .SingleAsync(c => c.Id == caseId);

    /// <summary>
    /// Saves an agency, its staff and a case with records of every kind the whole-case read includes; the case's
    /// current therapist is the last of its staff (the case was transferred to them).
    /// </summary>
    internal static async Task<Case> AddRichCaseAsync(AllianceDbContext db)
    {
        var agency = Agency(db, "Northgate Family Service");
        var therapist = Staff(db, agency, "Tess Arden");
        var coTherapist = Staff(db, agency, "Colm Bryce");
        var successor = Staff(db, agency, "Sana Iqbal");
        var supervisor = Staff(db, agency, "Ruth Okoye");
        await db.SaveChangesAsync();
        var c = BuildCase(agency.Id, therapist.Id, coTherapist.Id, successor.Id, supervisor.Id);
        db.Cases.Add(c);
        await db.SaveChangesAsync();
        return c;
    }

    private static Case BuildCase(Guid agencyId, Guid therapist, Guid coTherapist, Guid successor, Guid supervisor)
    {
        var t0 = Now.AddDays(-120).AddMilliseconds(17);
        var c = Case.Open(agencyId, "Okafor-Lind family", therapist, coTherapist, supervisor, t0);
        var mother = c.AddMember("Nia Okafor", FamilyRole.Parent, 1979, t0);
        var partner = c.AddMember("Jon Lind", FamilyRole.Partner, null, t0.AddMinutes(5));
        var child = c.AddMember("Ife Okafor-Lind", FamilyRole.Child, 2016, t0.AddMinutes(6));

        var first = c.CurrentEpisode;
        first.MoveTo(EpisodePhase.FirstVisit, therapist, "First visit booked", t0.AddDays(2));
        var s1 = first.ScheduleSession(t0.AddDays(9).AddHours(3), 90, therapist, t0.AddDays(2));
        s1.RecordHeld(t0.AddDays(9).AddHours(3).AddMinutes(4).AddMilliseconds(500), t0.AddDays(9).AddHours(4).AddMinutes(31),
            [mother.Id, child.Id], Modality.Video, "Agreed on one shared goal.", t0.AddDays(10));
        // The mother and the child (assenting, her mother consenting) are oriented; the partner, absent, is not, and the
        // therapist records why the questionnaires and the work go ahead for him.
        first.RecordFamilyAgreements(SecretsPolicy.LimitedSecrets, "Each may tell the therapist something alone; the therapist helps decide how to share it.", YoungPersonSharing.ScoresOnly);
        first.RecordAgreement(mother, 1, null, true, true, s1.Id, therapist, t0.AddDays(9).AddHours(4));
        first.RecordAgreement(child, 1, mother.Id, true, false, s1.Id, therapist, t0.AddDays(9).AddHours(4).AddMinutes(1));
        first.Override(OverrideScope.ClientMeasures, partner.Id, "Working abroad until spring; orientation by phone booked.", therapist, t0.AddDays(9).AddHours(5));
        first.SetPlan(14, 60, 10);
        var goal = first.AddGoal("Fewer arguments about homework", therapist, t0.AddDays(9).AddHours(5));
        first.RateGoal(goal.Id, mother.Id, 5, t0.AddDays(9).AddHours(5));
        first.RateGoal(goal.Id, child.Id, 3, t0.AddDays(9).AddHours(5));
        first.MoveTo(EpisodePhase.Active, therapist, "Orientation complete", t0.AddDays(9).AddHours(6));
        // Scheduled before s1 in time order of creation, but later in date: it must be number 3.
        var s3 = first.ScheduleSession(t0.AddDays(23), 60, coTherapist, t0.AddDays(3));
        s3.MarkNoShow(null);
        var s2 = first.ScheduleSession(t0.AddDays(16), 60, therapist, t0.AddDays(10));
        s2.Cancel("Family unwell");
        var s4 = first.ScheduleSession(t0.AddDays(30), 50, therapist, t0.AddDays(24));
        s4.RecordHeld(t0.AddDays(30), t0.AddDays(30).AddMinutes(50), [mother.Id, partner.Id, child.Id], Modality.HomeVisit, null, t0.AddDays(31));
        first.RecordReview(new Dictionary<Guid, int> { [goal.Id] = 6 }, ReviewDecision.ChangeApproach, "More time with the parents alone.", therapist, t0.AddDays(31));
        first.Close(EpisodeOutcome.DroppedOut, [new MemberOutcome(mother.Id, "wellbeing-check", 18.5m, 27m, 2, ChangeOutcome.ReliablyImproved)],
            "The family moved away before a planned ending.", therapist, t0.AddDays(40));

        c.Transfer(successor, supervisor, "Original therapist left the service", t0.AddDays(60));
        var second = c.Reopen(successor, "Referred again by the school", t0.AddDays(90));
        second.ScheduleSession(Now.AddDays(5), 60, successor, Now);
        return c;
    }

    private static string? T(DateTime? t) => t?.ToString("o", CultureInfo.InvariantCulture);

    /// <summary>Every stored value of the case, in a stable order, with times written with their kind.</summary>
    internal static string Shape(Case c) => JsonSerializer.Serialize(new
    {
        c.Id, c.AgencyId, c.Name, c.PrimaryTherapistId, c.CoTherapistId, CreatedAt = T(c.CreatedAt), c.Version,
        Members = c.Members.OrderBy(m => m.Position).Select(m => new { m.Id, m.AgencyId, m.CaseId, m.Position, m.DisplayName, m.Role, m.BirthYear, CreatedAt = T(m.CreatedAt) }),
        Assignments = c.Assignments.OrderBy(a => a.At).Select(a => new { a.Id, a.AgencyId, a.CaseId, a.FromTherapistId, a.ToTherapistId, a.ByStaffId, a.Reason, At = T(a.At) }),
        Episodes = c.Episodes.OrderBy(e => e.Number).Select(e => new
        {
            e.Id, e.AgencyId, e.CaseId, e.Number, e.Phase, OpenedAt = T(e.OpenedAt), ClosedAt = T(e.ClosedAt),
            e.SecretsPolicy, e.SecretsRule, e.YoungPersonSharing, e.PlanIntervalDays, e.PlanSessionMinutes, e.PlanSessions,
            FinalSessionAt = T(e.FinalSessionAt), e.FinalMeasuresPlanned, e.RelapsePlan, FollowUpAt = T(e.FollowUpAt), e.Outcome, e.ClosingSummary,
            Agreements = e.Agreements.OrderBy(a => a.At).Select(a => new { a.Id, a.AgencyId, a.CaseId, a.EpisodeId, a.MemberId, a.TextVersion, a.Form, a.ConsentingMemberId, a.MeasuresConsent, a.FeedbackConsent, a.SessionId, a.RecordedBy, At = T(a.At) }),
            Overrides = e.Overrides.OrderBy(o => o.At).Select(o => new { o.Id, o.AgencyId, o.CaseId, o.EpisodeId, o.Scope, o.MemberId, o.Reason, o.By, At = T(o.At) }),
            Goals = e.Goals.OrderBy(g => g.Position).Select(g => new
            {
                g.Id, g.AgencyId, g.CaseId, g.EpisodeId, g.Position, g.Text, g.CreatedBy, CreatedAt = T(g.CreatedAt),
                Importance = g.Importance.OrderBy(i => i.MemberId).Select(i => new { i.Id, i.AgencyId, i.GoalId, i.MemberId, i.Importance, At = T(i.At) }),
            }),
            Reviews = e.Reviews.OrderBy(r => r.At).Select(r => new
            {
                r.Id, r.AgencyId, r.CaseId, r.EpisodeId, r.AfterSessions, r.Decision, r.Note, r.By, At = T(r.At),
                Progress = r.Progress.OrderBy(p => p.GoalId).Select(p => new { p.Id, p.AgencyId, p.ReviewId, p.GoalId, p.Progress }),
            }),
            MemberOutcomes = e.MemberOutcomes.OrderBy(o => o.MemberId).Select(o => new { o.Id, o.AgencyId, o.EpisodeId, o.MemberId, o.InstrumentId, FirstScore = (double)o.FirstScore, LastScore = (double)o.LastScore, o.Ratings, o.Outcome }),
            PhaseChanges = e.PhaseChanges.OrderBy(p => p.At).ThenBy(p => p.To).Select(p => new { p.Id, p.AgencyId, p.EpisodeId, p.From, p.To, p.ByStaffId, p.Reason, At = T(p.At) }),
            Sessions = e.Sessions.OrderBy(s => s.Number).Select(s => new
            {
                s.Id, s.AgencyId, s.CaseId, s.EpisodeId, s.Number, ScheduledStart = T(s.ScheduledStart), s.ScheduledMinutes, s.TherapistId,
                s.Status, ActualStart = T(s.ActualStart), ActualEnd = T(s.ActualEnd), s.Modality, s.Notes, s.StatusReason, CreatedAt = T(s.CreatedAt),
                Attendees = s.Attendees.OrderBy(a => a.MemberId).Select(a => new { a.AgencyId, a.SessionId, a.MemberId }),
            }),
        }),
    }, Json);
}
