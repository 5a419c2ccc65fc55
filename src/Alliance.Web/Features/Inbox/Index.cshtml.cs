using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Inbox;

public sealed class IndexModel(Notifications notifications, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public IReadOnlyList<NotificationView> Items { get; private set; } = [];
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Items = await notifications.ListAsync(Actor, ct);
        Time = new LocalTime((await Cases.CaseLoading.LoadAgencyAsync(db, Actor, ct)).TimeZoneId);
    }

    public async Task<IActionResult> OnPostReadAsync(CancellationToken ct)
    {
        await notifications.MarkAllReadAsync(Actor, ct);
        return RedirectToPage();
    }
}
