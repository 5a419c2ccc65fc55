using Alliance.Application.Episodes;
using Alliance.Application;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Admin;

/// <summary>How the agency runs the process: its orientation text (in versions) and when reviews and follow-up come.</summary>
public sealed class ProcessModel(AllianceDbContext db, OrientationTexts texts, TimeProvider clock) : AlliancePage
{
    public sealed class TextInput
    {
        public string Expectations { get; set; } = "";
        public string Responsibilities { get; set; } = "";
        public string Roles { get; set; } = "";
        public string Confidentiality { get; set; } = "";
        public string MeasuresAndFeedback { get; set; } = "";
        public string ChildWords { get; set; } = "";
    }

    public sealed class SettingsInput
    {
        public int ReviewEverySessions { get; set; } = Agency.DefaultReviewEverySessions;
        public bool OffersFollowUp { get; set; }
    }

    public TextInput Text { get; set; } = new();
    public SettingsInput Settings { get; set; } = new();
    public IReadOnlyList<OrientationText> Versions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var current = Versions[0];
        Text = new TextInput
        {
            Expectations = current.Expectations, Responsibilities = current.Responsibilities, Roles = current.Roles,
            Confidentiality = current.Confidentiality, MeasuresAndFeedback = current.MeasuresAndFeedback, ChildWords = current.ChildWords,
        };
        var agency = await db.AgencyAsync(Actor.AgencyId, ct);
        Settings = new SettingsInput { ReviewEverySessions = agency.ReviewEverySessions, OffersFollowUp = agency.OffersFollowUp };
    }

    public async Task<IActionResult> OnPostTextAsync([FromForm(Name = "Text")] TextInput input, CancellationToken ct)
    {
        Text = input;
        var parts = new OrientationParts(input.Expectations, input.Responsibilities, input.Roles, input.Confidentiality, input.MeasuresAndFeedback, input.ChildWords);
        OrientationText? published = null;
        if (await TryAsync(async () => published = await PublishAsync(parts, ct), "Text"))
        {
            Flash($"Version {published!.Version} is published. Members who agreed to an earlier version will be asked to agree again.");
            return RedirectToPage();
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostSettingsAsync([FromForm(Name = "Settings")] SettingsInput input, CancellationToken ct)
    {
        Settings = input;
        if (await TryAsync(async () =>
            {
                var agency = await db.AgencyAsync(Actor.AgencyId, ct);
                agency.SetProcess(input.ReviewEverySessions, input.OffersFollowUp);
                db.Audit(new PendingAudit(agency.Id, db.Actor, AuditActions.Update, "agency-process", agency.Id.ToString(), null, clock.GetUtcNow().UtcDateTime));
                await db.SaveChangesAsync(ct);
            }, "Settings"))
        {
            Flash("Saved.");
            return RedirectToPage();
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task<OrientationText> PublishAsync(OrientationParts parts, CancellationToken ct)
    {
        var published = await texts.PublishAsync(Actor.AgencyId, parts, Actor.StaffId, ct);
        db.Audit(new PendingAudit(published.AgencyId, db.Actor, AuditActions.Create, "orientation-text", published.Id.ToString(), null, published.PublishedAt));
        await db.SaveChangesAsync(ct);
        return published;
    }

    private async Task LoadAsync(CancellationToken ct) => Versions = await texts.HistoryAsync(Actor.AgencyId, ct);
}
