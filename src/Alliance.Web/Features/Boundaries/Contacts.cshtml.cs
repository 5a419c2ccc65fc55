using Alliance.Domain;
using Alliance.Application.Boundaries;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Boundaries;

/// <summary>A family's contacts between sessions, and the form that records one.</summary>
[Authorize(Policy = AllianceApp.Policies.CaseReader)]
public sealed class ContactsModel(ContactLog log, Alliance.Data.AllianceDbContext db, TimeProvider clock) : AlliancePage
{
    public sealed class ContactInput
    {
        public DateTime? At { get; set; }
        public Guid? MemberId { get; set; }
        public ContactMeans Channel { get; set; }
        public ContactStartedBy InitiatedBy { get; set; } = ContactStartedBy.Family;
        public int? Minutes { get; set; }
        public string? Summary { get; set; }
    }

    [FromRoute] public Guid CaseId { get; set; }
    [BindProperty] public ContactInput Input { get; set; } = new();
    public IReadOnlyList<ContactView> Contacts { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;
    public IReadOnlyList<(Guid Id, string Name)> Members { get; private set; } = [];
    public bool CanWrite => Actor.IsTherapist || Actor.IsSupervisor;
    /// <summary>Now, by the app's clock: the form proposes it as the contact's time.</summary>
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Input.At is not { } local)
        {
            ModelState.AddModelError("Input.At", "Say when the contact took place.");
            return Page();
        }
        if (!ModelState.IsValid) return Page();
        if (await TryAsync(() => log.RecordAsync(Actor, new RecordContactCommand(CaseId, Input.MemberId, Time.ToUtc(local), Input.Channel, Input.InitiatedBy, Input.Minutes, Input.Summary), ct)))
        {
            Flash("The contact was recorded.");
            return Redirect($"/cases/{CaseId}");
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Contacts = await log.ListAsync(Actor, CaseId, ct);
        Members = (await db.Members.Where(m => m.CaseId == CaseId).OrderBy(m => m.Position).Select(m => new { m.Id, m.DisplayName }).ToListAsync(ct))
            .Select(m => (m.Id, m.DisplayName)).ToList();
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
