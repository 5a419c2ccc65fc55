namespace Alliance.Signals;

/// <summary>
/// Every number the feedback rules use, with the defaults of the spreadsheet format's "Default rules"
/// (an agency may change any of them). Instrument cutoffs and reliable-change values live on the
/// instruments of <see cref="Instruments"/>.
/// </summary>
/// <remarks>
/// The alliance numbers are provisional: Alliance's checks share the structure of the Session and
/// Outcome Rating Scales and borrow those scales' conventions until an agency calibrates its own.
/// </remarks>
public sealed record SignalRules
{
    /// <summary>The defaults of the spreadsheet format, version 1.</summary>
    public static SignalRules Default { get; } = new();

    /// <summary>
    /// The instruments with their ranges, cutoffs (low alliance, clinical side) and reliable-change
    /// values. Default: <see cref="InstrumentCatalogue.Default"/>, whose members document their sources.
    /// </summary>
    public InstrumentCatalogue Instruments { get; init; } = InstrumentCatalogue.Default;

    /// <summary>
    /// Rupture: a member's alliance rating this much or more below their previous one. Default 5 points.
    /// Rupture-repair sequences read as session-to-session drops and recoveries in alliance ratings
    /// follow Stiles et al. (2004, Journal of Counseling Psychology 51(1)); five points is provisional,
    /// the SRS/ORS reliable-change convention applied to the alliance check.
    /// </summary>
    public Score RuptureDrop { get; init; } = Score.FromPoints(5);

    /// <summary>
    /// Repair: a later rating within this many points of the score before the rupture (p - 2 or more).
    /// Default 2 points, provisional (Stiles et al., 2004: repair is a return towards the earlier level).
    /// </summary>
    public Score RepairMargin { get; init; } = Score.FromPoints(2);

    /// <summary>
    /// Repair window: how many of the member's next alliance ratings may repair a rupture; at the last
    /// of them without repair the rupture is unrepaired. Default 3, provisional.
    /// </summary>
    public int RepairWindow { get; init; } = 3;

    /// <summary>
    /// Split alliance: the highest and lowest alliance rating of a family's members at one session this far
    /// apart or more. Default 6 points, provisional; split alliances in family therapy after Pinsof and
    /// Catherall (1986) and Friedlander, Escudero and Heatherington (2006).
    /// </summary>
    public Score SplitDifference { get; init; } = Score.FromPoints(6);

    /// <summary>
    /// Split alliance on <c>family-alliance</c>: two members' scores on one of its four dimensions, each on the items'
    /// 1-5 scale (the dimension's sum over its items divided by their number), this far apart or more. Default 1.5
    /// points, provisional (not yet calibrated): more than a third of the scale's width. The
    /// dimensions are those of the System for Observing Family Therapy Alliances, and split alliances in family therapy
    /// are described by Pinsof and Catherall (1986) and Friedlander, Escudero and Heatherington (2006). Read only where
    /// answers are stored (the app), never by <c>alliance signals</c>, whose folders hold totals.
    /// </summary>
    public Score FamilyAllianceSplit { get; init; } = Score.FromTenths(15);

    /// <summary>
    /// Split alliance on <c>observer-family-alliance</c>: the observer rated two members this far apart or more on one
    /// dimension of the -3 to +3 scale. Default 3 points, provisional: half the scale's width, for
    /// example one member clearly engaged (+2) and another clearly not (-1); the scale follows the SOFTA-o (Friedlander,
    /// Escudero and Heatherington, 2006). Read only where answers are stored (the app).
    /// </summary>
    public Score ObserverFamilyAllianceSplit { get; init; } = Score.FromPoints(3);

    /// <summary>
    /// Not on track is checked from the member's nth rating in an outcome series on. Default 4: the early-change
    /// rule, after the finding that little change in the first sessions predicts a poor outcome
    /// (Howard et al., 1986; Haas et al., 2002; Lambert et al., 2001).
    /// </summary>
    public int NotOnTrackFromRating { get; init; } = 4;

    /// <summary>
    /// Not on track (early-change rule): improvement since the first rating less than this fraction of the
    /// instrument's reliable-change value. Default 0.5 (half), provisional.
    /// </summary>
    public decimal NotOnTrackFraction { get; init; } = 0.5m;

    /// <summary>
    /// Termination due: this many latest ratings in the series all on the non-clinical side and closer
    /// together than the reliable-change value. Default 3, the format's provisional rule.
    /// </summary>
    public int TerminationRatings { get; init; } = 3;

    /// <summary>
    /// Treatment prolonged: the nth held session that the member attended after their earliest termination due.
    /// Default 3, the format's provisional rule.
    /// </summary>
    public int ProlongedSessions { get; init; } = 3;

    /// <summary>
    /// Session overrun: a session that ran this many minutes or more past its scheduled minutes. Default 15.
    /// Time is one of the boundaries whose repeated stretching is an early sign of boundary erosion
    /// (Gutheil and Gabbard, 1993, American Journal of Psychiatry 150(2)); the number is provisional.
    /// </summary>
    public int OverrunMinutes { get; init; } = 15;

