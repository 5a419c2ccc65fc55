using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Boundaries;

/// <summary>A referral attribute the agency records, with its values.</summary>
public sealed record ReferralFieldView(Guid Id, string Name, IReadOnlyList<string> Values, bool IsActive);

/// <summary>Defining an attribute: its name and its values (one a line).</summary>
public sealed record DefineReferralFieldCommand(string Name, IReadOnlyList<string> Values);

/// <summary>Recording what the therapist did with a referral offered to them; values by attribute id.</summary>
public sealed record RecordIntakeCommand(string Referral, IntakeOutcome Outcome, string Reason, IReadOnlyDictionary<Guid, string> Values, Guid? CaseId = null);

/// <summary>A decision as its therapist reads it.</summary>
public sealed record IntakeView(Guid Id, string Referral, IntakeOutcome Outcome, string Reason, IReadOnlyDictionary<string, string> Values, DateTime DecidedAt);

/// <summary>One decision as the selection comparison reads it: the therapist, accepted or not, and the attributes' values.</summary>
public sealed record IntakeRow(Guid TherapistId, bool Accepted, IReadOnlyDictionary<Guid, string> Values);

/// <summary>
/// Intake decisions and the referral attributes the agency chooses to record. The admin defines the attributes; each
/// therapist records what they did with the referrals offered to them. The comparison over these decisions reaches
/// the supervisor only.
/// </summary>
public sealed class IntakeWork(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The agency's attributes, active ones first.</summary>
    public async Task<IReadOnlyList<ReferralFieldView>> FieldsAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var fields = await db.ReferralFields.AsNoTracking().Where(f => f.AgencyId == actor.AgencyId)
            .OrderByDescending(f => f.IsActive).ThenBy(f => f.Name).ToListAsync(ct).ConfigureAwait(false);
        return fields.Select(f => new ReferralFieldView(f.Id, f.Name, f.AllowedValues, f.IsActive)).ToList();
    }

    /// <summary>The admin defines an attribute.</summary>
    public async Task<Guid> DefineAsync(Actor actor, DefineReferralFieldCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        if (!actor.IsAdmin) throw new RecordNotFoundException();
        if (await db.ReferralFields.AnyAsync(f => f.AgencyId == actor.AgencyId && f.IsActive && f.Name == command.Name.Trim(), ct).ConfigureAwait(false))
            throw new DomainRuleException("name", "The agency already records an attribute of this name.");
        var field = new ReferralField(actor.AgencyId, command.Name, command.Values ?? [], clock.GetUtcNow().UtcDateTime);
        db.ReferralFields.Add(field);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return field.Id;
    }

    /// <summary>The admin stops recording an attribute; its past values stay.</summary>
    public async Task RetireAsync(Actor actor, Guid fieldId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin) throw new RecordNotFoundException();
        var field = await db.ReferralFields.SingleOrDefaultAsync(f => f.Id == fieldId && f.AgencyId == actor.AgencyId, ct).ConfigureAwait(false)
            ?? throw new RecordNotFoundException();
        field.Retire();
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A therapist records a decision on a referral offered to them; every active attribute needs a value.</summary>
    public async Task<Guid> RecordAsync(Actor actor, RecordIntakeCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(command);
        if (command.CaseId is { } caseId && !await db.VisibleCases(actor, CasePurpose.Write).AnyAsync(c => c.Id == caseId, ct).ConfigureAwait(false))
            throw new RecordNotFoundException();
        var fields = await db.ReferralFields.Where(f => f.AgencyId == actor.AgencyId && f.IsActive).ToListAsync(ct).ConfigureAwait(false);
        var values = new Dictionary<ReferralField, string>();
        foreach (var f in fields)
        {
            if (command.Values is null || !command.Values.TryGetValue(f.Id, out var v) || string.IsNullOrWhiteSpace(v))
                throw new DomainRuleException("values", $"Choose a value for {f.Name}.");
            values[f] = v;
        }
        var decision = new IntakeDecision(actor.AgencyId, actor.StaffId, command.CaseId, command.Referral, command.Outcome, command.Reason, values, clock.GetUtcNow().UtcDateTime);
        db.IntakeDecisions.Add(decision);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        return decision.Id;
    }

    /// <summary>The therapist's own decisions, newest first.</summary>
    public async Task<IReadOnlyList<IntakeView>> MineAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var names = await db.ReferralFields.Where(f => f.AgencyId == actor.AgencyId).ToDictionaryAsync(f => f.Id, f => f.Name, ct).ConfigureAwait(false);
        var rows = await db.IntakeDecisions.AsNoTracking().Where(d => d.TherapistId == actor.StaffId)
            .OrderByDescending(d => d.DecidedAt).Take(200).ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(d => new IntakeView(d.Id, d.Referral, d.Outcome, d.Reason,
            d.Values.ToDictionary(p => names.GetValueOrDefault(p.Key, "—"), p => p.Value), d.DecidedAt)).ToList();
    }

    /// <summary>Every decision of the therapists, as the selection comparison reads them.</summary>
    public async Task<IReadOnlyList<IntakeRow>> RowsAsync(Guid agencyId, IReadOnlyCollection<Guid> therapists, CancellationToken ct)
    {
        var rows = await db.IntakeDecisions.AsNoTracking().Where(d => d.AgencyId == agencyId && therapists.Contains(d.TherapistId))
            .ToListAsync(ct).ConfigureAwait(false);
        return rows.Select(d => new IntakeRow(d.TherapistId, d.Outcome == IntakeOutcome.Accepted, d.Values)).ToList();
    }
}
