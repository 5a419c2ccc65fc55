using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;

namespace Alliance.Application.Demo;

/// <summary>
/// Scores for the demo families: every attending member rates the alliance and their well-being at every held
/// session (the child versions for children), members of 13 and over in families also rate the family alliance,
/// adults rate their confidence, a few answer the PHQ-9, and the supervisor observes each therapist now and then
/// while the therapist rates themself. Answers are real answers to the built-in instruments, scored by them, so the
/// stored answers and scores agree. The courses are chosen to show what the charts and rules are for: families who
/// improve, a member who does not respond, one who gets worse, a rupture that is repaired and one that is not, and a
/// couple whose ratings of the alliance lie far apart.
/// </summary>
internal static class DemoScores
{
    private enum Course { Improver, ChildImprover, NonResponder, Deteriorating, Steady, SplitHigh, SplitLow, RuptureRepair, RuptureNoRepair }

    /// <summary>One member's course: how their ratings move, where a rupture falls, which extra measures they answer.</summary>
    private sealed record Profile(Course Course, int RuptureAt = -1, bool Phq = false);

    private static readonly Dictionary<string, Profile[]> Courses = new(StringComparer.Ordinal)
    {
        ["Applewhite family"] = [new(Course.RuptureRepair, RuptureAt: 3), new(Course.Improver), new(Course.ChildImprover)],
        ["Dunmore-Reyes couple"] = [new(Course.SplitHigh, Phq: true), new(Course.SplitLow)],
        ["Everly family"] = [new(Course.Improver), new(Course.ChildImprover)],
        ["Fenwick-Osei family"] = [new(Course.Improver), new(Course.Steady), new(Course.ChildImprover), new(Course.Improver)],
        ["Greywood family"] = [new(Course.Steady), new(Course.Deteriorating)],
        ["Hartmoor family"] = [new(Course.NonResponder, Phq: true), new(Course.ChildImprover)],
        ["Ivory family"] = [new(Course.Improver), new(Course.Improver), new(Course.Steady)],
        ["Kestrel-Amadi family"] = [new(Course.RuptureNoRepair, RuptureAt: 2), new(Course.Improver), new(Course.ChildImprover)],
        ["Lindenhall family"] = [new(Course.Improver, Phq: true), new(Course.Improver), new(Course.Steady)],
    };

    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();

    /// <summary>Adds the scores of one demo family's held sessions.</summary>
    /// <param name="db">Where the responses go.</param>
    /// <param name="c">The family, built in memory with its held sessions.</param>
    /// <param name="therapistIndex">0, 1 or 2: each demo therapist rates themself in their own way.</param>
    /// <param name="supervisorId">The supervisor who observes sessions.</param>
    /// <param name="random">A seeded generator, so the demo is the same every time.</param>
    public static void Add(AllianceDbContext db, Case c, int therapistIndex, Guid supervisorId, Random random)
    {
        if (!Courses.TryGetValue(c.Name, out var profiles)) return;
        var members = c.Members.OrderBy(m => m.Position).ToList();
        var held = c.CurrentEpisode.Sessions.Where(s => s.Status == SessionStatus.Held).OrderBy(s => s.Number).ToList();
        var teens = members.Count(m => !m.IsChildIn(held.FirstOrDefault()?.StartsAt.Year ?? 2000));
        var lastAlliance = new Dictionary<Guid, int>();
        for (var n = 0; n < held.Count; n++)
        {
            var session = held[n];
            var year = session.StartsAt.Year;
            var authored = new DateTimeOffset(session.ActualEnd ?? session.StartsAt, TimeSpan.Zero).AddMinutes(-3);
            foreach (var attendee in session.Attendees)
            {
                var k = members.FindIndex(m => m.Id == attendee.MemberId);
                var member = members[k];
                var profile = profiles[Math.Min(k, profiles.Length - 1)];
                var child = member.IsChildIn(year);

                var alliance = Alliance(profile, n, lastAlliance.GetValueOrDefault(member.Id, -1), random);
                lastAlliance[member.Id] = alliance;
                var wellbeing = Wellbeing(profile, n, random);
                Rate(db, session, member, child ? "child-alliance-check" : "alliance-check", alliance, RaterRole.Client, null, authored, random);
                Rate(db, session, member, child ? "child-wellbeing-check" : "wellbeing-check", wellbeing, RaterRole.Client, null, authored, random);
                if (!child && teens >= 2)
                    Rate(db, session, member, "family-alliance", Math.Clamp((int)Math.Round(alliance * 0.8 + 4 + random.Next(-1, 2)), 8, 40), RaterRole.Client, null, authored, random);
                if (member.AgeIn(year) >= 18 && n % 2 == 0)
                    Rate(db, session, member, "self-efficacy-check", Math.Clamp((int)Math.Round(10 + wellbeing * 0.65 + random.Next(-1, 2)), 4, 40), RaterRole.Client, null, authored, random);
                if (profile.Phq && n % 3 == 0)
                    Rate(db, session, member, "phq-9", Phq(profile, n, random), RaterRole.Client, null, authored, random);
            }

            // The supervisor sits in on every third session (live or from the recording); the therapist rates the same session.
            if (n % 3 == 1)
            {
                var about = members.First(m => session.Attendees.Any(a => a.MemberId == m.Id));
                var observed = Math.Clamp(33 + n / 2 + random.Next(-2, 3), 9, 45);
                var self = Math.Clamp(observed + therapistIndex switch { 0 => -4, 1 => 3, _ => 0 } + random.Next(-1, 2), 9, 45);
                Rate(db, session, about, "therapist-empathy-observation", observed, RaterRole.Observer, supervisorId, authored.AddMinutes(40), random);
                Rate(db, session, about, "therapist-empathy-observation", self, RaterRole.Therapist, session.TherapistId, authored.AddMinutes(20), random);
            }
        }
    }

