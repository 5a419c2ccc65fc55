using Alliance.Application.Episodes;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;

namespace Alliance.Application.Demo;

/// <summary>
/// The demo agency's past: a few hundred closed episodes of former clients with their well-being scores, so that the
/// agency's expected-trajectory model (fitted from 100 or more closed episodes) is live on first run. Every name is
/// invented; courses vary with the intake score as they do in routine outcome data (most improve, some do not).
/// </summary>
internal static class DemoHistory
{
    private static readonly string[] Given = ["Ada", "Ben", "Cara", "Dev", "Esme", "Femi", "Gus", "Hana", "Ivo", "Jude", "Kit", "Lena", "Milo", "Nia", "Omar", "Pia", "Rafe", "Sian", "Tao", "Uma", "Vik", "Wren", "Yara", "Zeb"];
    private static readonly string[] Family = ["Ashdown", "Birchley", "Calloway", "Drummond", "Ellery", "Fairholm", "Garrow", "Hesketh", "Inchley", "Jessop", "Kilbride", "Lowther", "Marwood", "Northam", "Ormsby", "Pendry", "Quarles", "Redfern", "Selwood", "Thorley"];
    private static readonly InstrumentCatalog Catalog = InstrumentCatalog.CreateWithBuiltIns();

    /// <summary>Adds <paramref name="count"/> closed single-client episodes, spread over the last two years.</summary>
    public static void Add(AllianceDbContext db, Agency agency, IReadOnlyList<StaffUser> therapists, DateTime now, int count, Random random)
    {
        var wellbeing = Catalog.Get("wellbeing-check");
        var responses = new List<Response>();
        for (var i = 0; i < count; i++)
        {
            var therapist = therapists[i % therapists.Count].Id;
            var sessions = 6 + random.Next(0, 7);
            var opened = now.AddDays(-60 - random.Next(0, 640) - 7 * sessions);
            var name = $"{Given[i % Given.Length]} {Family[i / Given.Length % Family.Length]}";
            var c = Case.Open(agency.Id, $"{Family[i / Given.Length % Family.Length]} ({i + 1:000})", therapist, null, therapist, opened);
            var client = c.AddMember(name, FamilyRole.Client, opened.Year - 20 - random.Next(0, 40), opened);
            var episode = c.CurrentEpisode;
            episode.MoveTo(EpisodePhase.FirstVisit, therapist, "First visit booked", opened.AddDays(1));

            // Intake from 8 to 32; most improve towards the mid-thirties at a rate that slows, some stay where they were.
            var intake = 8 + random.Next(0, 25);
            var responder = random.Next(0, 10) < 7;
            var rate = responder ? 0.25 + random.NextDouble() * 0.3 : random.NextDouble() * 0.05;
            for (var n = 0; n < sessions; n++)
            {
                var start = opened.AddDays(7 * (n + 1)).Date.AddHours(10 + random.Next(0, 6));
                var session = episode.ScheduleSession(start, 60, therapist, start.AddDays(-7));
                session.RecordHeld(start, start.AddMinutes(50 + random.Next(0, 3) * 5), [client.Id], Modality.InPerson, null, start.AddHours(2));
                if (n == 0)
                {
                    episode.RecordFamilyAgreements(SecretsPolicy.NoSecrets, null, YoungPersonSharing.NothingShared);
                    episode.RecordAgreement(client, 1, null, true, true, session.Id, therapist, start.AddMinutes(40));
                    episode.SetPlan(7, 60, null);
                    episode.MoveTo(EpisodePhase.Active, therapist, "Orientation complete", start.AddHours(1));
                }
                var expected = intake + (36 - intake) * (1 - Math.Exp(-rate * n));
                var score = Math.Clamp((int)Math.Round(expected + random.Next(-2, 3)), 0, 40);
                var authored = new DateTimeOffset(start.AddMinutes(50), TimeSpan.Zero);
                var scored = ScoredResponse.Create(wellbeing, DemoAnswers.For(wellbeing, score, random),
                    new ResponseDetails(Rater.Client, authored) { Subject = $"Patient/{client.Id}", Encounter = $"Encounter/{session.Id}" });
                var response = new Response(session, client.Id, wellbeing.Id, RaterRole.Client, null, scored.Score.Total, scored.Score.UnscorableReason,
                    false, QuestionnaireResponseMapper.ToJson(wellbeing, scored), ResponseSource.Link, authored.UtcDateTime);
                responses.Add(response);
                db.Responses.Add(response);
            }
            var last = episode.Sessions.Max(s => s.StartsAt);
            episode.PlanEnding(new EndingChecklist(last, true, "Return to the self-help plan made in session; call the agency's duty line if things slip for more than two weeks.", null),
                agencyOffersFollowUp: false, therapist, "Ending planned with the client", last.AddDays(-8));
            var result = EpisodeOutcomes.Compute(episode, responses, Catalog);
            episode.Close(result.Outcome, result.Members, "Planned ending after the agreed sessions; the client has a plan for setbacks.", therapist, last.AddDays(1));
            responses.Clear();
            db.Cases.Add(c);
        }
    }
}
