namespace Alliance.Measures;

/// <summary>
/// The URLs of Alliance's FHIR extensions (documented in docs/instruments.md). The base never changes:
/// a new meaning gets a new name, so that files already exported keep theirs.
/// </summary>
public static class ExtensionUrls
{
    /// <summary>The base of every Alliance extension URL.</summary>
    public const string Base = "https://alliance.example/fhir/StructureDefinition/";

    /// <summary>The base of Alliance's canonical Questionnaire URLs (built-in instruments).</summary>
    public const string QuestionnaireBase = "https://alliance.example/fhir/Questionnaire/";

    /// <summary>Questionnaire: the instrument's scoring metadata (complex).</summary>
    public const string Instrument = Base + "instrument";

    /// <summary>Questionnaire: one subscale (complex, repeating).</summary>
    public const string Subscale = Base + "subscale";

    /// <summary>Questionnaire: one severity band of the total (complex, repeating).</summary>
    public const string SeverityBand = Base + "severity-band";

    /// <summary>Item: reverse-scored (boolean).</summary>
    public const string ReverseScored = Base + "reverse-scored";

    /// <summary>Item: whether an answerable item counts towards scores (boolean; scale, choice and yes/no items default to true).</summary>
    public const string Scored = Base + "scored";

    /// <summary>Item: the risk flag it raises (complex).</summary>
    public const string RiskFlag = Base + "risk-flag";

    /// <summary>Item: a free-text answer the member may keep private from the family (boolean).</summary>
    public const string PrivateAllowed = Base + "private-allowed";

    /// <summary>Item: a label at one scale point (complex, repeating).</summary>
    public const string ScaleAnchor = Base + "scale-anchor";

    /// <summary>Item (group): rated once for each member (boolean).</summary>
    public const string PerMember = Base + "per-member";

    /// <summary>Item (string, inside a per-member group): carries the rated member's identifier (boolean).</summary>
    public const string MemberId = Base + "member-id";

    /// <summary>QuestionnaireResponse: who rated (code).</summary>
    public const string ResponseRater = Base + "rater";

    /// <summary>QuestionnaireResponse item: the member keeps this answer private from the family (boolean).</summary>
    public const string PrivateAnswer = Base + "private-answer";

    /// <summary>QuestionnaireResponse: the scores Alliance computed (complex).</summary>
    public const string Score = Base + "score";

    /// <summary>HL7 core extension: lowest value of an integer item.</summary>
    public const string MinValue = "http://hl7.org/fhir/StructureDefinition/minValue";

    /// <summary>HL7 core extension: highest value of an integer item.</summary>
    public const string MaxValue = "http://hl7.org/fhir/StructureDefinition/maxValue";

    /// <summary>HL7 core extension: the score of a coded answer option.</summary>
    public const string OrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
}
