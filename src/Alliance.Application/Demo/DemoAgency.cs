using Alliance.Measures;
using Alliance.Application.Episodes;
using Alliance.Application.Staff;
using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Demo;

/// <summary>A demo sign-in, printed at start so a newcomer can look around.</summary>
public sealed record DemoSignIn(string Email, string Name, string Role);

/// <summary>
/// The synthetic demo agency: a supervisor, three therapists, an admin and a dozen fictional families at every
/// stage of care, with their scores (see <see cref="DemoScores"/>). Seeded only into an empty database, and only in Development or with <c>--demo</c>.
/// Every name and note is invented; times are placed around the present so that the screens look current.
/// </summary>
public sealed class DemoAgency(AllianceDbContext db, StaffAccounts staff, TimeProvider clock)
{
    /// <summary>The password of every demo account (shown on the demo's sign-in page; never used outside the demo).</summary>
    public const string Password = "harbourlight-demo";

    /// <summary>How many closed past episodes the demo carries (enough for the expected-trajectory model's 100).</summary>
    public const int HistoricalEpisodes = 220;

    /// <summary>The demo agency's name.</summary>
    public const string Name = "Harbourlight Family Services (demo)";

    private static readonly (string Email, string Name, string[] Roles)[] People =
    [
        ("supervisor@harbourlight.example", "Dr Imogen Farrowdale", [StaffRoles.Supervisor]),
        ("tobias@harbourlight.example", "Tobias Wrenfield", [StaffRoles.Therapist]),
        ("amara@harbourlight.example", "Amara Quillon", [StaffRoles.Therapist]),
        ("jonah@harbourlight.example", "Jonah Bellweather", [StaffRoles.Therapist]),
        ("admin@harbourlight.example", "Priya Ledgerwood", [StaffRoles.Admin]),
    ];

    private sealed record Family(string Name, EpisodePhase Phase, int HeldSessions, (string Name, FamilyRole Role, int Age)[] Members);

    private static readonly Family[] Families =
    [
        new("Applewhite family", EpisodePhase.Active, 6, [("Maya Applewhite", FamilyRole.Parent, 41), ("Owen Applewhite", FamilyRole.Parent, 43), ("Lily Applewhite", FamilyRole.Child, 11)]),
        new("Brightwater family", EpisodePhase.Referral, 0, [("Nadia Brightwater", FamilyRole.Parent, 36), ("Sami Brightwater", FamilyRole.Child, 14)]),
        new("Castellane family", EpisodePhase.FirstVisit, 0, [("Elena Castellane", FamilyRole.Parent, 39), ("Marco Castellane", FamilyRole.Parent, 42), ("Luca Castellane", FamilyRole.Child, 9), ("Sofia Castellane", FamilyRole.Child, 15)]),
        new("Dunmore-Reyes couple", EpisodePhase.Active, 9, [("Hannah Dunmore", FamilyRole.Partner, 34), ("Diego Reyes", FamilyRole.Partner, 37)]),
        new("Everly family", EpisodePhase.TerminationPlanned, 11, [("Grace Everly", FamilyRole.Caregiver, 62), ("Finn Everly", FamilyRole.Child, 12)]),
        new("Fenwick-Osei family", EpisodePhase.Active, 3, [("Abena Osei", FamilyRole.Parent, 38), ("Callum Fenwick", FamilyRole.Parent, 40), ("Kofi Fenwick-Osei", FamilyRole.Child, 8), ("Ama Fenwick-Osei", FamilyRole.Child, 13)]),
        new("Greywood family", EpisodePhase.Closed, 8, [("Ruth Greywood", FamilyRole.Parent, 45), ("Theo Greywood", FamilyRole.Child, 16)]),
        new("Hartmoor family", EpisodePhase.Active, 12, [("Iris Hartmoor", FamilyRole.Parent, 33), ("Jamie Hartmoor", FamilyRole.Child, 10)]),
        new("Ivory family", EpisodePhase.FirstVisit, 1, [("Leon Ivory", FamilyRole.Parent, 47), ("Clara Ivory", FamilyRole.Parent, 44), ("Max Ivory", FamilyRole.Child, 17)]),
        new("Juniper family", EpisodePhase.Referral, 0, [("Rosa Juniper", FamilyRole.Client, 29)]),
        new("Kestrel-Amadi family", EpisodePhase.Active, 5, [("Yusuf Amadi", FamilyRole.Parent, 35), ("Beth Kestrel", FamilyRole.Parent, 34), ("Noor Kestrel-Amadi", FamilyRole.Child, 7)]),
        new("Lindenhall family", EpisodePhase.TerminationPlanned, 10, [("Oskar Lindenhall", FamilyRole.Parent, 50), ("Mia Lindenhall", FamilyRole.Partner, 48), ("Ella Lindenhall", FamilyRole.Child, 15)]),
    ];

