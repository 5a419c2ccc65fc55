using Alliance.Domain;

namespace Alliance.Boundaries;

/// <summary>
/// Time beyond therapeutic need, beyond the feedback engine's session-overrun rule: sessions more frequent or longer
/// than the plan recorded at the first visit, more sessions than planned, one family's share of the therapist's hours
/// far above its share of clinical need, and contact outside the agency's own working days and hours. Extending time
/// for one client is among the earliest signs of boundary erosion (Gutheil and Gabbard, 1993, American Journal of
/// Psychiatry 150(2), 188-196); every threshold is an agency-adjustable starting point.
/// </summary>
public static class TimeBeyondNeed
{
    /// <summary>
    /// Checks one case's held sessions against its plan: more frequent than planned in the recent window, more sessions
    /// than planned in all, and repeatedly longer than planned.
    /// </summary>
    /// <param name="input">The case, its plan and its held sessions (any order; sessions after <paramref name="asOfUtc"/> are ignored).</param>
    /// <param name="asOfUtc">The moment the check is made (UTC), normally from the injected TimeProvider.</param>
    /// <param name="settings">The thresholds; <see cref="TimeBeyondNeedSettings.Default"/> when null.</param>
    /// <exception cref="DomainRuleException">The plan or a setting is out of range; the field names it.</exception>
    public static IReadOnlyList<BoundaryFinding> FindForCase(CaseSessionsInput input, DateTime asOfUtc, TimeBeyondNeedSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        settings ??= TimeBeyondNeedSettings.Default;
        settings.Validate();
        input.Plan.Validate();

        var held = input.Sessions.Where(s => s.StartUtc <= asOfUtc).OrderBy(s => s.StartUtc).ToList();
        var findings = new List<BoundaryFinding>(3);

        // (a) More frequent than planned: held sessions in (asOf − window, asOf] against the plan's allowance.
        var windowStart = asOfUtc.AddDays(-settings.FrequencyWindowDays);
        int inWindow = held.Count(s => s.StartUtc > windowStart);
        int allowed = (settings.FrequencyWindowDays + input.Plan.EveryDays - 1) / input.Plan.EveryDays;
        if (inWindow > allowed + settings.ExtraSessionsTolerance)
        {
            findings.Add(new SessionsMoreFrequentThanPlanFinding(
                input.CaseId, input.Plan, DateOnly.FromDateTime(windowStart), DateOnly.FromDateTime(asOfUtc),
                settings.FrequencyWindowDays, inWindow, allowed, settings.ExtraSessionsTolerance));
        }

        // More sessions in all than the number planned.
        if (input.Plan.PlannedSessions is { } planned && held.Count > planned + settings.PlannedNumberTolerance)
        {
            findings.Add(new SessionsBeyondPlannedNumberFinding(input.CaseId, planned, held.Count, settings.PlannedNumberTolerance));
        }

        // (b) Longer than planned: among the latest sessions, enough ran more than the tolerance past the plan's minutes.
        var latest = held.Skip(Math.Max(0, held.Count - settings.LongerWindow)).ToList();
        int limit = input.Plan.MinutesPerSession + settings.LongerMinutes;
        int longer = latest.Count(s => s.ActualMinutes > limit);
        if (longer >= settings.LongerCount)
        {
            findings.Add(new SessionsLongerThanPlanFinding(
                input.CaseId, input.Plan.MinutesPerSession, settings.LongerMinutes, longer, latest.Count, latest));
        }

        return findings;
    }

    /// <summary>
    /// The window over which a therapist's minutes per family are summed for <see cref="FindFamilyShare"/>:
    /// (asOf − <see cref="TimeBeyondNeedSettings.ShareWindowDays"/> days, asOf].
    /// </summary>
    /// <param name="asOfUtc">The moment the check is made (UTC).</param>
    /// <param name="settings">The thresholds; the defaults when null.</param>
    public static (DateTime FromUtc, DateTime ToUtc) ShareWindow(DateTime asOfUtc, TimeBeyondNeedSettings? settings = null) =>
        (asOfUtc.AddDays(-(settings ?? TimeBeyondNeedSettings.Default).ShareWindowDays), asOfUtc);

