namespace Alliance.Domain;

/// <summary>A family (or one person) in care. Belongs to one agency; has one primary therapist and optionally a co-therapist.</summary>
public sealed class Case : IAuditedRecord
{
    string IAuditedRecord.AuditType => "case";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => Id;

    private readonly List<Member> _members = [];
    private readonly List<Episode> _episodes = [];
    private readonly List<CaseAssignment> _assignments = [];

    private Case() { }

    private Case(Guid agencyId, string name, Guid primaryTherapistId, DateTime now)
    {
        Id = Guid.NewGuid();
        AgencyId = agencyId;
        Name = RequireName(name);
        PrimaryTherapistId = primaryTherapistId;
        CreatedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency the case belongs to.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>How the family is known in the caseload, such as "Marlowe family".</summary>
    public string Name { get; private set; } = "";
    /// <summary>The therapist responsible for the case.</summary>
    public Guid PrimaryTherapistId { get; private set; }
    /// <summary>A second therapist who shares the case, if any.</summary>
    public Guid? CoTherapistId { get; private set; }
    /// <summary>When the case was opened (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>Optimistic concurrency token.</summary>
    public Guid Version { get; private set; } = Guid.NewGuid();

    /// <summary>The family's members.</summary>
    public IReadOnlyList<Member> Members => _members;
    /// <summary>Every course of care, oldest first.</summary>
    public IReadOnlyList<Episode> Episodes => _episodes;
    /// <summary>Changes of primary therapist, oldest first.</summary>
    public IReadOnlyList<CaseAssignment> Assignments => _assignments;

    /// <summary>The current (latest) episode.</summary>
    public Episode CurrentEpisode => _episodes.MaxBy(e => e.Number)
        ?? throw new InvalidOperationException("A case always has an episode.");

    /// <summary>Opens a case with its first episode at referral.</summary>
    public static Case Open(Guid agencyId, string name, Guid primaryTherapistId, Guid? coTherapistId, Guid openedBy, DateTime now)
    {
        var c = new Case(agencyId, name, primaryTherapistId, now);
        c.SetCoTherapist(coTherapistId);
        c._episodes.Add(new Episode(c, 1, openedBy, now));
        return c;
    }

    /// <summary>Renames the case.</summary>
    public void Rename(string name) { Name = RequireName(name); Touch(); }

    /// <summary>Adds a member to the family.</summary>
    public Member AddMember(string displayName, FamilyRole role, int? birthYear, DateTime now)
    {
        var member = new Member(this, _members.Count + 1, displayName, role, birthYear, now);
        _members.Add(member);
        Touch();
        return member;
    }

    /// <summary>Sets or clears the co-therapist; they must differ from the primary therapist.</summary>
    public void SetCoTherapist(Guid? coTherapistId)
    {
        if (coTherapistId == PrimaryTherapistId)
            throw new DomainRuleException("coTherapistId", "The co-therapist must be someone other than the primary therapist.");
        CoTherapistId = coTherapistId;
        Touch();
    }

    /// <summary>Moves the case to another primary therapist, recording who did it, when and why.</summary>
    public CaseAssignment Transfer(Guid toTherapistId, Guid by, string reason, DateTime now)
    {
        if (toTherapistId == PrimaryTherapistId)
            throw new DomainRuleException("therapistId", "The case is already with this therapist.");
        var why = Episode.RequireReason(reason);
        var assignment = new CaseAssignment(this, PrimaryTherapistId, toTherapistId, by, why, now);
        _assignments.Add(assignment);
        PrimaryTherapistId = toTherapistId;
        if (CoTherapistId == toTherapistId) CoTherapistId = null;
        Touch();
        return assignment;
    }

    /// <summary>Starts a new episode at referral after the current one was closed.</summary>
    public Episode Reopen(Guid by, string reason, DateTime now)
    {
        var current = CurrentEpisode;
        if (current.Phase != EpisodePhase.Closed)
            throw new DomainRuleException("phase", "Only a closed case can be reopened; its current episode is still open.");
        var why = Episode.RequireReason(reason);
        var episode = new Episode(this, current.Number + 1, by, now, why);
        _episodes.Add(episode);
        Touch();
        return episode;
    }

    /// <summary>True when the member belongs to this case.</summary>
    public bool HasMember(Guid memberId) => _members.Exists(m => m.Id == memberId);

    /// <summary>True when the staff member is the primary or co-therapist.</summary>
    public bool IsTherapist(Guid staffId) => PrimaryTherapistId == staffId || CoTherapistId == staffId;

    internal void Touch() => Version = Guid.NewGuid();

    private static string RequireName(string name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 120)
            throw new DomainRuleException("name", "Give the family a name of 1 to 120 characters.");
        return trimmed;
    }
}

/// <summary>A change of a case's primary therapist.</summary>
public sealed class CaseAssignment
{
    private CaseAssignment() { }

    internal CaseAssignment(Case c, Guid from, Guid to, Guid by, string reason, DateTime at)
    {
        Id = Guid.NewGuid();
        AgencyId = c.AgencyId;
        CaseId = c.Id;
        FromTherapistId = from;
        ToTherapistId = to;
        ByStaffId = by;
        Reason = reason;
        At = at;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case moved.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The previous primary therapist.</summary>
    public Guid FromTherapistId { get; private set; }
    /// <summary>The new primary therapist.</summary>
    public Guid ToTherapistId { get; private set; }
    /// <summary>Who moved it.</summary>
    public Guid ByStaffId { get; private set; }
    /// <summary>Why.</summary>
    public string Reason { get; private set; } = "";
    /// <summary>When (UTC).</summary>
    public DateTime At { get; private set; }
}
