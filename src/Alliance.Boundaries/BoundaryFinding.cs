using System.Globalization;

namespace Alliance.Boundaries;

/// <summary>
/// A yellow light: an early sign that a therapeutic boundary may be eroding. It is a prompt for reflection and
/// supervision, never a finding of misconduct. Every kind carries a stable <see cref="Kind"/> code, the evidence
/// behind it, a plain explanation and what to consider.
/// </summary>
public abstract record BoundaryFinding
{
    /// <summary>A stable code for the kind of finding (one of <see cref="BoundaryKinds"/>), safe to store and to filter on.</summary>
    public abstract string Kind { get; }

    /// <summary>Who may see the finding.</summary>
    public virtual FindingAudience Audience => FindingAudience.TherapistAndSupervisor;

    /// <summary>The numbers and dates behind the finding, as label and value, in display order. Never a contact detail itself.</summary>
    public abstract IReadOnlyList<EvidenceItem> Evidence { get; }

    /// <summary>What was seen, in words a clinician understands.</summary>
    public abstract string Explanation { get; }

    /// <summary>Questions worth considering, for the therapist's reflection or for supervision.</summary>
    public abstract string WhatToConsider { get; }

    /// <summary>Formats a number for evidence and explanations (invariant culture).</summary>
    private protected static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Formats a whole number (invariant culture).</summary>
    private protected static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Formats a date as yyyy-MM-dd in the Gregorian calendar, whatever the current culture.</summary>
    private protected static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Formats a proportion as a whole percentage (invariant culture).</summary>
    private protected static string Percent(double proportion) =>
        (proportion * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Formats a p-value: three significant figures, or "&lt; 0.001".</summary>
    private protected static string PValue(double p) =>
        p < 0.001 ? "< 0.001" : p.ToString("0.000", CultureInfo.InvariantCulture);
}

/// <summary>One number or date behind a finding.</summary>
/// <param name="Label">What the value is, in plain words.</param>
/// <param name="Value">The value, formatted for display.</param>
public readonly record struct EvidenceItem(string Label, string Value);

/// <summary>Who may see a finding.</summary>
public enum FindingAudience
{
    /// <summary>The therapist concerned and their supervisor.</summary>
    TherapistAndSupervisor,

    /// <summary>The supervisor only (for example a pattern in intake decisions).</summary>
    SupervisorOnly,
}

/// <summary>The stable codes of the detectors' findings.</summary>
public static class BoundaryKinds
{
    /// <summary>Acceptance of referrals differs markedly by a referral attribute (funding source, neighbourhood...).</summary>
    public const string SelectionPattern = "selection-pattern";

    /// <summary>A phone number, e-mail address, street address or social-media handle in a note that is not the agency's.</summary>
    public const string ContactDetailInText = "contact-detail-in-text";

    /// <summary>More held sessions in the recent window than the plan recorded at the first visit allows.</summary>
    public const string SessionsMoreFrequentThanPlan = "sessions-more-frequent-than-plan";

    /// <summary>More held sessions in total than the number planned at the first visit.</summary>
    public const string SessionsBeyondPlannedNumber = "sessions-beyond-planned-number";

    /// <summary>Held sessions repeatedly longer than the plan's minutes.</summary>
    public const string SessionsLongerThanPlan = "sessions-longer-than-plan";

    /// <summary>One family takes a share of the therapist's hours far above its share of clinical need.</summary>
    public const string FamilyShareOfHours = "family-share-of-hours";

    /// <summary>A contact outside the agency's own working days and hours, in its time zone.</summary>
    public const string ContactOutsideAgencyHours = "contact-outside-agency-hours";
}
