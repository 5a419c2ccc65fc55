using Alliance.Data.Auditing;

namespace Alliance.Data;

/// <summary>
/// Who the database is working for. Every query over client data is scoped to <see cref="AgencyId"/>;
/// with neither an agency nor operator standing, queries over client data return nothing.
/// </summary>
public interface ITenantContext
{
    /// <summary>The signed-in person's agency, if any.</summary>
    Guid? AgencyId { get; }

    /// <summary>True for the command line acting as operator of the whole database.</summary>
    bool IsOperator { get; }

    /// <summary>Who is acting, as the audit trail records it.</summary>
    AuditActor Actor { get; }
}

/// <summary>A fixed tenant: one agency, or the operator of the whole database.</summary>
public sealed record FixedTenant(Guid? AgencyId, bool IsOperator, AuditActor? ActingAs = null) : ITenantContext
{
    /// <summary>The operator: sees every agency (command line, start-up seeding, migrations).</summary>
    public static FixedTenant Operator { get; } = new(null, true, AuditActor.Operator(Environment.UserName));

    /// <summary>Works for one agency.</summary>
    public static FixedTenant For(Guid agencyId) => new(agencyId, false);

    /// <inheritdoc />
    public AuditActor Actor => ActingAs ?? AuditActor.System;
}
