using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Audit;

public sealed class IndexModel(AuditSearch search, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    [BindProperty(SupportsGet = true)] public Guid? CaseId { get; set; }
    public IReadOnlyList<AuditableCase> Cases { get; private set; } = [];
    public IReadOnlyList<AuditLine> Lines { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Cases = await search.CasesAsync(Actor, ct);
        Time = new LocalTime((await Alliance.Web.Features.Cases.CaseLoading.LoadAgencyAsync(db, Actor, ct)).TimeZoneId);
        if (CaseId is { } id) Lines = await search.ForCaseAsync(Actor, id, ct);
    }
}
