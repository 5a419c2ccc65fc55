using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Episodes;

/// <summary>Loads the process records an episode's rules read, when the caller loaded the episode without them.</summary>
public static class ProcessLoading
{
    /// <summary>Loads the episode's agreements and overrides unless they are loaded already.</summary>
    public static async Task LoadConsentAsync(this AllianceDbContext db, Episode episode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entry = db.Entry(episode);
        if (!entry.Collection(e => e.Agreements).IsLoaded) await entry.Collection(e => e.Agreements).LoadAsync(ct).ConfigureAwait(false);
        if (!entry.Collection(e => e.Overrides).IsLoaded) await entry.Collection(e => e.Overrides).LoadAsync(ct).ConfigureAwait(false);
    }
}
