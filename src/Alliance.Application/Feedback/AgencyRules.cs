using System.Collections.Concurrent;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Signals;
using Alliance.Spreadsheets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Alliance.Application.Feedback;

/// <summary>The feedback rules in force for an agency.</summary>
/// <param name="Rules">The numbers: the defaults with the agency's own over them.</param>
/// <param name="ChangedAt">When the agency last changed them (UTC), or null when it never has. Alerts raised before then were raised under earlier numbers.</param>
public sealed record EffectiveRules(SignalRules Rules, DateTime? ChangedAt);

/// <summary>
/// Each agency's effective <see cref="SignalRules"/>: its <see cref="Agency.SignalRulesJson"/> (the JSON of
/// <c>alliance signals --rules</c>) read over the defaults. Kept in memory per agency and read again whenever the stored
/// JSON differs from the one cached, so a change made on another web node is seen at the next evaluation; the node that
/// makes a change also calls <see cref="Invalidate"/>.
/// </summary>
public sealed partial class AgencyRules(ILogger<AgencyRules>? log = null)
{
    /// <summary>The audit trail's record type for a change of the agency's rules.</summary>
    public const string AuditRecordType = "signal-rules";

    private readonly ConcurrentDictionary<Guid, Cached> _byAgency = new();
    private readonly ILogger _log = log ?? (ILogger)NullLogger.Instance;

    private sealed record Cached(string? Json, EffectiveRules Rules);

    /// <summary>Reads rules JSON over the defaults; null or blank gives the defaults.</summary>
    /// <param name="json">The JSON of <c>--rules</c>, or null.</param>
    /// <exception cref="SignalRulesFileException">A field is wrong; the exception names it.</exception>
    public static SignalRules Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? SignalRules.Default : SignalRulesFile.Parse(json, SignalRules.Default);

    /// <summary>The agency's rules and when they last changed.</summary>
    /// <param name="db">A context that can read the agency's audit trail.</param>
    /// <param name="agency">The agency, as just loaded.</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<EffectiveRules> ForAgencyAsync(AllianceDbContext db, Agency agency, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(agency);
        if (_byAgency.TryGetValue(agency.Id, out var cached) && string.Equals(cached.Json, agency.SignalRulesJson, StringComparison.Ordinal))
        {
            return cached.Rules;
        }

        // Changes are rare and audited: the latest entry says since when the numbers hold (entries without a case are few).
        var changedAt = await db.AuditEntries.AsNoTracking()
            .Where(e => e.AgencyId == agency.Id && e.CaseId == null && e.RecordType == AuditRecordType)
            .MaxAsync(e => (DateTime?)e.At, ct).ConfigureAwait(false);
        var rules = new EffectiveRules(ParseStored(agency), changedAt);
        _byAgency[agency.Id] = new Cached(agency.SignalRulesJson, rules);
        return rules;
    }

    /// <summary>Forgets an agency's rules; the next call reads them again.</summary>
    /// <param name="agencyId">The agency.</param>
    public void Invalidate(Guid agencyId) => _byAgency.TryRemove(agencyId, out _);

    private SignalRules ParseStored(Agency agency)
    {
        try
        {
            return Parse(agency.SignalRulesJson);
        }
        catch (SignalRulesFileException e)
        {
            // Stored rules were checked when saved; rules that no longer read (after an upgrade, say) must not stop every
            // score from being saved: the defaults apply and the log says so (the agency id and field only).
            LogUnreadableRules(_log, agency.Id, e.Field ?? "(whole file)");
            return SignalRules.Default;
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "The stored feedback rules of agency {AgencyId} cannot be read (field {Field}); the defaults apply until an admin saves them again")]
    private static partial void LogUnreadableRules(ILogger logger, Guid agencyId, string field);
}
