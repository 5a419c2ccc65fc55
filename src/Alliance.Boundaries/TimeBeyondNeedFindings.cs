using System.Globalization;
using Alliance.Domain;

namespace Alliance.Boundaries;

/// <summary>More held sessions in the recent window than the plan recorded at the first visit allows.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Plan">The plan.</param>
/// <param name="WindowFrom">First day of the window (UTC date; the window runs from just after this moment).</param>
/// <param name="WindowTo">Last day of the window (UTC date).</param>
/// <param name="WindowDays">The window's length in days.</param>
/// <param name="HeldSessions">Held sessions in the window.</param>
/// <param name="PlannedSessions">Sessions the plan allows in the window (window ÷ interval, rounded up).</param>
/// <param name="Tolerance">Extra sessions allowed before a flag.</param>
public sealed record SessionsMoreFrequentThanPlanFinding(
    Guid CaseId, SessionPlan Plan, DateOnly WindowFrom, DateOnly WindowTo, int WindowDays, int HeldSessions, int PlannedSessions, int Tolerance)
    : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.SessionsMoreFrequentThanPlan;

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("Window", $"{Date(WindowFrom)} to {Date(WindowTo)} ({Num(WindowDays)} days)"),
        new("Plan", $"every {Num(Plan.EveryDays)} days"),
        new("Sessions the plan allows in the window", Num(PlannedSessions)),
        new("Extra sessions tolerated", Num(Tolerance)),
        new("Sessions held in the window", Num(HeldSessions)),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"In the last {Num(WindowDays)} days this case had {Num(HeldSessions)} sessions; the plan recorded at the first " +
        $"visit (a session every {Num(Plan.EveryDays)} days) allows {Num(PlannedSessions)}.";

    /// <inheritdoc />
    public override string WhatToConsider =>
        "Did the family's need change (a crisis, a risk), and was the plan revisited with them? Or have extra sessions " +
        "crept in? If the need has changed, record a new plan; if not, is this case taking time that others need?";
}

/// <summary>More held sessions in total than the number planned at the first visit.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="PlannedSessions">The planned number.</param>
/// <param name="HeldSessions">Sessions held so far.</param>
/// <param name="Tolerance">Sessions allowed beyond the plan before a flag.</param>
public sealed record SessionsBeyondPlannedNumberFinding(Guid CaseId, int PlannedSessions, int HeldSessions, int Tolerance) : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.SessionsBeyondPlannedNumber;

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("Sessions planned", Num(PlannedSessions)),
        new("Sessions held", Num(HeldSessions)),
        new("Sessions tolerated beyond the plan", Num(Tolerance)),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"This case has had {Num(HeldSessions)} sessions; {Num(PlannedSessions)} were planned at the first visit.";

    /// <inheritdoc />
    public override string WhatToConsider =>
        "Was continuing agreed with the family and recorded, with a reason their outcome ratings support? " +
        "Or is ending hard, for them or for the therapist? An ending planned together is part of good care: has one been discussed?";
}

/// <summary>Held sessions repeatedly longer than the plan's minutes.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="PlannedMinutes">The plan's minutes per session.</param>
/// <param name="ToleranceMinutes">Minutes past the plan tolerated.</param>
/// <param name="LongerSessions">How many of the looked-at sessions ran longer.</param>
/// <param name="SessionsLookedAt">How many latest sessions were looked at.</param>
/// <param name="Sessions">The sessions looked at, oldest first (the last is the latest).</param>
public sealed record SessionsLongerThanPlanFinding(
    Guid CaseId, int PlannedMinutes, int ToleranceMinutes, int LongerSessions, int SessionsLookedAt, IReadOnlyList<HeldSession> Sessions)
    : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.SessionsLongerThanPlan;

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("Planned minutes", Num(PlannedMinutes)),
        new("Minutes past the plan tolerated", Num(ToleranceMinutes)),
        new("Longer sessions", $"{Num(LongerSessions)} of the latest {Num(SessionsLookedAt)}"),
        .. Sessions.Select(s => new EvidenceItem(
            Date(DateOnly.FromDateTime(s.StartUtc)),
            s.ActualMinutes is { } m ? Num(m) + " minutes" : "length not recorded")),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"{Num(LongerSessions)} of this case's latest {Num(SessionsLookedAt)} sessions ran more than {Num(ToleranceMinutes)} " +
        $"minutes past the {Num(PlannedMinutes)} minutes planned at the first visit.";

    /// <inheritdoc />
    public override string WhatToConsider =>
        "What happens at the end of these sessions: is important material arriving late, or is it hard to close? " +
        "Would a planned longer session, recorded as such, serve the family better? Does this happen with other families?";
}

