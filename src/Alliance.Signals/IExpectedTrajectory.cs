namespace Alliance.Signals;

/// <summary>
/// Where a member's outcome score is expected to be, given where they started: the hook for an
/// agency-fitted model (for example empirical benchmarks by intake severity and session). When no
/// model is plugged in, or the model has nothing to say for a rating, not on track uses the
/// early-change rule of <see cref="SignalRules"/>.
/// </summary>
public interface IExpectedTrajectory
{
    /// <summary>
    /// The lower band of the expected score for a rating: a rating on the worse side of it is not on track.
    /// </summary>
    /// <param name="query">The series, the intake (first) rating and this rating's position.</param>
    /// <param name="lowerBand">The band's edge on the worse side, in the instrument's units.</param>
    /// <returns>False when the model does not cover this rating (too little data for the intake band, say).</returns>
    bool TryGetLowerBand(in TrajectoryQuery query, out Score lowerBand);
}

/// <summary>What an expected-trajectory model is asked about one rating.</summary>
/// <param name="Series">The id of the series' instrument (<c>wellbeing-check</c> for both versions).</param>
/// <param name="IntakeScore">The member's first rating in the series.</param>
/// <param name="IntakeAsChild">Whether the member was a child at the first rating.</param>
/// <param name="RatingNumber">This rating's position in the series (the first rating is 1).</param>
/// <param name="SessionNumber">This rating's session number.</param>
/// <param name="Child">Whether the member is a child at this rating.</param>
public readonly record struct TrajectoryQuery(string Series, Score IntakeScore, bool IntakeAsChild, int RatingNumber, int SessionNumber, bool Child);
