namespace Alliance.Web.Features.Alerts;

/// <summary>What the alerts partial shows: the alerts, and whether the reader may act on them.</summary>
public sealed record AlertList(IReadOnlyList<AlertView> Alerts, bool CanAct);