/// <summary>One family takes a share of the therapist's hours far above its share of clinical need.</summary>
/// <param name="TherapistId">The therapist.</param>
/// <param name="CaseId">The family's case.</param>
/// <param name="Need">The family's need band.</param>
/// <param name="NeedWeight">Its weight.</param>
/// <param name="FamilyMinutes">The family's session and contact minutes in the window.</param>
/// <param name="TherapistMinutes">The therapist's minutes across all active families in the window.</param>
/// <param name="Share">The family's share of the therapist's minutes.</param>
/// <param name="ExpectedShare">Its need weight over the sum of all active families' need weights.</param>
/// <param name="ActiveFamilies">The therapist's active families.</param>
/// <param name="WindowDays">The window's length in days.</param>
/// <param name="Ratio">The ratio setting the share was compared with.</param>
public sealed record FamilyShareOfHoursFinding(
    Guid TherapistId, Guid CaseId, NeedBand Need, decimal NeedWeight, int FamilyMinutes, int TherapistMinutes,
    decimal Share, decimal ExpectedShare, int ActiveFamilies, int WindowDays, decimal Ratio)
    : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.FamilyShareOfHours;

    /// <summary>The share over the expected share.</summary>
    public decimal Multiple => ExpectedShare == 0 ? 0 : Share / ExpectedShare;

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("Window", $"last {Num(WindowDays)} days"),
        new("This family's hours", Hours(FamilyMinutes)),
        new("Therapist's hours with all active families", Hours(TherapistMinutes)),
        new("This family's share", Percent((double)Share)),
        new("Need band (weight)", $"{NeedText} ({NeedWeight.ToString("0.##", CultureInfo.InvariantCulture)})"),
        new("Share its need suggests", Percent((double)ExpectedShare)),
        new("Multiple of that share", Num((double)Multiple, "0.0") + "×"),
        new("Active families", Num(ActiveFamilies)),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"In the last {Num(WindowDays)} days this family took {Hours(FamilyMinutes)} of the therapist's {Hours(TherapistMinutes)} " +
        $"with {Num(ActiveFamilies)} active families ({Percent((double)Share)}). Its clinical need ({NeedText}) against the rest " +
        $"of the caseload suggests about {Percent((double)ExpectedShare)}: {Num((double)Multiple, "0.0")} times as much.";

    /// <inheritdoc />
    public override string WhatToConsider =>
        "Is there a clinical reason the need band does not show (a risk, a crisis, a court deadline)? If so, is it recorded " +
        "and shared with the supervisor? If not, what draws the extra time to this family, and what do the other families go without?";

    private string NeedText => Need switch
    {
        NeedBand.NonClinical => "non-clinical",
        NeedBand.Mild => "mild",
        NeedBand.Moderate => "moderate",
        NeedBand.Severe => "severe",
        _ => "not yet measured",
    };

    private static string Hours(int minutes) => Num(minutes / 60.0, "0.#") + " hours";
}

/// <summary>A contact outside the agency's own working days and hours, in its time zone.</summary>
/// <param name="ContactId">The contact.</param>
/// <param name="CaseId">Its case.</param>
/// <param name="Local">When it happened, in the agency's local time.</param>
/// <param name="WorkingDay">Whether that day is a working day (if so, the time was outside the hours).</param>
/// <param name="TherapistInitiated">Whether the therapist started it.</param>
/// <param name="Hours">The agency's working days and hours.</param>
public sealed record ContactOutsideAgencyHoursFinding(
    Guid ContactId, Guid CaseId, DateTime Local, bool WorkingDay, bool TherapistInitiated, AgencyHours Hours) : BoundaryFinding
{
    /// <inheritdoc />
    public override string Kind => BoundaryKinds.ContactOutsideAgencyHours;

    private string When => Local.ToString("dddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private string WorkingHoursText =>
        $"{Hours.Start.ToString("HH:mm", CultureInfo.InvariantCulture)} to {Hours.End.ToString("HH:mm", CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override IReadOnlyList<EvidenceItem> Evidence =>
    [
        new("When (agency time)", When),
        new("Agency time zone", Hours.TimeZoneId),
        new("Agency working hours", WorkingHoursText),
        new("A working day", WorkingDay ? "yes" : "no"),
        new("Started by", TherapistInitiated ? "therapist" : "client"),
    ];

    /// <inheritdoc />
    public override string Explanation =>
        $"A contact {(TherapistInitiated ? "the therapist started" : "the family started")} on {When} (agency time), " +
        (WorkingDay ? $"outside the agency's working hours of {WorkingHoursText}." : "on a day the agency does not work.");

    /// <inheritdoc />
    public override string WhatToConsider =>
        "Was it an emergency, and did it go through the agency's out-of-hours route? Contact at personal hours can " +
        "make the therapist feel like a friend or rescuer and is hard to stop once started. What would keep it within the working week?";
}