    private static int Alliance(Profile p, int n, int previous, Random random)
    {
        var noise = random.Next(-1, 2);
        // Most members settle in the high thirties, as client-rated alliance usually does.
        var settled = 36.5 + Math.Min(n, 4) * 0.5 + noise;
        double value = p.Course switch
        {
            // Outcome does not move, though the member feels well met: the kind of case a consultation helps.
            Course.NonResponder => 37 + noise,
            Course.Deteriorating => 37 - 0.9 * n + noise,
            Course.SplitHigh => 38.5 + noise * 0.5,
            // The split family: one partner's alliance lags for four sessions, then the work finds its shared goal.
            Course.SplitLow => n < 4 ? 29 + noise : Math.Min(29 + 2.5 * (n - 3), 38) + noise,
            Course.RuptureRepair when n == p.RuptureAt && previous >= 0 => previous - 7,
            Course.RuptureRepair when n == p.RuptureAt + 1 => Math.Max(settled, previous + 7),
            Course.RuptureNoRepair when n < p.RuptureAt => 38 + noise * 0.5,
            Course.RuptureNoRepair when n == p.RuptureAt && previous >= 0 => previous - 7,
            Course.RuptureNoRepair => 30 + noise,
            _ => settled,
        };
        return Math.Clamp((int)Math.Round(value), 0, 40);
    }

    private static int Wellbeing(Profile p, int n, Random random)
    {
        var noise = random.Next(-1, 2);
        double value = p.Course switch
        {
            Course.Improver or Course.RuptureRepair => Math.Min(17 + 2.2 * n, 34) + noise,
            Course.ChildImprover => Math.Min(23 + 1.8 * n, 36) + noise,
            Course.NonResponder => 18 + noise * 1.5,
            Course.Deteriorating => Math.Max(27 - 1.7 * n, 14) + noise,
            Course.Steady => 28 + noise,
            Course.SplitHigh => Math.Min(21 + 1.5 * n, 33) + noise,
            Course.SplitLow => 19 + 0.5 * n + noise,
            Course.RuptureNoRepair => 20 + 0.6 * n + noise,
            _ => 25,
        };
        return Math.Clamp((int)Math.Round(value), 0, 40);
    }

    private static int Phq(Profile p, int n, Random random) => p.Course == Course.NonResponder
        ? Math.Clamp(16 + random.Next(-1, 2), 0, 27)
        : Math.Clamp(17 - (int)Math.Round(1.3 * n) + random.Next(-1, 2), 2, 27);

