using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>The agency's numbers for the boundary detectors, as the admin page shows and changes them.</summary>
public sealed record BoundarySettingsView(int SelfCheckTimes, int SelfCheckWindow, int MinimumDecisions, int MinimumExpected, decimal Alpha, decimal HoursShareRatio,
    string PhoneRegion = "GB", string? OfficialContacts = null, Alliance.Boundaries.TimeBeyondNeedSettings? Time = null);

/// <summary>Reads and changes the agency's boundary settings (admins only; every change is audited with the record).</summary>
public sealed class BoundarySettingsWork(AllianceDbContext db)
{
    public async Task<BoundarySettingsView> GetAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var s = await SelfCheckWork.SettingsAsync(db, actor.AgencyId, ct).ConfigureAwait(false);
        return new BoundarySettingsView(s.SelfCheckTimes, s.SelfCheckWindow, s.MinimumDecisions, s.MinimumExpected, s.Alpha, s.HoursShareRatio,
            s.PhoneRegion, s.OfficialContacts, TimeRules.Of(s));
    }

    public async Task ChangeAsync(Actor actor, BoundarySettingsView change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(change);
        if (!actor.IsAdmin) throw new RecordNotFoundException();
        var s = await db.BoundarySettings.SingleOrDefaultAsync(x => x.AgencyId == actor.AgencyId, ct).ConfigureAwait(false);
        if (s is null)
        {
            s = new BoundarySettings(actor.AgencyId);
            db.BoundarySettings.Add(s);
        }
        s.Change(change.SelfCheckTimes, change.SelfCheckWindow, change.MinimumDecisions, change.MinimumExpected, change.Alpha, change.HoursShareRatio);
        s.SetContactDetails(change.PhoneRegion, change.OfficialContacts);
        if (change.Time is { } time) TimeRules.Store(s, time);
        // Every line must read as a contact detail in the agency's region, or the scanner would flag the agency itself.
        OfficialContacts.Of(s);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }
}