    private static readonly string[] Notes =
    [
        "Family agreed on one shared goal for the coming weeks: calmer mornings before school.",
        "Each member named one thing that went well this week. Practised taking turns to speak without interrupting.",
        "Explored how disagreements escalate in the evenings; the family mapped the pattern together on the whiteboard.",
        "Reviewed the homework task. Parents noticed they agree more than they expected about screen time.",
        "Younger member drew the family as animals; used it to talk about who feels close to whom.",
        "Talked about the grandparents' visit and what support the family would like from them.",
    ];

    /// <summary>The demo sign-ins, for the start-up banner.</summary>
    public static IReadOnlyList<DemoSignIn> SignIns { get; } =
        People.Select(p => new DemoSignIn(p.Email, p.Name, string.Join(", ", p.Roles))).ToList();

    /// <summary>Seeds the demo when the database holds no agency at all; returns whether it did.</summary>
    /// <param name="historicalEpisodes">How many closed past episodes to add (the app uses <see cref="HistoricalEpisodes"/>).</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<bool> SeedIfEmptyAsync(int historicalEpisodes = HistoricalEpisodes, CancellationToken ct = default)
    {
        if (await db.Agencies.IgnoreQueryFilters().AnyAsync(ct).ConfigureAwait(false)) return false;

        var now = clock.GetUtcNow().UtcDateTime;
        var agency = new Agency(Name, "Europe/London", now.AddDays(-400), isDemo: true);
        agency.SetProcess(Agency.DefaultReviewEverySessions, offersFollowUp: true);
        db.Agencies.Add(agency);
        db.OrientationTexts.Add(OrientationText.Default(agency.Id, agency.CreatedAt));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);

        var accounts = new List<StaffUser>();
        foreach (var (email, name, roles) in People)
            accounts.Add(await staff.CreateAsync(agency.Id, new NewStaff(email, name, roles), Password).ConfigureAwait(false));
        var supervisor = accounts[0];
        var therapists = accounts.Skip(1).Take(3).ToList();
        foreach (var t in therapists)
            db.SupervisionLines.Add(new SupervisionLine(agency.Id, supervisor.Id, t.Id, now.AddDays(-380)));

