namespace Alliance.Web.Features.Alerts;

/// <summary>What the alerts partial shows: the alerts, and whether the reader may act on them.</summary>
public sealed record AlertList(IReadOnlyList<AlertView> Alerts, bool CanAct)
{
    /// <summary>
    /// The alerts that ask for attention, one group per kind and member (a low alliance at every session for months is one
    /// standing concern, not a page of them): each group led by its newest alert, the groups newest first.
    /// </summary>
    public IReadOnlyList<AlertGroup> Active { get; } = Alerts
        .Where(a => a.Status is Domain.AlertStatus.Open or Domain.AlertStatus.Acknowledged && a.Severity != "good")
        .GroupBy(a => (a.Kind, a.MemberId))
        .Select(g => new AlertGroup(g.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.SessionNumber).ToList()))
        .OrderByDescending(g => g.Latest.CreatedAt)
        .ToList();
}

/// <summary>Alerts of one kind about one member (or the family), newest first.</summary>
public sealed record AlertGroup(IReadOnlyList<AlertView> Alerts)
{
    /// <summary>The newest, shown in full.</summary>
    public AlertView Latest => Alerts[0];

    /// <summary>The others, shown in a line each.</summary>
    public IEnumerable<AlertView> Earlier => Alerts.Skip(1);

    /// <summary>The open ones (acknowledging applies to them).</summary>
    public IReadOnlyList<Guid> OpenIds => Alerts.Where(a => a.Status == Domain.AlertStatus.Open).Select(a => a.Id).ToList();

    /// <summary>True when every alert of the group has been acknowledged.</summary>
    public bool Acknowledged => Alerts.All(a => a.Status == Domain.AlertStatus.Acknowledged);

    /// <summary>True when any was escalated to the supervisor.</summary>
    public bool Escalated => Alerts.Any(a => a.EscalatedAt is not null);
}
