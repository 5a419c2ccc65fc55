using Alliance.Application;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Process;

/// <summary>The plain-language orientation sheet the family takes home (printable).</summary>
public sealed class SheetModel(GetProcess getProcess, AllianceDbContext db) : AlliancePage
{
    [FromRoute] public Guid CaseId { get; set; }
    public CaseProcess Process { get; private set; } = null!;
    public IReadOnlyList<string> Supervisors { get; private set; } = [];
    public IReadOnlyList<string> CrisisLines { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Process = await getProcess.HandleAsync(Actor, CaseId, ct);
        var therapist = Process.Case.PrimaryTherapistId;
        var supervisorIds = await db.SupervisionLines.Where(l => l.SuperviseeId == therapist && l.EndedAt == null).Select(l => l.SupervisorId).ToListAsync(ct);
        var names = await db.StaffNamesAsync(Process.Agency.Id, supervisorIds, ct);
        Supervisors = supervisorIds.Select(id => names.GetValueOrDefault(id, "")).Where(n => n.Length > 0).ToList();
        CrisisLines = CrisisContacts.For(Process.Agency);
    }
}