        var random = new Random(20261125);
        // Scores draw from their own generator, so the families' sessions stay where they always were.
        var scoreRandom = new Random(20261126);
        // So do the goals and reviews of the first visits.
        var talk = new Random(20261128);
        var built = new List<Case>();
        for (var i = 0; i < Families.Length; i++)
        {
            var therapist = therapists[i % therapists.Count];
            var coTherapist = i == 0 ? therapists[1].Id : (Guid?)null;
            var c = BuildCase(agency, Families[i], therapist.Id, coTherapist, now, random, talk);
            built.Add(c);
            db.Cases.Add(c);
            DemoScores.Add(db, c, i % therapists.Count, supervisor.Id, scoreRandom);
            if (Families[i].Phase == EpisodePhase.Closed)
                CloseDemoEpisode(db, c, c.CurrentEpisode.Sessions.Max(s => s.StartsAt).AddDays(1));
        }
        BoundaryWatch(db, agency, built, supervisor.Id, now);
        // The agency's past, so that its expected-trajectory model is fitted from its own closed episodes.
        DemoHistory.Add(db, agency, therapists, now, historicalEpisodes, new Random(20261127));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        // The scores raise their alerts, as answers given in the app do, so the feedback shows on first run.
        var feedback = new Feedback.CaseFeedback(db, clock);
        foreach (var id in await db.Cases.Where(c => c.AgencyId == agency.Id && c.Episodes.Any(e => e.Phase != EpisodePhase.Closed)).Select(c => c.Id).ToListAsync(ct).ConfigureAwait(false))
            await feedback.EvaluateAsync(id, ct).ConfigureAwait(false);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return true;
    }

    private static readonly string[] GoalTexts =
    [
        "Calmer mornings before school",
        "Talk to each other without shouting",
        "One evening a week doing something together",
        "Agree on house rules about screens and bedtimes",
        "Feel closer and trust each other again",
        "Handle worries before they turn into arguments",
    ];

    // The first visit: the family's agreements, each member's agreement (children assent, a parent consents for them),
    // two goals in the family's words with how much each matters to each adult, and the plan. A family still at its first
    // visit has been oriented but has no plan yet, so the guide asks for it.
    private static void FirstVisit(Case c, Family family, Session session, Guid therapistId, DateTime start, Random random)
    {
        var episode = c.CurrentEpisode;
        if (family.Phase < EpisodePhase.FirstVisit) return;
        var at = start.AddMinutes(40);
        episode.RecordFamilyAgreements(family.Members.Length > 2 ? SecretsPolicy.NoSecrets : SecretsPolicy.LimitedSecrets,
            family.Members.Length > 2 ? null : "Each of us may tell the therapist something alone; the therapist helps us decide how and when to share it.",
            YoungPersonSharing.ScoresOnly);
        var guardian = c.Members.First(m => !m.IsChildIn(at.Year));
        foreach (var m in c.Members)
            episode.RecordAgreement(m, 1, m.IsChildIn(at.Year) ? guardian.Id : null, true, true, session.Id, therapistId, at);
        var first = random.Next(0, GoalTexts.Length);
        foreach (var text in new[] { GoalTexts[first], GoalTexts[(first + 1 + random.Next(0, GoalTexts.Length - 1)) % GoalTexts.Length] })
        {
            var goal = episode.AddGoal(text, therapistId, at);
            foreach (var m in c.Members.Where(m => !m.IsChildIn(at.Year)))
                episode.RateGoal(goal.Id, m.Id, 3 + random.Next(0, 3), at);
        }
        if (family.Phase >= EpisodePhase.Active)
        {
            episode.SetPlan(7, 60, null);
            episode.MoveTo(EpisodePhase.Active, therapistId, "Orientation complete; the family agreed to begin", start.AddHours(2));
        }
    }

    // The boundary watch at work: contacts between sessions (one from the therapist's own phone late in the evening,
    // which the contact rules and the yellow lights pick up), the agency's own contacts for the note scanner, a request
    // for consultation answered by the supervisor, and last month's private self-check.
    private static void BoundaryWatch(AllianceDbContext db, Agency agency, List<Case> families, Guid supervisorId, DateTime now)
    {
        var settings = new BoundarySettings(agency.Id);
        settings.SetContactDetails("GB", "0117 496 0000\nhello@harbourlight.example\n14 Harbour Road, Bristol");
        db.BoundarySettings.Add(settings);

        var applewhite = families[0];
        var therapist = applewhite.PrimaryTherapistId;
        var maya = applewhite.Members[0].Id;
        var lastHeld = applewhite.CurrentEpisode.Sessions.Where(s => s.Status == SessionStatus.Held).Max(s => s.StartsAt);
        db.Contacts.Add(new Contact(applewhite, maya, lastHeld.AddDays(1).Date.AddHours(11), ContactMeans.AgencyPhone, ContactStartedBy.Family, 8,
            "Asked to move next week's session to the afternoon; agreed.", therapist, now));
        db.Contacts.Add(new Contact(applewhite, maya, agency.ToUtc(agency.ToLocal(lastHeld).Date.AddDays(2).AddHours(21).AddMinutes(40)), ContactMeans.PersonalMessage,
            ContactStartedBy.Therapist, 5, "Sent a reminder about the homework task from my own phone.", therapist, now));

        var amara = families[1].PrimaryTherapistId;
        var request = new AssistanceRequest(agency.Id, amara, null,
            "I notice I dread Thursday afternoons lately and end sessions a little early. Could we talk about it in supervision?", now.AddDays(-6));
        request.Respond(supervisorId, "Thank you for raising it. Let's take the first half of Tuesday's supervision for it; bring one session in mind.", now.AddDays(-5));
        db.AssistanceRequests.Add(request);

        var jonah = families[2].PrimaryTherapistId;
        var lastMonth = DateOnly.FromDateTime(agency.ToLocal(now)).AddMonths(-1);
        var check = new SelfCheck(agency.Id, jonah, lastMonth, now.AddDays(-20));
        foreach (var c in families.Where(c => c.PrimaryTherapistId == jonah && c.CurrentEpisode.Phase is EpisodePhase.Active or EpisodePhase.TerminationPlanned))
            check.Answer(c.Id, false, false, false, false, null, now.AddDays(-20));
        db.SelfChecks.Add(check);
    }

    // A closed demo episode records its outcome from its scores, as closing in the app does.
    private static void CloseDemoEpisode(AllianceDbContext db, Case c, DateTime at)
    {
        var episode = c.CurrentEpisode;
        if (episode.Phase != EpisodePhase.TerminationPlanned) return;
        var result = EpisodeOutcomes.Compute(episode, db.Responses.Local.Where(r => r.CaseId == c.Id), InstrumentCatalog.CreateWithBuiltIns());
        episode.Close(result.Outcome, result.Members, "Planned ending: the family met its goals and has a plan for setbacks.", c.PrimaryTherapistId, at);
    }

    private static Case BuildCase(Agency agency, Family family, Guid therapistId, Guid? coTherapistId, DateTime now, Random random, Random talk)
    {
        // Each family has a weekly slot on a working day; held sessions lie in the weeks before the next one.
        var today = agency.ToLocal(now).Date;
        var slotHour = 9 + random.Next(0, 8);
        // The next session falls on one of the coming six days' working days, so the last held one (a week
        // earlier) was yesterday at the latest: a demo session is never recorded as held in the future.
        var weekdays = Enumerable.Range(1, 6).Select(d => today.AddDays(d))
            .Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        var nextDay = weekdays[random.Next(0, weekdays.Count)];
        var next = agency.ToUtc(nextDay.AddHours(slotHour));
        var closedWeeksAgo = family.Phase == EpisodePhase.Closed ? 4 : 0;
        var held = Enumerable.Range(0, family.HeldSessions)
            .Select(k => next.AddDays(-7 * (family.HeldSessions - k + closedWeeksAgo)))
            .ToList();
        var opened = (held.Count > 0 ? held[0] : now).AddDays(-10 - random.Next(0, 5));

        var c = Case.Open(agency.Id, family.Name, therapistId, coTherapistId, therapistId, opened);
        var year = today.Year;
        foreach (var (name, role, age) in family.Members)
            c.AddMember(name, role, year - age, opened);

        var episode = c.CurrentEpisode;
        if (family.Phase >= EpisodePhase.FirstVisit)
            episode.MoveTo(EpisodePhase.FirstVisit, therapistId, "First visit booked with the family", opened.AddDays(2));

        for (var n = 0; n < held.Count; n++)
        {
            var start = held[n];
            var session = episode.ScheduleSession(start, 60, therapistId, start.AddDays(-7));
            // Children miss the odd session; the first visit has everyone.
            var attendees = c.Members.Where((m, k) => n == 0 || k == 0 || random.Next(0, 6) > 0).Select(m => m.Id).ToList();
            var length = 50 + random.Next(0, 4) * 5 + (random.Next(0, 8) == 0 ? 20 : 0);
            var lateBy = random.Next(0, 6);
            session.RecordHeld(start.AddMinutes(lateBy), start.AddMinutes(lateBy + length), attendees,
                random.Next(0, 5) == 0 ? Modality.Video : Modality.InPerson, Notes[random.Next(Notes.Length)], start.AddMinutes(length + 30));
            if (n == 0)
                FirstVisit(c, family, session, therapistId, start, talk);
            if (n == 5 && episode.Phase == EpisodePhase.Active)
                episode.RecordReview(episode.Goals.ToDictionary(g => g.Id, _ => 3 + talk.Next(0, 5)), ReviewDecision.Continue,
                    "Progress on both goals; the family wants to keep going at the same pace.", therapistId, start.AddHours(2));
            if (n == 4 && held.Count > 6)
            {
                // One cancelled extra session in longer episodes, as in real caseloads.
                var extra = episode.ScheduleSession(start.AddDays(3), 60, therapistId, start);
                extra.Cancel("Family unwell");
            }
        }

        if (family.Phase >= EpisodePhase.TerminationPlanned)
        {
            // The ending of one family still lacks its follow-up, so the checklist shows what an unfinished one looks like.
            var followUp = family.Phase == EpisodePhase.Closed || family.Name.StartsWith('E') ? next.AddDays(90) : (DateTime?)null;
            var finalSession = family.Phase == EpisodePhase.Closed ? held[^1] : next;
            episode.PlanEnding(new EndingChecklist(finalSession, true,
                    "Use the family meeting each Sunday to talk early about worries; call the agency's duty line if things slide for more than two weeks.", followUp),
                agencyOffersFollowUp: true, therapistId, "Goals largely met; ending planned with the family", held[^1].AddHours(2));
        }
        if (family.Phase == EpisodePhase.Closed) return c; // closed once its scores are in (CloseDemoEpisode)

        // A referral may not have its first visit booked yet.
        if (family.Phase != EpisodePhase.Referral || random.Next(0, 2) == 0)
            episode.ScheduleSession(next, family.HeldSessions == 0 ? 90 : 60, therapistId, now.AddDays(-1));
        return c;
    }
}
