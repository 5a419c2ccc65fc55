using System.Net;
using System.Net.Http.Json;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// A case read for its page or the API is kept while its version stands: read again unchanged it is not read from the
/// database again, a change of any of its records is shown at the next read, and access is checked every time.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class CaseReadCacheTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiTests.Json;

    private Task<(Guid CaseId, Guid Version)> SharedCaseAsync() => app.AsOperatorAsync(async sp =>
    {
        var c = await sp.GetRequiredService<AllianceDbContext>().Cases
            .Where(c => c.CoTherapistId != null && c.Episodes.Any(e => e.Sessions.Any(s => s.Notes != null)))
            .Select(c => new { c.Id, c.Version }).FirstAsync();
        return (c.Id, c.Version);
    });

    private CaseReadCache Cache => app.Services.GetRequiredService<CaseReadCache>();

    [Fact]
    public async Task AnUnchangedCaseIsReadOnceAndAChangedOneAgain()
    {
        var (caseId, version) = await SharedCaseAsync();
        var tobias = await app.SignedInAsync(AllianceWebFactory.Therapist);

        Assert.Equal(HttpStatusCode.OK, (await tobias.GetAsync($"/cases/{caseId}")).StatusCode);
        var kept = Cache.Find(caseId, version);
        Assert.NotNull(kept);
        var before = await tobias.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        Assert.Same(kept, Cache.Find(caseId, version));

        // A session's notes corrected by a path that does not ask the case for a new version: the save gives it one.
        var sessionId = before!.Episode.Sessions.Concat(before.EarlierEpisodes.SelectMany(e => e.Sessions)).First(s => s.Notes is not null).Id;
        await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var session = await db.Sessions.SingleAsync(s => s.Id == sessionId);
            db.Entry(session).Property(s => s.Notes).CurrentValue = "Notes corrected after supervision.";
            return await db.SaveChangesAsync();
        });

        var after = await tobias.GetFromJsonAsync<CaseDetails>($"/api/cases/{caseId}", Json);
        Assert.Equal("Notes corrected after supervision.", after!.Episode.Sessions.Concat(after.EarlierEpisodes.SelectMany(e => e.Sessions)).Single(s => s.Id == sessionId).Notes);
        Assert.Contains("Notes corrected after supervision.", await tobias.GetStringAsync($"/cases/{caseId}"), StringComparison.Ordinal);
        Assert.Null(Cache.Find(caseId, version));
    }

    [Fact]
    public async Task AccessIsCheckedAtEveryReadOfAKeptCase()
    {
        var (caseId, _) = await SharedCaseAsync();
        var amara = await app.SignedInAsync(AllianceWebFactory.OtherTherapist);
        Assert.Equal(HttpStatusCode.OK, (await amara.GetAsync($"/api/cases/{caseId}")).StatusCode);

        // The co-therapist leaves the case: the kept read must not let her see it again.
        var coTherapist = await app.AsOperatorAsync(async sp =>
        {
            var db = sp.GetRequiredService<AllianceDbContext>();
            var c = await db.Cases.SingleAsync(c => c.Id == caseId);
            var was = c.CoTherapistId;
            c.SetCoTherapist(null);
            await db.SaveChangesAsync();
            return was;
        });
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await amara.GetAsync($"/api/cases/{caseId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await amara.GetAsync($"/cases/{caseId}")).StatusCode);
        }
        finally
        {
            await app.AsOperatorAsync(async sp =>
            {
                var db = sp.GetRequiredService<AllianceDbContext>();
                (await db.Cases.SingleAsync(c => c.Id == caseId)).SetCoTherapist(coTherapist);
                return await db.SaveChangesAsync();
            });
        }
    }
}