    /// <summary>
    /// Finds the families of one therapist whose share of the therapist's hours is far above their share of clinical
    /// need: share ≥ ratio × expected share, and share ≥ the minimum share, when the therapist has enough active families.
    /// Expected share = the family's need weight / the sum of the need weights of all the therapist's active families.
    /// </summary>
    /// <param name="therapistId">The therapist.</param>
    /// <param name="families">Every active family of the therapist, with its minutes over <see cref="ShareWindow"/>.</param>
    /// <param name="settings">The thresholds; <see cref="TimeBeyondNeedSettings.Default"/> when null.</param>
    /// <exception cref="DomainRuleException">Minutes are negative or a setting is out of range; the field names it.</exception>
    public static IReadOnlyList<FamilyShareOfHoursFinding> FindFamilyShare(
        Guid therapistId, IReadOnlyCollection<FamilyTimeInput> families, TimeBeyondNeedSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(families);
        settings ??= TimeBeyondNeedSettings.Default;
        settings.Validate();
        decimal totalMinutes = 0, totalWeight = 0;
        foreach (var family in families)
        {
            if (family.SessionMinutes < 0 || family.ContactMinutes < 0)
                throw new DomainRuleException("minutes", "Minutes cannot be negative.");
            totalMinutes += family.Minutes;
            totalWeight += settings.NeedWeights.Of(family.Need);
        }

        if (families.Count < settings.ShareMinFamilies || totalMinutes == 0)
        {
            return [];
        }

        var findings = new List<FamilyShareOfHoursFinding>();
        foreach (var family in families)
        {
            decimal weight = settings.NeedWeights.Of(family.Need);
            decimal minutes = family.Minutes;
            // share ≥ ratio × expected  ⇔  minutes × Σweights ≥ ratio × weight × total minutes (exact in decimal).
            if (minutes * totalWeight >= settings.ShareRatio * weight * totalMinutes && minutes >= settings.ShareMinimum * totalMinutes)
            {
                findings.Add(new FamilyShareOfHoursFinding(
                    therapistId, family.CaseId, family.Need, weight, family.Minutes, (int)totalMinutes,
                    minutes / totalMinutes, weight / totalWeight, families.Count, settings.ShareWindowDays, settings.ShareRatio));
            }
        }

        return findings;
    }

    /// <summary>
    /// Finds contacts outside the agency's working days and hours, judged in the agency's time zone (daylight saving
    /// included). By default only contacts the therapist initiated count.
    /// </summary>
    /// <param name="contacts">Contacts between sessions, times in UTC.</param>
    /// <param name="hours">The agency's working days, hours and time zone.</param>
    /// <param name="settings">The thresholds; <see cref="TimeBeyondNeedSettings.Default"/> when null.</param>
    /// <exception cref="DomainRuleException">The hours or time zone are not coherent; the field names it.</exception>
    public static IReadOnlyList<ContactOutsideAgencyHoursFinding> FindOutOfHours(
        IEnumerable<ContactInput> contacts, AgencyHours hours, TimeBeyondNeedSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        ArgumentNullException.ThrowIfNull(hours);
        settings ??= TimeBeyondNeedSettings.Default;
        settings.Validate();
        var zone = hours.Validate();
        var findings = new List<ContactOutsideAgencyHoursFinding>();
        foreach (var contact in contacts.OrderBy(c => c.AtUtc))
        {
            if (!contact.TherapistInitiated && !settings.IncludeClientInitiated)
            {
                continue;
            }

            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(contact.AtUtc, DateTimeKind.Utc), zone);
            var time = TimeOnly.FromDateTime(local);
            bool workingDay = hours.Days.Contains(local.DayOfWeek);
            if (!workingDay || time < hours.Start || time >= hours.End)
            {
                findings.Add(new ContactOutsideAgencyHoursFinding(contact.ContactId, contact.CaseId, local, workingDay, contact.TherapistInitiated, hours));
            }
        }