    /// <summary>Session overrun: how many overrun sessions among the window fire the signal. Default 3 (Gutheil and Gabbard, 1993; provisional).</summary>
    public int OverrunCount { get; init; } = 3;

    /// <summary>Session overrun: how many of the case's latest held sessions are looked at. Default 5 (provisional).</summary>
    public int OverrunWindow { get; init; } = 5;

    /// <summary>Session overrun: after firing, how many following held sessions cannot fire it again. Default 5 (provisional).</summary>
    public int OverrunPause { get; init; } = 5;

    /// <summary>
    /// Out-of-hours contact: the agency's working hours and days. Default 07:00 to 20:00, Monday to Friday,
    /// the format's default; contact outside agreed hours is a recognised boundary warning sign
    /// (Gutheil and Gabbard, 1993).
    /// </summary>
    public WorkingHours WorkingHours { get; init; } = WorkingHours.Default;

    /// <summary>
    /// A member is a child at a session when the session's year minus their birth year is this or less.
    /// Default 12: the child versions are for ages 6-12, like the child SRS and ORS (Duncan et al., 2006).
    /// </summary>
    public int ChildMaxAge { get; init; } = 12;

    /// <summary>Checks that every number makes sense, naming the first that does not.</summary>
    /// <exception cref="ArgumentException">A number is out of its meaningful range; the message names it.</exception>
    public void Validate()
    {
        Require(RuptureDrop.Tenths > 0, "rupture_drop", "must be more than 0");
        Require(RepairMargin.Tenths >= 0, "repair_margin", "must be 0 or more");
        Require(RepairWindow >= 1, "repair_window", "must be 1 or more");
        Require(SplitDifference.Tenths > 0, "split_difference", "must be more than 0");
        Require(FamilyAllianceSplit.Tenths > 0, "family_alliance_split", "must be more than 0");
        Require(ObserverFamilyAllianceSplit.Tenths > 0, "observer_family_alliance_split", "must be more than 0");
        Require(NotOnTrackFromRating >= 2, "not_on_track_from_rating", "must be 2 or more");
        Require(NotOnTrackFraction > 0m && NotOnTrackFraction <= 1m, "not_on_track_fraction", "must be more than 0 and at most 1");
        Require(TerminationRatings >= 1, "termination_ratings", "must be 1 or more");
        Require(ProlongedSessions >= 1, "prolonged_sessions", "must be 1 or more");
        Require(OverrunMinutes >= 1, "overrun_minutes", "must be 1 or more");
        Require(OverrunWindow >= 1, "overrun_window", "must be 1 or more");
        Require(OverrunCount >= 1 && OverrunCount <= OverrunWindow, "overrun_count", "must be between 1 and overrun_window");
        Require(OverrunPause >= 0, "overrun_pause", "must be 0 or more");
        Require(ChildMaxAge is >= 0 and <= 30, "child_max_age", "must be between 0 and 30");
        ArgumentNullException.ThrowIfNull(Instruments);
        ArgumentNullException.ThrowIfNull(WorkingHours);
        foreach (var instrument in Instruments)
        {
            Require(instrument.ReliableChange is not { } rc || rc.Tenths > 0, $"instruments.{instrument.Id}.reliable_change", "must be more than 0");
        }
    }

    private static void Require(bool condition, string field, string sentence)
    {
        if (!condition)
        {
            throw new ArgumentException($"{field}: {sentence}.");
        }
    }
}

/// <summary>The agency's working hours: contact initiated by a therapist outside them is out of hours.</summary>
/// <param name="Start">The first minute of the working day (inclusive).</param>
/// <param name="End">The end of the working day (exclusive); before <paramref name="Start"/> for a day that runs past midnight.</param>
/// <param name="Days">The working days.</param>
public sealed record WorkingHours(TimeOnly Start, TimeOnly End, IReadOnlyList<DayOfWeek> Days)
{
    /// <summary>07:00 to 20:00, Monday to Friday: the spreadsheet format's default.</summary>
    public static WorkingHours Default { get; } = new(
        new TimeOnly(7, 0),
        new TimeOnly(20, 0),
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);

    /// <summary>Whether a local date and time falls within working hours on a working day.</summary>
    /// <param name="localTime">The local date and time.</param>
    public bool Contains(DateTime localTime)
    {
        ArgumentNullException.ThrowIfNull(Days);
        if (!Days.Contains(localTime.DayOfWeek))
        {
            return false;
        }

        var time = TimeOnly.FromDateTime(localTime);
        return Start <= End ? time >= Start && time < End : time >= Start || time < End;
    }

    /// <inheritdoc />
    public bool Equals(WorkingHours? other) =>
        other is not null && Start == other.Start && End == other.End && Days.SequenceEqual(other.Days);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End, Days.Count);
}
