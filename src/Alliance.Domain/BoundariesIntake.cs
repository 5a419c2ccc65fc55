namespace Alliance.Domain;

/// <summary>
/// A fact about referrals the agency chooses to record (for example funding source, or a neighbourhood band), with the
/// values it may take. Intake decisions carry one value of each; the selection comparison reads them.
/// </summary>
public sealed class ReferralField
{
    private ReferralField() { }

    /// <summary>Defines an attribute.</summary>
    public ReferralField(Guid agencyId, string name, IEnumerable<string> values, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(values);
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        var n = name?.Trim() ?? "";
        if (n.Length is 0 or > 60)
            throw new DomainRuleException("name", "Name the attribute in 1 to 60 characters.");
        Name = n;
        var list = values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (list.Count is < 2 or > 20 || list.Any(v => v.Length > 60 || v.Contains('|', StringComparison.Ordinal)))
            throw new DomainRuleException("values", "Give 2 to 20 values, one a line, each up to 60 characters.");
        Values = string.Join('|', list);
        CreatedAt = now;
        IsActive = true;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>Its name.</summary>
    public string Name { get; private set; } = "";
    /// <summary>The allowed values, separated by '|'.</summary>
    public string Values { get; private set; } = "";
    /// <summary>When defined (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>False once the agency stops recording it (its past values stay).</summary>
    public bool IsActive { get; private set; }

    /// <summary>The allowed values.</summary>
    public IReadOnlyList<string> AllowedValues => Values.Split('|');

    /// <summary>Stops recording it.</summary>
    public void Retire() => IsActive = false;
}

/// <summary>What a therapist did with a referral offered to them.</summary>
public enum IntakeOutcome
{
    /// <summary>Took the family on.</summary>
    Accepted,
    /// <summary>Declined it.</summary>
    Declined,
    /// <summary>Passed it to a colleague.</summary>
    Transferred,
}

/// <summary>A referral offered to a therapist and what they decided, with the reason and the referral's attributes.</summary>
public sealed class IntakeDecision : IAuditedRecord
{
    string IAuditedRecord.AuditType => "intake-decision";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    private IntakeDecision() { }

    /// <summary>Records a decision; every active attribute needs one of its values.</summary>
    public IntakeDecision(Guid agencyId, Guid therapistId, Guid? caseId, string referral, IntakeOutcome outcome, string reason,
        IReadOnlyDictionary<ReferralField, string> attributes, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (!Enum.IsDefined(outcome))
            throw new DomainRuleException("outcome", "Choose accepted, declined or transferred.");
        var label = referral?.Trim() ?? "";
        if (label.Length is 0 or > 120)
            throw new DomainRuleException("referral", "Name the referral in 1 to 120 characters (a reference, not the family's details).");
        var why = reason?.Trim() ?? "";
        if (why.Length is 0 or > 500)
            throw new DomainRuleException("reason", "Give the reason in 1 to 500 characters.");
        var pairs = new List<string>();
        foreach (var (attribute, value) in attributes)
        {
            var match = attribute.AllowedValues.FirstOrDefault(v => string.Equals(v, value?.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new DomainRuleException("attributes", $"Choose one of the values of {attribute.Name}.");
            pairs.Add($"{attribute.Id:N}={match}");
        }
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        TherapistId = therapistId;
        CaseId = caseId;
        Referral = label;
        Outcome = outcome;
        Reason = why;
        AttributeValues = string.Join('|', pairs);
        DecidedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The therapist who decided.</summary>
    public Guid TherapistId { get; private set; }
    /// <summary>The case opened for it, if any.</summary>
    public Guid? CaseId { get; private set; }
    /// <summary>The referral's reference.</summary>
    public string Referral { get; private set; } = "";
    /// <summary>Accepted, declined or transferred.</summary>
    public IntakeOutcome Outcome { get; private set; }
    /// <summary>Why.</summary>
    public string Reason { get; private set; } = "";
    /// <summary>The attributes' values, <c>attributeId=value</c> separated by '|'.</summary>
    public string AttributeValues { get; private set; } = "";
    /// <summary>When (UTC).</summary>
    public DateTime DecidedAt { get; private set; }

    /// <summary>The value recorded for each attribute id.</summary>
    public IReadOnlyDictionary<Guid, string> Values => AttributeValues.Split('|', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2)).ToDictionary(p => Guid.Parse(p[0]), p => p[1]);
}