        return findings;
    }
}

/// <summary>The plan recorded at the first visit.</summary>
/// <param name="EveryDays">Sessions every this many days (7 for weekly, 14 for fortnightly).</param>
/// <param name="MinutesPerSession">The planned length of a session, in minutes.</param>
/// <param name="PlannedSessions">The planned number of sessions, if one was set.</param>
public sealed record SessionPlan(int EveryDays, int MinutesPerSession, int? PlannedSessions = null)
{
    /// <summary>A plan of sessions every <paramref name="weeks"/> weeks.</summary>
    /// <param name="weeks">Weeks between sessions.</param>
    /// <param name="minutesPerSession">The planned length of a session.</param>
    /// <param name="plannedSessions">The planned number of sessions, if set.</param>
    public static SessionPlan EveryWeeks(int weeks, int minutesPerSession, int? plannedSessions = null) =>
        new(weeks * 7, minutesPerSession, plannedSessions);

    /// <summary>Checks the plan, naming the first field out of range.</summary>
    /// <exception cref="DomainRuleException">A field is out of range.</exception>
    public void Validate()
    {
        if (EveryDays is < 1 or > 366)
            throw new DomainRuleException("everyDays", "Sessions must be planned every 1 to 366 days.");
        if (MinutesPerSession is < 1 or > 600)
            throw new DomainRuleException("minutesPerSession", "A session must be planned at 1 to 600 minutes.");
        if (PlannedSessions is < 1)
            throw new DomainRuleException("plannedSessions", "The planned number of sessions must be 1 or more.");
    }
}

/// <summary>A held session of a case.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="StartUtc">When it started (UTC).</param>
/// <param name="ActualMinutes">How long it actually ran, if recorded.</param>
public readonly record struct HeldSession(Guid SessionId, DateTime StartUtc, int? ActualMinutes);

/// <summary>A case with its plan and its held sessions (cancelled and missed sessions are left out by the caller).</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Plan">The plan recorded at the first visit.</param>
/// <param name="Sessions">Its held sessions.</param>
public sealed record CaseSessionsInput(Guid CaseId, SessionPlan Plan, IReadOnlyList<HeldSession> Sessions);

/// <summary>A family's time with the therapist over the share window, and its clinical need.</summary>
/// <param name="CaseId">The family's case.</param>
/// <param name="SessionMinutes">Minutes of held sessions in the window.</param>
/// <param name="ContactMinutes">Minutes of contacts between sessions in the window.</param>
/// <param name="Need">The need band, from the latest outcome rating (see <see cref="NeedBand"/>).</param>
public readonly record struct FamilyTimeInput(Guid CaseId, int SessionMinutes, int ContactMinutes, NeedBand Need)
{
    /// <summary>Session and contact minutes together.</summary>
    public int Minutes => SessionMinutes + ContactMinutes;
}

/// <summary>
/// A family's clinical need, from the severity of its latest outcome rating. The caller maps its instrument onto the
/// bands; for the ORS (0-40, clinical cut-off 25; Miller et al., 2003) a reasonable mapping is: 25 or more
/// <see cref="NonClinical"/>, 20-24.9 <see cref="Mild"/>, 10-19.9 <see cref="Moderate"/>, below 10 <see cref="Severe"/>;
/// no rating yet, <see cref="NotMeasured"/>. For a family, the member with the most need decides.
/// </summary>
public enum NeedBand
{
    /// <summary>No outcome rating yet.</summary>
    NotMeasured,

    /// <summary>On the non-clinical side of the cut-off.</summary>
    NonClinical,

    /// <summary>Just past the cut-off.</summary>
    Mild,

    /// <summary>Clearly in the clinical range.</summary>
    Moderate,

    /// <summary>Far into the clinical range.</summary>
    Severe,
}

