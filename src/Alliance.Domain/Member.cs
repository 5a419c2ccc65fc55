namespace Alliance.Domain;

/// <summary>A person in a case.</summary>
public sealed class Member : IAuditedRecord
{
    string IAuditedRecord.AuditType => "member";
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>Age up to which a member counts as a child (the spreadsheet format's rule: session year minus birth year of 12 or less).</summary>
    public const int ChildAgeLimit = 12;

    private Member() { }

    internal Member(Case c, int position, string displayName, FamilyRole role, int? birthYear, DateTime now)
    {
        Id = Guid.NewGuid();
        Position = position;
        AgencyId = c.AgencyId;
        CaseId = c.Id;
        Update(displayName, role, birthYear, now);
        CreatedAt = now;
    }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The order the member was added in, from 1; the family is listed in this order.</summary>
    public int Position { get; private set; }
    /// <summary>A display name or pseudonym.</summary>
    public string DisplayName { get; private set; } = "";
    /// <summary>Role in the family.</summary>
    public FamilyRole Role { get; private set; }
    /// <summary>Birth year, when known.</summary>
    public int? BirthYear { get; private set; }
    /// <summary>When added (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>Changes the member's details.</summary>
    public void Update(string displayName, FamilyRole role, int? birthYear, DateTime now)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length is 0 or > 80)
            throw new DomainRuleException("displayName", "Give the member a name of 1 to 80 characters.");
        if (!Enum.IsDefined(role))
            throw new DomainRuleException("role", "Choose a family role.");
        if (birthYear is { } y && (y < 1900 || y > now.Year))
            throw new DomainRuleException("birthYear", $"Birth year must be between 1900 and {now.Year}.");
        DisplayName = name;
        Role = role;
        BirthYear = birthYear;
    }

    /// <summary>Age in whole years as of the given year (the year of the session), when the birth year is known.</summary>
    public int? AgeIn(int year) => BirthYear is { } y ? year - y : null;

    /// <summary>True when the member is a child in the given year; members without a birth year count as adults.</summary>
    public bool IsChildIn(int year) => AgeIn(year) is { } age && age <= ChildAgeLimit;
}