    private static void Rate(AllianceDbContext db, Session session, Member member, string instrumentId, int target,
        RaterRole rater, Guid? staffId, DateTimeOffset authored, Random random)
    {
        var instrument = Catalog.Get(instrumentId);
        var details = new ResponseDetails(RaterOf(rater), authored)
        {
            Subject = $"Patient/{member.Id}",
            Encounter = $"Encounter/{session.Id}",
            Author = staffId is { } id ? $"Practitioner/{id}" : null,
        };
        // Family-alliance answers are spread the same way for the same total, so that members who rate the family
        // alike show alike on every dimension (the demo's split family is split by its totals, not by chance).
        var spread = instrument.Id == "family-alliance" ? new Random(target) : random;
        var scored = ScoredResponse.Create(instrument, DemoAnswers.For(instrument, target, spread), details);
        var json = QuestionnaireResponseMapper.ToJson(instrument, scored);
        db.Responses.Add(new Response(session, member.Id, instrument.Id, rater, staffId, scored.Score.Total, scored.Score.UnscorableReason,
            scored.Score.RiskFlags.Count > 0, json, rater == RaterRole.Client ? ResponseSource.Link : ResponseSource.Paper, authored.UtcDateTime));
    }

    private static Rater RaterOf(RaterRole role) => role switch
    {
        RaterRole.Caregiver => Rater.Caregiver,
        RaterRole.Observer => Rater.Observer,
        RaterRole.Therapist => Rater.Therapist,
        _ => Rater.Client,
    };
}

/// <summary>Answers to an instrument whose items add up to a chosen total, spread unevenly as people answer.</summary>
internal static class DemoAnswers
{
    /// <summary>
    /// Answers every scored item of a summed instrument so that the total is <paramref name="target"/> (clamped to
    /// what the items can give); unscored questions get a plain answer and free text is left empty.
    /// </summary>
    public static List<ItemAnswer> For(Instrument instrument, int target, Random random)
    {
        var items = instrument.ScoredItems.Where(i => !i.PerMember && i.Min is not null && i.Max is not null).ToList();
        var low = items.Select(i => (int)i.Min!.Value).ToArray();
        // A risk item (PHQ-9 item 9) stays at its lowest answer: the demo raises no risk of self-harm by accident.
        var high = items.Select(i => i.Risk is null ? (int)i.Max!.Value : (int)i.Min!.Value).ToArray();
        var total = Math.Clamp(target, low.Sum(), high.Sum());
        var values = new int[items.Count];
        var mean = (double)total / Math.Max(items.Count, 1);
        for (var k = 0; k < values.Length; k++)
            values[k] = Math.Clamp((int)Math.Round(mean) + random.Next(-1, 2), low[k], high[k]);
        // Walk the values towards the total one step at a time, on items picked at random, so no item sticks out.
        for (var guard = 0; values.Sum() != total && guard < 10_000; guard++)
        {
            var k = random.Next(values.Length);
            var step = values.Sum() < total ? 1 : -1;
            if (values[k] + step >= low[k] && values[k] + step <= high[k]) values[k] += step;
        }

        var answers = new List<ItemAnswer>();
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var raw = item.ReverseScored ? low[k] + high[k] - values[k] : values[k];
            answers.Add(new ItemAnswer(item.LinkId, item.Kind switch
            {
                ItemKind.Choice => AnswerValue.Option(item.Options.First(o => o.Score == raw).Code),
                ItemKind.YesNo => AnswerValue.YesNo(raw == 1),
                _ => AnswerValue.Scale(raw),
            }));
        }
        foreach (var item in instrument.Items.Where(i => !i.Scored && !i.PerMember))
        {
            if (item.Kind == ItemKind.YesNo) answers.Add(new ItemAnswer(item.LinkId, AnswerValue.YesNo(true)));
            else if (item.Kind == ItemKind.Choice && item.Options.Count > 0) answers.Add(new ItemAnswer(item.LinkId, AnswerValue.Option(item.Options[0].Code)));
        }
        return answers;
    }
}