/// <summary>
/// The relative weight of each need band in the expected share of a therapist's hours. Defaults: not measured 1,
/// non-clinical 0.5, mild 1, moderate 1.5, severe 2: more need, proportionally more time, within a factor of four from
/// least to most. A simple, agency-adjustable starting point, not a published scale.
/// </summary>
public sealed record NeedWeights
{
    /// <summary>Weight of a family without an outcome rating yet. Default 1 (treated as typical).</summary>
    public decimal NotMeasured { get; init; } = 1m;

    /// <summary>Weight of a non-clinical family. Default 0.5.</summary>
    public decimal NonClinical { get; init; } = 0.5m;

    /// <summary>Weight of a mild family. Default 1.</summary>
    public decimal Mild { get; init; } = 1m;

    /// <summary>Weight of a moderate family. Default 1.5.</summary>
    public decimal Moderate { get; init; } = 1.5m;

    /// <summary>Weight of a severe family. Default 2.</summary>
    public decimal Severe { get; init; } = 2m;

    /// <summary>The weight of a band.</summary>
    /// <param name="band">The band.</param>
    public decimal Of(NeedBand band) => band switch
    {
        NeedBand.NonClinical => NonClinical,
        NeedBand.Mild => Mild,
        NeedBand.Moderate => Moderate,
        NeedBand.Severe => Severe,
        _ => NotMeasured,
    };

    internal void Validate()
    {
        if (NotMeasured <= 0 || NonClinical <= 0 || Mild <= 0 || Moderate <= 0 || Severe <= 0)
            throw new DomainRuleException("needWeights", "Every need weight must be more than 0.");
    }
}

/// <summary>A contact between sessions.</summary>
/// <param name="ContactId">The contact.</param>
/// <param name="CaseId">Its case.</param>
/// <param name="AtUtc">When it happened (UTC).</param>
/// <param name="TherapistInitiated">Whether the therapist started it.</param>
public readonly record struct ContactInput(Guid ContactId, Guid CaseId, DateTime AtUtc, bool TherapistInitiated);

/// <summary>The agency's working days and hours, in its own time zone.</summary>
/// <param name="TimeZoneId">An IANA time-zone id, such as "Europe/London".</param>
/// <param name="Days">The working days.</param>
/// <param name="Start">Start of the working day, local time (inclusive).</param>
/// <param name="End">End of the working day, local time (exclusive).</param>
public sealed record AgencyHours(string TimeZoneId, WorkingDaySet Days, TimeOnly Start, TimeOnly End)
{
    /// <summary>The agency's own settings.</summary>
    /// <param name="agency">The agency.</param>
    public static AgencyHours Of(Agency agency)
    {
        ArgumentNullException.ThrowIfNull(agency);
        return new AgencyHours(agency.TimeZoneId, agency.WorkingDays, agency.WorkdayStart, agency.WorkdayEnd);
    }

    internal TimeZoneInfo Validate()
    {
        if (string.IsNullOrWhiteSpace(TimeZoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZoneId.Trim(), out var zone))
            throw new DomainRuleException("timeZoneId", "Choose a known time zone, such as Europe/London.");
        if (Days == WorkingDaySet.None)
            throw new DomainRuleException("workingDays", "Choose at least one working day.");
        if (End <= Start)
            throw new DomainRuleException("workdayEnd", "The working day must end after it starts.");
        return zone;
    }
}

/// <summary>The thresholds of <see cref="TimeBeyondNeed"/>; an agency can change each. All are agency-adjustable starting points.</summary>
public sealed record TimeBeyondNeedSettings
{
    /// <summary>The defaults.</summary>
    public static TimeBeyondNeedSettings Default { get; } = new();

    /// <summary>More frequent than planned: the window looked at, in days. Default 28: four weekly sessions, long enough to show a pattern.</summary>
    public int FrequencyWindowDays { get; init; } = 28;

