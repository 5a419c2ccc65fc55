using Alliance.Application.Auditing;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Web.Hosting;
using Alliance.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Alliance.Web.Tests;

/// <summary>
/// The flush of buffered reads: a tick writes the reads that waited when it began and no more, so that under steady
/// reads the writer commits four times a second rather than back to back; the stop writes everything left.
/// </summary>
[Trait("Capability", "Proof")]
public sealed class AuditFlusherTests(AllianceWebFactory app) : IClassFixture<AllianceWebFactory>
{
    private const string Waiting = "flusher-test-waiting";
    private const string Later = "flusher-test-later";

    [Fact]
    public async Task ATickWritesTheReadsThatWaitedAndLeavesThoseThatCameWhileItWroteForTheNext()
    {
        // A buffer of the test's own: the host's flusher works on the host's.
        var reads = new AuditReads(TimeProvider.System);
        var flusher = ActivatorUtilities.CreateInstance<AuditFlusher>(app.Services, reads);
        var (agencyId, caseId) = await app.AsOperatorAsync(async sp =>
        {
            var family = await sp.GetRequiredService<AllianceDbContext>().Cases.AsNoTracking().OrderBy(c => c.Name).FirstAsync();
            return (family.AgencyId, family.Id);
        });
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<HttpTenantContext>().ActFor(FixedTenant.Operator);
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        for (var i = 0; i < 3; i++) reads.Record(db, agencyId, Waiting, Guid.NewGuid(), caseId);

        // Reads keep coming while the tick writes, as under load: the queue is never empty.
        var due = reads.Pending;
        using var stop = new CancellationTokenSource();
        var later = 0;
        var recorder = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (reads.Pending < due + 10)
                {
                    reads.Record(db, agencyId, Later, Guid.NewGuid(), caseId);
                    Interlocked.Increment(ref later);
                }
                else await Task.Delay(1);
            }
        });
        while (reads.Pending <= due) await Task.Delay(1);

        var written = await flusher.FlushAsync(due, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await recorder;

        Assert.Equal(3, written);
        Assert.Equal(3, await CountAsync(caseId, Waiting));
        Assert.Equal(0, await CountAsync(caseId, Later));
        Assert.Equal(later, reads.Pending);

        // The stop leaves nothing behind.
        await flusher.StopAsync(CancellationToken.None);
        Assert.Equal(0, reads.Pending);
        Assert.Equal(later, await CountAsync(caseId, Later));
        Assert.Equal(3, await CountAsync(caseId, Waiting));
    }

    private Task<int> CountAsync(Guid caseId, string recordType) => app.AsOperatorAsync(sp =>
        sp.GetRequiredService<AllianceDbContext>().AuditEntries
            .CountAsync(e => e.CaseId == caseId && e.RecordType == recordType && e.Action == AuditActions.Read));
}
