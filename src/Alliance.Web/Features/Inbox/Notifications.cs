using Alliance.Application;
using Alliance.Data;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Inbox;

/// <summary>A notification as its recipient reads it.</summary>
public sealed record NotificationView(Guid Id, string Kind, string Text, Guid? CaseId, DateTime CreatedAt, bool IsRead);

/// <summary>Each person's inbox: alerts, escalations, break-the-glass notices. Nobody reads another's.</summary>
public sealed class Notifications(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>How many of a person's notifications are unread (asked on every page; compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, CancellationToken, Task<int>>> Unread =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid recipient, CancellationToken ct) => db.Notifications.Count(n => n.RecipientId == recipient && n.ReadAt == null)));

    public async Task<IReadOnlyList<NotificationView>> ListAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await db.Notifications.Where(n => n.RecipientId == actor.StaffId)
            .OrderByDescending(n => n.CreatedAt).Take(200)
            .Select(n => new NotificationView(n.Id, n.Kind, n.Text, n.CaseId, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
    }

    public async Task<int> UnreadAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await Unread.For(db)(db, actor.StaffId, ct);
    }

    public async Task MarkAllReadAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var n in await db.Notifications.Where(n => n.RecipientId == actor.StaffId && n.ReadAt == null).ToListAsync(ct))
            n.MarkRead(now);
        await db.SaveChangesAsync(ct);
    }
}