    /// <summary>
    /// More frequent than planned: sessions allowed beyond the plan's allowance (window ÷ interval, rounded up).
    /// Default 1: one extra session can be a crisis or a rescheduled appointment; two are a pattern.
    /// </summary>
    public int ExtraSessionsTolerance { get; init; } = 1;

    /// <summary>More sessions than planned: sessions allowed beyond the planned number. Default 0: reaching the plan is the moment to review it.</summary>
    public int PlannedNumberTolerance { get; init; }

    /// <summary>
    /// Longer than planned: minutes past the plan's length beyond which a session counts as longer. Default 15, as the
    /// feedback engine's overrun rule (Gutheil and Gabbard, 1993); a session exactly 15 minutes longer does not count.
    /// </summary>
    public int LongerMinutes { get; init; } = 15;

    /// <summary>Longer than planned: how many of the latest sessions must be longer. Default 3 (of 5): repeated, not a one-off.</summary>
    public int LongerCount { get; init; } = 3;

    /// <summary>Longer than planned: how many of the latest held sessions are looked at. Default 5.</summary>
    public int LongerWindow { get; init; } = 5;

    /// <summary>Share of hours: the window over which minutes are summed, in days. Default 90: a quarter, long enough to smooth a crisis week.</summary>
    public int ShareWindowDays { get; init; } = 90;

    /// <summary>Share of hours: a family is flagged at this multiple of its expected share or more. Default 2 (twice what its need suggests).</summary>
    public decimal ShareRatio { get; init; } = 2m;

    /// <summary>Share of hours: and only at this share of the therapist's hours or more. Default 0.15: small caseload shares are not worth a flag.</summary>
    public decimal ShareMinimum { get; init; } = 0.15m;

    /// <summary>Share of hours: only for a therapist with at least this many active families. Default 5: with fewer, shares are naturally large.</summary>
    public int ShareMinFamilies { get; init; } = 5;

    /// <summary>Share of hours: the weights of the need bands.</summary>
    public NeedWeights NeedWeights { get; init; } = new();

    /// <summary>
    /// Out of hours: whether contacts the client started count too. Default false, as the feedback engine: a client may
    /// write at any hour; the therapist's answering then is what the therapist initiates.
    /// </summary>
    public bool IncludeClientInitiated { get; init; }

    /// <summary>Checks every threshold, naming the first out of range.</summary>
    /// <exception cref="DomainRuleException">A threshold is out of range.</exception>
    public void Validate()
    {
        if (FrequencyWindowDays is < 1 or > 366)
            throw new DomainRuleException("frequencyWindowDays", "The frequency window must be 1 to 366 days.");
        if (ExtraSessionsTolerance < 0)
            throw new DomainRuleException("extraSessionsTolerance", "The extra sessions allowed must be 0 or more.");
        if (PlannedNumberTolerance < 0)
            throw new DomainRuleException("plannedNumberTolerance", "The sessions allowed beyond the plan must be 0 or more.");
        if (LongerMinutes < 0)
            throw new DomainRuleException("longerMinutes", "The minutes past the plan must be 0 or more.");
        if (LongerWindow < 1)
            throw new DomainRuleException("longerWindow", "The number of sessions looked at must be 1 or more.");
        if (LongerCount < 1 || LongerCount > LongerWindow)
            throw new DomainRuleException("longerCount", "The number of longer sessions must be between 1 and the number looked at.");
        if (ShareWindowDays is < 1 or > 366)
            throw new DomainRuleException("shareWindowDays", "The share window must be 1 to 366 days.");
        if (ShareRatio < 1)
            throw new DomainRuleException("shareRatio", "The share ratio must be 1 or more.");
        if (ShareMinimum is < 0 or > 1)
            throw new DomainRuleException("shareMinimum", "The minimum share must be between 0 and 1.");
        if (ShareMinFamilies < 2)
            throw new DomainRuleException("shareMinFamilies", "The minimum number of families must be 2 or more.");
        ArgumentNullException.ThrowIfNull(NeedWeights);
        NeedWeights.Validate();
    }
}
