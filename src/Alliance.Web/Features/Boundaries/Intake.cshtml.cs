using Alliance.Application.Boundaries;
using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Alliance.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Boundaries;

/// <summary>Referrals offered to the therapist: accepted, declined or transferred, with the reason and the agency's attributes.</summary>
[Authorize(Policy = AllianceApp.Policies.Clinician)]
public sealed class IntakeModel(IntakeWork intake, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public sealed class DecisionInput
    {
        public string Referral { get; set; } = "";
        public IntakeOutcome? Outcome { get; set; }
        public string Reason { get; set; } = "";
        public Dictionary<Guid, string> Values { get; set; } = [];
    }

    [BindProperty] public DecisionInput Input { get; set; } = new();
    public IReadOnlyList<ReferralFieldView> Fields { get; private set; } = [];
    public IReadOnlyList<IntakeView> Decisions { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Input.Outcome is not { } outcome) ModelState.AddModelError("Input.Outcome", "Choose accepted, declined or transferred.");
        else if (await TryAsync(() => intake.RecordAsync(Actor, new RecordIntakeCommand(Input.Referral, outcome, Input.Reason, Input.Values), ct)))
        {
            Flash("The decision was recorded.");
            return RedirectToPage();
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Fields = (await intake.FieldsAsync(Actor, ct)).Where(f => f.IsActive).ToList();
        Decisions = await intake.MineAsync(Actor, ct);
        Time = new LocalTime((await db.LoadAgencyAsync(Actor, ct)).TimeZoneId);
    }
}
