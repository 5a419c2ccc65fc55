using Alliance.Application;
using Alliance.Application.Feedback;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Signals;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Admin;

/// <summary>One number of the rules as the thresholds page shows it: the setting, its default and the value in force.</summary>
public sealed record ThresholdRow(RuleSetting Setting, string Default, string Value)
{
    /// <summary>True when the agency changed it from the default.</summary>
    public bool Changed => !string.Equals(Default, Value, StringComparison.Ordinal);
}

/// <summary>An outcome series and whether the agency's expected trajectory covers it.</summary>
public sealed record TrajectoryStatus(string Series, int Episodes, int Trajectories, int Bands);

/// <summary>The agency's thresholds, when they last changed, and where its expected trajectories stand.</summary>
public sealed record ThresholdsView(string TimeZoneId, IReadOnlyList<ThresholdRow> Rows, DateTime? ChangedAt, int ClosedEpisodes, int MinimumEpisodes,
    DateTime FittedAt, IReadOnlyList<TrajectoryStatus> Trajectories);

/// <summary>
/// The agency's thresholds for the feedback rules: every number with its default and source, changed by an admin with a
/// reason. The numbers are stored as the JSON of <c>alliance signals --rules</c> (only those that differ from the
/// defaults), the change is audited in the same save, and it applies from then on: alerts raised before are not rewritten.
/// </summary>
public sealed class ThresholdsWork(AllianceDbContext db, AgencyRules rules, ExpectedTrajectoryModel trajectories, TimeProvider clock)
{
    /// <summary>The longest reason accepted (the audit keeps 500 characters: the rest lists what changed).</summary>
    public const int MaxReason = 300;

    public async Task<ThresholdsView> GetAsync(Actor actor, CancellationToken ct)
    {
        RequireAdmin(actor);
        var agency = await db.AgencyAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var effective = await rules.ForAgencyAsync(db, agency, ct).ConfigureAwait(false);
        var fitted = await trajectories.ForAgencyAsync(agency.Id, ct).ConfigureAwait(false);
        var rows = RuleSettings.All
            .Select(s => new ThresholdRow(s, RuleSettings.ValueOf(s, SignalRules.Default), RuleSettings.ValueOf(s, effective.Rules)))
            .ToList();
        var status = fitted.Model.Series
            .Select(s => new TrajectoryStatus(s.Series, s.Episodes, s.Trajectories, s.Bands.Count(b => b.LastRating > 1)))
            .ToList();
        return new ThresholdsView(agency.TimeZoneId, rows, effective.ChangedAt, fitted.ClosedEpisodes, fitted.Model.Options.MinimumEpisodes, fitted.FittedAt, status);
    }

    /// <summary>Saves the form's numbers; answers every problem instead when a value cannot be used (nothing is saved then).</summary>
    /// <param name="actor">The admin.</param>
    /// <param name="form">The values by setting key (<see cref="RuleSetting.Key"/>).</param>
    /// <param name="reason">Why the numbers change (required).</param>
    /// <param name="ct">Cancels the work.</param>
    public async Task<IReadOnlyList<RuleProblem>> ChangeAsync(Actor actor, IReadOnlyDictionary<string, IReadOnlyList<string>> form, string? reason, CancellationToken ct)
    {
        RequireAdmin(actor);
        ArgumentNullException.ThrowIfNull(form);
        var agency = await db.AgencyAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var current = await rules.ForAgencyAsync(db, agency, ct).ConfigureAwait(false);
        var result = RuleSettings.Read(form, current.Rules, out var problems);
        var why = reason?.Trim() ?? "";
        var all = problems.ToList();
        if (why.Length is 0 or > MaxReason)
            all.Add(new RuleProblem("reason", $"Say why the numbers change, in 1 to {MaxReason} characters."));
        if (all.Count == 0 && result!.Changes.Count == 0)
            all.Add(new RuleProblem("", "Nothing to save: every number is as it was."));
        if (all.Count > 0)
            return all;

        agency.SetSignalRules(result!.Json);
        var now = clock.GetUtcNow().UtcDateTime;
        db.Audit(new PendingAudit(agency.Id, db.Actor, AuditActions.Update, AgencyRules.AuditRecordType, agency.Id.ToString(), null, now,
            $"{why} [{string.Join("; ", result.Changes)}]"));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        rules.Invalidate(agency.Id);
        return [];
    }

    private static void RequireAdmin(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin) throw new NotFoundException();
    }
}
