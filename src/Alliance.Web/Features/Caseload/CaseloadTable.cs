using Alliance.Application;
using Alliance.Data;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;

namespace Alliance.Web.Features.Caseload;

/// <summary>What the caseload table needs: the rows and the agency's clock.</summary>
public sealed record CaseloadTable(CaseloadView Caseload, LocalTime Time, bool ShowTherapist)
{
    public static async Task<CaseloadTable> ForAsync(AllianceDbContext db, Actor actor, CaseloadView caseload, CancellationToken ct, bool showTherapist = false)
    {
        var agency = await db.LoadAgencyAsync(actor, ct);
        return new CaseloadTable(caseload, new LocalTime(agency.TimeZoneId), showTherapist);
    }
}
