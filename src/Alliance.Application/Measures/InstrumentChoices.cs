using Alliance.Domain;
using Alliance.Measures;

namespace Alliance.Application.Measures;

/// <summary>
/// Which questionnaires a family member can be asked through their link, and which are ticked by default for a
/// session, by the member's age and the episode's phase. The therapist can change every choice.
/// </summary>
public static class InstrumentChoices
{
    /// <summary>The order questionnaires are offered and asked in: about today's session first, then how the member is doing.</summary>
    private static readonly string[] PreferredOrder =
    [
        "alliance-check", "child-alliance-check", "wellbeing-check", "child-wellbeing-check", "family-alliance",
        "self-efficacy-check", "phq-9", "gad-7",
    ];

    /// <summary>
    /// True for instruments a family member fills in themselves (client-rated) or about a child (caregiver-rated).
    /// Observer and therapist ratings, and instruments that rate each member of the family in turn, are not for links.
    /// </summary>
    public static bool IsFamilyFacing(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument.MemberGroup is null && (instrument.Raters.Contains(Rater.Client) || instrument.Raters.Contains(Rater.Caregiver));
    }

    /// <summary>Who fills the instrument in when a family member answers it: the member about themself when it allows that, otherwise a caregiver about a child.</summary>
    public static RaterRole FamilyRater(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument.Raters.Contains(Rater.Client) ? RaterRole.Client : RaterRole.Caregiver;
    }

    /// <summary>The domain's word for a rater.</summary>
    public static RaterRole ToRole(Rater rater) => rater switch
    {
        Rater.Client => RaterRole.Client,
        Rater.Caregiver => RaterRole.Caregiver,
        Rater.Observer => RaterRole.Observer,
        _ => RaterRole.Therapist,
    };

    /// <summary>The family-facing instruments of a catalog in the order they are asked.</summary>
    public static IReadOnlyList<Instrument> InOrder(InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.All.Where(IsFamilyFacing)
            .OrderBy(i => Array.IndexOf(PreferredOrder, i.Id) is var at and >= 0 ? at : PreferredOrder.Length)
            .ToList();
    }

    /// <summary>
    /// The instruments a member can be sent: client-rated ones whose age range fits (a member without a birth year is
    /// offered those without an upper age), and, for a parent or caregiver of a family with a child, caregiver-rated ones.
    /// </summary>
    public static IReadOnlyList<Instrument> OfferedTo(Member member, Case family, int year, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(family);
        var age = member.AgeIn(year);
        var caregiver = member.Role is FamilyRole.Parent or FamilyRole.Caregiver && !member.IsChildIn(year)
            && family.Members.Any(m => m.IsChildIn(year));
        return InOrder(catalog).Where(i => FamilyRater(i) == RaterRole.Client ? FitsAge(i, age) : caregiver).ToList();
    }

    /// <summary>
    /// The questionnaires ticked by default. Children of 6 to 12 get the child versions of the alliance and
    /// well-being checks; everyone older (or of unknown age) the adult ones. The family-alliance questions ask about
    /// the work the family has done together ("what we do in our sessions is helping"), so they are added once the
    /// episode is active and two or more members take part; the confidence check is added when an ending is planned,
    /// to see whether the family feels ready to manage on its own. PHQ-9 and GAD-7 are never ticked by default:
    /// the therapist opts in. Few items by default keeps answering under a minute.
    /// </summary>
    public static IReadOnlyList<string> Defaults(Member member, int year, EpisodePhase phase, int membersTakingPart, IReadOnlyList<Instrument> offered)
    {
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(offered);
        var wanted = new List<string>();
        var age = member.AgeIn(year);
        if (age is < 6) return wanted;
        if (age is <= Member.ChildAgeLimit)
            wanted.AddRange(["child-alliance-check", "child-wellbeing-check"]);
        else
        {
            wanted.AddRange(["alliance-check", "wellbeing-check"]);
            if (membersTakingPart >= 2 && phase is EpisodePhase.Active or EpisodePhase.TerminationPlanned)
                wanted.Add("family-alliance");
            if (phase == EpisodePhase.TerminationPlanned)
                wanted.Add("self-efficacy-check");
        }
        return offered.Select(i => i.Id).Where(wanted.Contains).ToList();
    }

    private static bool FitsAge(Instrument instrument, int? age) => age is { } a
        ? (instrument.MinAge is null || a >= instrument.MinAge) && (instrument.MaxAge is null || a <= instrument.MaxAge)
        : instrument.MaxAge is null;
}
