using Alliance.Application.Feedback;
using Alliance.Domain;
using Alliance.Signals;
using Alliance.Testing;
using Microsoft.EntityFrameworkCore;
using static Alliance.Data.Tests.Seed;

namespace Alliance.Data.Tests;

/// <summary>
/// The agency's expected trajectories read from the database on both providers: only the members' own current scores
/// at held sessions of closed episodes are fitted, the fit is refitted as episodes close, and a case evaluated in the
/// app is judged against the fitted band.
/// </summary>
[Trait("Capability", "Signals")]
public sealed class ExpectedTrajectoryModelTests
{
    private static readonly TrajectorySettings Settings = new(
        new TrajectoryFitOptions { MinimumEpisodes = 4, MinimumPerCell = 4, IntakeBands = 1, SmoothingRadius = 0, Monotone = false },
        RefitAfterClosedEpisodes: 1, RefitAfter: TimeSpan.FromDays(1));

    /// <summary>A case with one adult member, held weekly sessions with the member's wellbeing scores, closed when asked.</summary>
    private static (Case Case, Member Member, List<Session> Sessions) Family(AllianceDbContext db, Agency agency, StaffUser therapist, string name, int[] wellbeing, bool close)
    {
        var c = Case.Open(agency.Id, name, therapist.Id, null, therapist.Id, Now.AddDays(-80));
        var member = c.AddMember(name + " member", FamilyRole.Client, 1985, Now.AddDays(-80));
        var episode = c.CurrentEpisode;
        Seed.Orient(episode, therapist.Id, Now.AddDays(-71), (member, null));
        episode.MoveTo(EpisodePhase.Active, therapist.Id, "Started", Now.AddDays(-70));
        var sessions = new List<Session>();
        for (var i = 0; i < wellbeing.Length; i++)
        {
            var start = Now.AddDays(-60 + (7 * i));
            var s = episode.ScheduleSession(start, 60, therapist.Id, start.AddDays(-7));
            s.RecordHeld(start, start.AddMinutes(50), [member.Id], Modality.InPerson, null, Now);
            db.Responses.Add(new Response(s, member.Id, "wellbeing-check", RaterRole.Client, null, wellbeing[i], null, false, "{}", ResponseSource.Paper, Now));
            sessions.Add(s);
        }
        if (close) Seed.Close(episode, therapist.Id, Now.AddDays(-1));
        db.Cases.Add(c);
        return (c, member, sessions);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task TheBandIsFittedFromClosedEpisodesAndNotOnTrackUsesIt(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId, openCase;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Eastmoor");
            var therapist = Staff(db, agency, "Wren Hale");
            await db.SaveChangesAsync();
            agencyId = agency.Id;
            // Ratings 2, 3 and 4 of the four closed episodes: 14 16 18 20, 16 18 20 22, 18 20 22 24. Their 25th
            // percentiles (h = 3 × 0.25 = 0.75) are 15.5, 17.5 and 19.5; their medians 17, 19 and 21.
            var a = Family(db, agency, therapist, "A", [10, 14, 16, 18], close: true);
            var b = Family(db, agency, therapist, "B", [12, 16, 18, 20], close: true);
            var c = Family(db, agency, therapist, "C", [14, 18, 20, 22], close: true);
            Family(db, agency, therapist, "D", [16, 20, 22, 24], close: true);
            // Not read: an alliance score, a caregiver's rating, a withdrawn score, and an open episode.
            db.Responses.Add(new Response(a.Sessions[1], a.Member.Id, "alliance-check", RaterRole.Client, null, 2, null, false, "{}", ResponseSource.Paper, Now));
            db.Responses.Add(new Response(b.Sessions[1], b.Member.Id, "phq-9", RaterRole.Caregiver, null, 27, null, false, "{}", ResponseSource.Paper, Now));
            var withdrawn = new Response(c.Sessions[1], c.Member.Id, "gad-7", RaterRole.Client, null, 21, null, false, "{}", ResponseSource.Paper, Now);
            withdrawn.Withdraw("Entered for the wrong family", Now);
            db.Responses.Add(withdrawn);
            // Intake 12, then 14, 16 and 19: the 4th rating is below the band of 19.5 (the early-change rule would
            // call 7 points up from a clinical 12 on track).
            openCase = Family(db, agency, therapist, "Open", [12, 14, 16, 19], close: false).Case.Id;
            await db.SaveChangesAsync();
        }

        using var cache = new ExpectedTrajectoryCache(Settings);
        await using (var db = database.OpenFor(agencyId))
        {
            var samples = await ExpectedTrajectoryModel.LoadSamplesAsync(db, agencyId, InstrumentCatalogue.Default);
            Assert.Equal(
                ["10 14 16 18", "12 16 18 20", "14 18 20 22", "16 20 22 24"],
                samples.Select(s => string.Join(' ', s.Ratings)).Order(StringComparer.Ordinal));
            Assert.All(samples, s => Assert.Equal("wellbeing-check", s.Series));

            var fitted = await new ExpectedTrajectoryModel(db, cache, TimeProvider.System).ForAgencyAsync(agencyId);
            Assert.Equal(4, fitted.ClosedEpisodes);
            var series = Assert.Single(fitted.Model.Series);
            Assert.Equal((4, 4), (series.Episodes, series.Trajectories));
            var expected = new[] { ("17", "15.5"), ("19", "17.5"), ("21", "19.5") };
            for (var rating = 2; rating <= 4; rating++)
            {
                Assert.True(fitted.Model.TryGetExpected("wellbeing-check", Score.FromPoints(12), rating, out var e));
                Assert.Equal(expected[rating - 2], (e.Median.ToString(), e.LowerBand.ToString()));
            }

            var changes = await new CaseFeedback(db, TimeProvider.System, new AgencyRules(), new ExpectedTrajectoryModel(db, cache, TimeProvider.System)).EvaluateAsync(openCase);
            await db.SaveChangesAsync();
            Assert.True(changes.Raised >= 1);
        }

        await using (var db = database.OpenFor(agencyId))
        {
            var alert = await db.Alerts.AsNoTracking().SingleAsync(x => x.CaseId == openCase && x.Kind == "not-on-track");
            Assert.Equal(("high", 4), (alert.Severity, alert.SessionNumber));
            Assert.Contains("lower band 19.5", alert.Message, StringComparison.Ordinal);

            // The same model serves until another episode closes (one, here); then it is fitted again.
            var model = new ExpectedTrajectoryModel(db, cache, TimeProvider.System);
            var first = await model.ForAgencyAsync(agencyId);
            Assert.Same(first, await model.ForAgencyAsync(agencyId));
            var c = await db.Cases.Include(x => x.Episodes).SingleAsync(x => x.Id == openCase);
            Seed.Close(c.CurrentEpisode, c.PrimaryTherapistId, Now);
            await db.SaveChangesAsync();
            var refitted = await model.ForAgencyAsync(agencyId);
            Assert.NotSame(first, refitted);
            Assert.Equal((5, 5), (refitted.ClosedEpisodes, refitted.Model.Series[0].Episodes));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task ClosedEpisodesAreCountedAgainOnlyOnceTheCountHasStoodItsTime(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId;
        Guid openCase;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Eastmoor");
            var therapist = Staff(db, agency, "Noor Hale");
            await db.SaveChangesAsync();
            agencyId = agency.Id;
            for (var i = 0; i < 4; i++)
                Family(db, agency, therapist, "Closed " + i, [10, 14, 16, 18], close: true);
            openCase = Family(db, agency, therapist, "Open", [12, 12, 12, 12], close: false).Case.Id;
            await db.SaveChangesAsync();
        }

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(Now, TimeSpan.Zero));
        using var cache = new ExpectedTrajectoryCache(Settings with { RecountAfter = TimeSpan.FromMinutes(1) });
        await using var counting = database.OpenFor(agencyId);
        var model = new ExpectedTrajectoryModel(counting, cache, clock);
        var first = await model.ForAgencyAsync(agencyId);
        Assert.Equal(4, first.ClosedEpisodes);

        await using (var db = database.OpenFor(agencyId))
        {
            var c = await db.Cases.Include(x => x.Episodes).SingleAsync(x => x.Id == openCase);
            Seed.Close(c.CurrentEpisode, c.PrimaryTherapistId, Now);
            await db.SaveChangesAsync();
        }
        // Within the minute the count stands (no query), so the model is the same; after it, the fifth closed episode is seen.
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(first, await model.ForAgencyAsync(agencyId));
        clock.Advance(TimeSpan.FromSeconds(2));
        var refitted = await model.ForAgencyAsync(agencyId);
        Assert.Equal(5, refitted.ClosedEpisodes);
        Assert.NotSame(first, refitted);
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabase.ProviderData), MemberType = typeof(TestDatabase))]
    public async Task WithTooFewClosedEpisodesNothingIsModelled(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        Guid agencyId;
        await using (var db = database.OpenAsOperator())
        {
            var agency = Agency(db, "Westmoor");
            var therapist = Staff(db, agency, "Ira Vale");
            await db.SaveChangesAsync();
            agencyId = agency.Id;
            for (var i = 0; i < 3; i++)
                Family(db, agency, therapist, "F" + i, [10, 14, 16, 18], close: true);
            await db.SaveChangesAsync();
        }

        using var cache = new ExpectedTrajectoryCache(Settings);
        await using (var db = database.OpenFor(agencyId))
        {
            var fitted = await new ExpectedTrajectoryModel(db, cache, TimeProvider.System).ForAgencyAsync(agencyId);
            Assert.Equal(3, fitted.ClosedEpisodes);
            Assert.Empty(fitted.Model.Series);
        }
    }
}
