namespace Alliance.Domain;

/// <summary>A supervisor's responsibility for a supervisee, from a date until it ends.</summary>
public sealed class SupervisionLine
{
    private SupervisionLine() { }

    /// <summary>Starts a supervision line.</summary>
    public SupervisionLine(Guid agencyId, Guid supervisorId, Guid superviseeId, DateTime now)
    {
        if (supervisorId == superviseeId)
            throw new DomainRuleException("superviseeId", "A person cannot supervise themselves.");
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        SupervisorId = supervisorId;
        SuperviseeId = superviseeId;
        StartedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The supervisor.</summary>
    public Guid SupervisorId { get; private set; }
    /// <summary>The supervisee.</summary>
    public Guid SuperviseeId { get; private set; }
    /// <summary>When it started (UTC).</summary>
    public DateTime StartedAt { get; private set; }
    /// <summary>When it ended (UTC), if it has.</summary>
    public DateTime? EndedAt { get; private set; }

    /// <summary>True while the line is in force.</summary>
    public bool IsCurrent => EndedAt is null;

    /// <summary>Ends the line; the history stays.</summary>
    public void End(DateTime now)
    {
        if (EndedAt is not null)
            throw new DomainRuleException("superviseeId", "This supervision has already ended.");
        EndedAt = now;
    }
}

/// <summary>
/// A one-time link for a staff member to set their password. Only a hash of the token is stored;
/// the token itself is shown once, to whoever issued it.
/// </summary>
public sealed class PasswordSetupToken
{
    private PasswordSetupToken() { }

    /// <summary>Creates a token record from the hash of a freshly drawn secret.</summary>
    public PasswordSetupToken(Guid agencyId, Guid staffId, string tokenHash, DateTime now, TimeSpan lifetime)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        StaffId = staffId;
        TokenHash = tokenHash;
        CreatedAt = now;
        ExpiresAt = now + lifetime;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The staff member.</summary>
    public Guid StaffId { get; private set; }
    /// <summary>SHA-256 of the token, hex.</summary>
    public string TokenHash { get; private set; } = "";
    /// <summary>When issued (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>When it stops working (UTC).</summary>
    public DateTime ExpiresAt { get; private set; }
    /// <summary>When it was used (UTC), if it was.</summary>
    public DateTime? UsedAt { get; private set; }

    /// <summary>True when the token can still be used.</summary>
    public bool IsUsable(DateTime now) => UsedAt is null && now < ExpiresAt;

    /// <summary>Marks the token used.</summary>
    public void Use(DateTime now)
    {
        if (!IsUsable(now)) throw new DomainRuleException("token", "This link has been used or has expired.");
        UsedAt = now;
    }
}
