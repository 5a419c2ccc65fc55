namespace Alliance.Domain;

/// <summary>An organisation using Alliance: the unit of isolation.</summary>
public sealed class Agency
{
    private Agency() { }

    /// <summary>Creates an agency with default working days (Monday to Friday, 08:00 to 18:00).</summary>
    public Agency(string name, string timeZoneId, DateTime createdAt, bool isDemo = false)
    {
        Id = Guid.NewGuid();
        CreatedAt = createdAt;
        IsDemo = isDemo;
        Name = RequireName(name);
        TimeZoneId = RequireTimeZone(timeZoneId);
        WorkingDays = WorkingDaySet.MondayToFriday;
        WorkdayStart = new TimeOnly(8, 0);
        WorkdayEnd = new TimeOnly(18, 0);
        ReviewEverySessions = DefaultReviewEverySessions;
    }

    /// <summary>Sessions between reviews of the work unless the agency says otherwise.</summary>
    public const int DefaultReviewEverySessions = 6;

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency's name.</summary>
    public string Name { get; private set; } = "";
    /// <summary>An IANA time-zone id; sessions are shown and rules about hours are judged in it.</summary>
    public string TimeZoneId { get; private set; } = "UTC";
    /// <summary>Days the agency works.</summary>
    public WorkingDaySet WorkingDays { get; private set; }
    /// <summary>Start of the working day, local time.</summary>
    public TimeOnly WorkdayStart { get; private set; }
    /// <summary>End of the working day, local time.</summary>
    public TimeOnly WorkdayEnd { get; private set; }
    /// <summary>True for the synthetic demo agency.</summary>
    public bool IsDemo { get; private set; }
    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
    /// <summary>
    /// Who a family member can call in a crisis, shown at once, whatever the hour, after an answer that raises a risk
    /// flag (for example PHQ-9 item 9). Plain text, one contact a line, set by the admin.
    /// </summary>
    public string? CrisisContacts { get; private set; }

    /// <summary>
    /// The agency's own numbers for the feedback rules, as the JSON of <c>alliance signals --rules</c>; null keeps every
    /// default. Changes apply from then on; past alerts are not rewritten.
    /// </summary>
    public string? SignalRulesJson { get; private set; }

    /// <summary>Replaces the agency's rule numbers (already validated by the caller).</summary>
    public void SetSignalRules(string? rulesJson)
    {
        if (rulesJson is { Length: > 20_000 })
            throw new DomainRuleException("rules", "The rules are too long.");
        SignalRulesJson = string.IsNullOrWhiteSpace(rulesJson) ? null : rulesJson.Trim();
    }

    /// <summary>A review of the work is proposed every this many held sessions.</summary>
    public int ReviewEverySessions { get; private set; } = DefaultReviewEverySessions;

    /// <summary>True when the agency offers families a follow-up after an ending (it then belongs on the ending checklist).</summary>
    public bool OffersFollowUp { get; private set; }

    /// <summary>Sets how the agency runs the process: how often reviews come and whether it offers follow-up.</summary>
    public void SetProcess(int reviewEverySessions, bool offersFollowUp)
    {
        if (reviewEverySessions is < 2 or > 52)
            throw new DomainRuleException("reviewEverySessions", "Propose a review every 2 to 52 sessions.");
        ReviewEverySessions = reviewEverySessions;
        OffersFollowUp = offersFollowUp;
    }

    /// <summary>Sets the crisis contacts shown to family members.</summary>
    public void SetCrisisContacts(string? contacts)
    {
        var text = contacts?.Trim();
        if (text is { Length: > 2000 })
            throw new DomainRuleException("crisisContacts", "Keep the crisis contacts under 2,000 characters.");
        CrisisContacts = string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>The agency's time zone.</summary>
    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    /// <summary>Changes the agency's settings, keeping them coherent.</summary>
    public void UpdateSettings(string name, string timeZoneId, WorkingDaySet workingDays, TimeOnly start, TimeOnly end)
    {
        var checkedName = RequireName(name);
        var zone = RequireTimeZone(timeZoneId);
        if (workingDays == WorkingDaySet.None)
            throw new DomainRuleException("workingDays", "Choose at least one working day.");
        if (end <= start)
            throw new DomainRuleException("workdayEnd", "The working day must end after it starts.");
        Name = checkedName;
        TimeZoneId = zone;
        WorkingDays = workingDays;
        WorkdayStart = start;
        WorkdayEnd = end;
    }

    /// <summary>Converts a UTC instant to the agency's local time.</summary>
    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);

    /// <summary>Converts the agency's local time to UTC.</summary>
    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZone);

    private static string RequireName(string name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 200)
            throw new DomainRuleException("name", "Give the agency a name of 1 to 200 characters.");
        return trimmed;
    }

    private static string RequireTimeZone(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || !TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out _))
            throw new DomainRuleException("timeZoneId", "Choose a known time zone, such as Europe/London.");
        return id.Trim();
    }
}

/// <summary>A set of weekdays.</summary>
[Flags]
public enum WorkingDaySet
{
    /// <summary>No day.</summary>
    None = 0,
    /// <summary>Monday.</summary>
    Monday = 1,
    /// <summary>Tuesday.</summary>
    Tuesday = 2,
    /// <summary>Wednesday.</summary>
    Wednesday = 4,
    /// <summary>Thursday.</summary>
    Thursday = 8,
    /// <summary>Friday.</summary>
    Friday = 16,
    /// <summary>Saturday.</summary>
    Saturday = 32,
    /// <summary>Sunday.</summary>
    Sunday = 64,
    /// <summary>The usual working week.</summary>
    MondayToFriday = Monday | Tuesday | Wednesday | Thursday | Friday,
}

/// <summary>Conversions between <see cref="DayOfWeek"/> and <see cref="WorkingDaySet"/>.</summary>
public static class WorkingDays
{
    /// <summary>The flag for one day.</summary>
    public static WorkingDaySet Of(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => WorkingDaySet.Monday,
        DayOfWeek.Tuesday => WorkingDaySet.Tuesday,
        DayOfWeek.Wednesday => WorkingDaySet.Wednesday,
        DayOfWeek.Thursday => WorkingDaySet.Thursday,
        DayOfWeek.Friday => WorkingDaySet.Friday,
        DayOfWeek.Saturday => WorkingDaySet.Saturday,
        _ => WorkingDaySet.Sunday,
    };

    /// <summary>True when the set contains the day.</summary>
    public static bool Contains(this WorkingDaySet set, DayOfWeek day) => (set & Of(day)) != 0;
}
