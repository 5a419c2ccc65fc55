namespace Alliance.Measures;

/// <summary>The codes used in Alliance's extensions for the model's enumerations.</summary>
public static class Codes
{
    private static readonly Dictionary<string, Construct> Constructs = new(StringComparer.Ordinal)
    {
        ["alliance"] = Construct.Alliance,
        ["family-alliance"] = Construct.FamilyAlliance,
        ["outcome"] = Construct.Outcome,
        ["self-efficacy"] = Construct.SelfEfficacy,
        ["therapist-behaviour"] = Construct.TherapistBehaviour,
    };

    private static readonly Dictionary<string, Rater> Raters = new(StringComparer.Ordinal)
    {
        ["client"] = Rater.Client,
        ["caregiver"] = Rater.Caregiver,
        ["observer"] = Rater.Observer,
        ["therapist"] = Rater.Therapist,
    };

    private static readonly Dictionary<string, BetterDirection> Directions = new(StringComparer.Ordinal)
    {
        ["higher"] = BetterDirection.Higher,
        ["lower"] = BetterDirection.Lower,
    };

    private static readonly Dictionary<string, TotalMethod> TotalMethods = new(StringComparer.Ordinal)
    {
        ["sum"] = TotalMethod.Sum,
        ["mean-of-subscales"] = TotalMethod.MeanOfSubscales,
    };

    private static readonly Dictionary<string, SubscaleMethod> SubscaleMethods = new(StringComparer.Ordinal)
    {
        ["sum"] = SubscaleMethod.Sum,
        ["mean"] = SubscaleMethod.Mean,
    };

    private static readonly Dictionary<string, MissingItemMethod> MissingMethods = new(StringComparer.Ordinal)
    {
        ["all-required"] = MissingItemMethod.AllRequired,
        ["prorate"] = MissingItemMethod.Prorate,
        ["mean-of-answered"] = MissingItemMethod.MeanOfAnswered,
    };

    /// <summary>The code of a construct (<c>family-alliance</c>).</summary>
    /// <param name="value">The construct.</param>
    /// <returns>Its code.</returns>
    public static string Of(Construct value) => CodeOf(Constructs, value);

    /// <summary>The code of a rater (<c>observer</c>).</summary>
    /// <param name="value">The rater.</param>
    /// <returns>Its code.</returns>
    public static string Of(Rater value) => CodeOf(Raters, value);

    /// <summary>The code of a better direction (<c>higher</c>).</summary>
    /// <param name="value">The direction.</param>
    /// <returns>Its code.</returns>
    public static string Of(BetterDirection value) => CodeOf(Directions, value);

    /// <summary>The code of a total method (<c>mean-of-subscales</c>).</summary>
    /// <param name="value">The method.</param>
    /// <returns>Its code.</returns>
    public static string Of(TotalMethod value) => CodeOf(TotalMethods, value);

    /// <summary>The code of a subscale method (<c>mean</c>).</summary>
    /// <param name="value">The method.</param>
    /// <returns>Its code.</returns>
    public static string Of(SubscaleMethod value) => CodeOf(SubscaleMethods, value);

    /// <summary>The code of a missing-item method (<c>prorate</c>).</summary>
    /// <param name="value">The method.</param>
    /// <returns>Its code.</returns>
    public static string Of(MissingItemMethod value) => CodeOf(MissingMethods, value);

    /// <summary>Reads a rater code.</summary>
    /// <param name="code">The code (<c>client</c>, <c>caregiver</c>, <c>observer</c>, <c>therapist</c>).</param>
    /// <param name="rater">The rater when the code is known.</param>
    /// <returns>Whether the code is known.</returns>
    public static bool TryParse(string? code, out Rater rater) => Raters.TryGetValue(code ?? "", out rater);

    internal static IReadOnlyDictionary<string, Construct> ConstructCodes => Constructs;
    internal static IReadOnlyDictionary<string, Rater> RaterCodes => Raters;
    internal static IReadOnlyDictionary<string, BetterDirection> DirectionCodes => Directions;
    internal static IReadOnlyDictionary<string, TotalMethod> TotalMethodCodes => TotalMethods;
    internal static IReadOnlyDictionary<string, SubscaleMethod> SubscaleMethodCodes => SubscaleMethods;
    internal static IReadOnlyDictionary<string, MissingItemMethod> MissingMethodCodes => MissingMethods;

    private static string CodeOf<T>(Dictionary<string, T> map, T value)
        where T : struct, Enum => map.First(pair => EqualityComparer<T>.Default.Equals(pair.Value, value)).Key;
}
