namespace Alliance.Measures;

/// <summary>What an instrument measures.</summary>
public enum Construct
{
    /// <summary>A member's rating of their working relationship with the therapist (bond, goals, tasks).</summary>
    Alliance,
    /// <summary>Alliance in conjoint family work: engagement, emotional connection, safety, shared purpose.</summary>
    FamilyAlliance,
    /// <summary>How the member is doing: well-being, symptoms, functioning.</summary>
    Outcome,
    /// <summary>Confidence in handling the problems the family came with.</summary>
    SelfEfficacy,
    /// <summary>What the therapist does in session, rated by an observer or by the therapist.</summary>
    TherapistBehaviour,
}

/// <summary>Who fills an instrument in.</summary>
public enum Rater
{
    /// <summary>The member rates their own experience.</summary>
    Client,
    /// <summary>A parent or caregiver rates a child.</summary>
    Caregiver,
    /// <summary>A supervisor, peer or researcher watching a session or a recording.</summary>
    Observer,
    /// <summary>The therapist.</summary>
    Therapist,
}

/// <summary>Which way of the score is the better one.</summary>
public enum BetterDirection
{
    /// <summary>Higher scores are better (alliance, well-being).</summary>
    Higher,
    /// <summary>Lower scores are better (symptom measures such as PHQ-9).</summary>
    Lower,
}

/// <summary>Which norm applies to a rating: adult or child cutoffs.</summary>
public enum Norm
{
    /// <summary>Adult norm (13 years and over in Alliance's spreadsheet format).</summary>
    Adult,
    /// <summary>Child norm (12 years or under).</summary>
    Child,
}

/// <summary>How an instrument's total is formed.</summary>
public enum TotalMethod
{
    /// <summary>The sum of every scored item (after reverse scoring).</summary>
    Sum,
    /// <summary>The mean of the subscale scores, each subscale weighing the same.</summary>
    MeanOfSubscales,
}

/// <summary>How a subscale's score is formed.</summary>
public enum SubscaleMethod
{
    /// <summary>The sum of the subscale's item values.</summary>
    Sum,
    /// <summary>The mean of the subscale's answered item values (every member's rating counts once).</summary>
    Mean,
}

/// <summary>What to do when items are left unanswered.</summary>
public enum MissingItemMethod
{
    /// <summary>Every scored item must be answered; a subscale is still scored when its own items are all answered.</summary>
    AllRequired,
    /// <summary>
    /// Up to <see cref="MissingItemRule.MaxMissing"/> missing items are replaced by the mean of the answered items
    /// (the sum is multiplied by items / answered items, then rounded); more missing makes the score unscorable.
    /// </summary>
    Prorate,
    /// <summary>Each subscale is the mean of the ratings given; a subscale needs at least one rating.</summary>
    MeanOfAnswered,
}

/// <summary>The kind of an item, as a member meets it.</summary>
public enum ItemKind
{
    /// <summary>Text shown to the member; no answer.</summary>
    Display,
    /// <summary>A whole-number scale from <see cref="InstrumentItem.Min"/> to <see cref="InstrumentItem.Max"/> (0-10, 1-5, -3..3).</summary>
    Scale,
    /// <summary>A Likert choice among coded options, each option carrying its score.</summary>
    Choice,
    /// <summary>Yes or no; scored 1 for yes and 0 for no.</summary>
    YesNo,
    /// <summary>Free text, never scored; a member may be allowed to keep it private from the rest of the family.</summary>
    FreeText,
}

/// <summary>The missing-item rule of an instrument.</summary>
/// <param name="Method">How missing items are handled.</param>
/// <param name="MaxMissing">For <see cref="MissingItemMethod.Prorate"/>: how many scored items may be missing.</param>
/// <param name="Note">The rule in words, with its source, for clinicians and documentation.</param>
public sealed record MissingItemRule(MissingItemMethod Method, int MaxMissing, string Note);

/// <summary>One answer option of a choice item.</summary>
/// <param name="Code">The code a response carries.</param>
/// <param name="System">The code system of <paramref name="Code"/>, when one is given.</param>
/// <param name="Display">The words the member sees (for observer scales, the behavioural anchor).</param>
/// <param name="Score">The value the option scores (FHIR ordinalValue), or null when the item is not scored.</param>
public sealed record AnswerOption(string Code, string? System, string Display, decimal? Score);

/// <summary>A label at one point of a scale, such as "Not at all" at 0 or a face at 10.</summary>
/// <param name="Value">The scale point.</param>
/// <param name="Label">The words (or face and words) shown at that point.</param>
public sealed record ScaleAnchor(int Value, string Label);

/// <summary>Raises a flag in the score when an item's value reaches a threshold (PHQ-9 item 9, for example).</summary>
/// <param name="AtOrAbove">The item value (before reverse scoring) from which the flag is raised.</param>
/// <param name="Message">The sentence shown to the therapist.</param>
public sealed record RiskRule(decimal AtOrAbove, string Message);

/// <summary>One question (or text) of an instrument.</summary>
public sealed record InstrumentItem
{
    /// <summary>The item's linkId, unique within the instrument.</summary>
    public required string LinkId { get; init; }

    /// <summary>1-based position in the definition, used in messages.</summary>
    public required int Number { get; init; }

    /// <summary>The question as the member sees it.</summary>
    public required string Text { get; init; }

    /// <summary>What kind of answer the item takes.</summary>
    public required ItemKind Kind { get; init; }

    /// <summary>Whether a member answering online must answer it.</summary>
    public bool Required { get; init; }

    /// <summary>Whether the item counts towards the scores.</summary>
    public bool Scored { get; init; }

    /// <summary>Whether the item is reverse-scored: its value becomes <c>Min + Max - answer</c>.</summary>
    public bool ReverseScored { get; init; }

    /// <summary>Lowest value (scale items: lowest point; choice items: lowest option score; yes/no: 0).</summary>
    public decimal? Min { get; init; }

    /// <summary>Highest value (scale items: highest point; choice items: highest option score; yes/no: 1).</summary>
    public decimal? Max { get; init; }

    /// <summary>The options of a choice item, in display order.</summary>
    public ValueList<AnswerOption> Options { get; init; } = ValueList.Empty<AnswerOption>();

    /// <summary>Labels along a scale item (words, or faces for children).</summary>
    public ValueList<ScaleAnchor> Anchors { get; init; } = ValueList.Empty<ScaleAnchor>();

    /// <summary>For free text: whether the member may mark the answer private from the rest of the family.</summary>
    public bool PrivateAllowed { get; init; }

    /// <summary>For free text: the longest answer accepted, when limited.</summary>
    public int? MaxLength { get; init; }

    /// <summary>The risk flag this item raises, if any.</summary>
    public RiskRule? Risk { get; init; }

    /// <summary>Whether the item is rated once for each member (inside the instrument's <see cref="Instrument.MemberGroup"/>).</summary>
    public bool PerMember { get; init; }

    /// <summary>The value that counts towards scores for a raw answer value, after reverse scoring.</summary>
    /// <param name="raw">The raw value (scale point, option score, 1 or 0).</param>
    /// <returns>The scored value.</returns>
    public decimal ScoredValue(decimal raw) => ReverseScored && Min is { } min && Max is { } max ? min + max - raw : raw;
}

/// <summary>
/// Items rated once per member (an observer rating each member of the family). In a FHIR response it is a repeating
/// group, one repetition per member, whose <see cref="MemberIdLinkId"/> item names the member.
/// </summary>
/// <param name="LinkId">The group's linkId.</param>
/// <param name="Text">The group's heading.</param>
/// <param name="MemberIdLinkId">The linkId of the string item that carries the member's identifier.</param>
public sealed record MemberGroup(string LinkId, string Text, string MemberIdLinkId);

/// <summary>A part score of an instrument, such as one family-alliance dimension.</summary>
/// <param name="Code">A short stable code (<c>engagement</c>).</param>
/// <param name="Title">The name a clinician reads.</param>
/// <param name="Method">Sum or mean of its items.</param>
/// <param name="ItemLinkIds">The items that form it.</param>
public sealed record Subscale(string Code, string Title, SubscaleMethod Method, ValueList<string> ItemLinkIds);

/// <summary>A severity band of the total, such as PHQ-9 "moderate" (10-14).</summary>
/// <param name="Code">A short stable code (<c>moderate</c>).</param>
/// <param name="Label">The words a clinician reads.</param>
/// <param name="Low">Lowest total in the band, inclusive.</param>
/// <param name="High">Highest total in the band, inclusive.</param>
public sealed record SeverityBand(string Code, string Label, decimal Low, decimal High)
{
    /// <summary>Whether a total falls in this band.</summary>
    /// <param name="total">The total.</param>
    /// <returns>True when <paramref name="total"/> is between <see cref="Low"/> and <see cref="High"/> inclusive.</returns>
    public bool Contains(decimal total) => total >= Low && total <= High;
}

/// <summary>Where an instrument's definition came from.</summary>
public enum InstrumentOrigin
{
    /// <summary>Shipped with Alliance.</summary>
    BuiltIn,
    /// <summary>Imported by an agency (for example a licensed instrument it holds).</summary>
    Imported,
}

/// <summary>
/// An instrument: a FHIR R4 Questionnaire together with the scoring metadata read from Alliance's extension.
/// Immutable; obtain one from <see cref="InstrumentCatalog"/> or <see cref="InstrumentDefinition.Read(string, InstrumentOrigin)"/>.
/// </summary>
public sealed record Instrument
{
    /// <summary>The instrument id (the Questionnaire id), e.g. <c>phq-9</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The Questionnaire's canonical URL.</summary>
    public required string Url { get; init; }

    /// <summary>The Questionnaire's business version, when given.</summary>
    public string? Version { get; init; }

    /// <summary>The title a clinician reads.</summary>
    public required string Title { get; init; }

    /// <summary>Where the definition came from.</summary>
    public InstrumentOrigin Origin { get; init; }

    /// <summary>What the instrument measures.</summary>
    public required Construct Construct { get; init; }

    /// <summary>Who may fill it in.</summary>
    public required ValueList<Rater> Raters { get; init; }

    /// <summary>
    /// The score series this instrument's ratings join (<c>child-alliance-check</c> joins <c>alliance-check</c>);
    /// its own id unless the definition says otherwise.
    /// </summary>
    public required string Series { get; init; }

    /// <summary>Youngest age, in years, the instrument is meant for.</summary>
    public int? MinAge { get; init; }

    /// <summary>Oldest age, in years, the instrument is meant for.</summary>
    public int? MaxAge { get; init; }

    /// <summary>Lowest possible total.</summary>
    public required decimal ScoreMin { get; init; }

    /// <summary>Highest possible total.</summary>
    public required decimal ScoreMax { get; init; }

    /// <summary>Decimal places the total and subscale scores are rounded to (half away from zero).</summary>
    public int Precision { get; init; }

    /// <summary>Which way is better.</summary>
    public required BetterDirection BetterDirection { get; init; }

    /// <summary>How the total is formed.</summary>
    public required TotalMethod TotalMethod { get; init; }

    /// <summary>
    /// Adult clinical cutoff. When higher is better a total below it is on the clinical side;
    /// when lower is better a total at or above it is.
    /// </summary>
    public decimal? ClinicalCutoff { get; init; }

    /// <summary>Child clinical cutoff, read the same way as <see cref="ClinicalCutoff"/>.</summary>
    public decimal? ChildClinicalCutoff { get; init; }

    /// <summary>The smallest change in the total that counts as reliable change.</summary>
    public decimal? ReliableChange { get; init; }

    /// <summary>The missing-item rule.</summary>
    public required MissingItemRule MissingItems { get; init; }

    /// <summary>Where the instrument comes from (authors, publication).</summary>
    public required string Source { get; init; }

    /// <summary>The licence under which Alliance carries it.</summary>
    public required string Licence { get; init; }

    /// <summary>A note on the instrument's validation status (e.g. "project-authored, not yet validated"), when any.</summary>
    public string? ValidationNote { get; init; }

    /// <summary>All items in definition order (display and free-text items included).</summary>
    public required ValueList<InstrumentItem> Items { get; init; }

    /// <summary>The items rated once per member, when the instrument has them.</summary>
    public MemberGroup? MemberGroup { get; init; }

    /// <summary>The subscales, in definition order.</summary>
    public ValueList<Subscale> Subscales { get; init; } = ValueList.Empty<Subscale>();

    /// <summary>The severity bands of the total, from low to high.</summary>
    public ValueList<SeverityBand> Bands { get; init; } = ValueList.Empty<SeverityBand>();

    /// <summary>
    /// The Questionnaire as FHIR JSON: the definition's text as it was read (a built-in's file, an agency's imported
    /// file as stored, or Firely's JSON of a Questionnaire resource). The FHIR endpoints serve it through
    /// <see cref="ToQuestionnaire"/>, written again by Firely.
    /// </summary>
    public required string QuestionnaireJson { get; init; }

    /// <summary>The items that count towards scores, in order.</summary>
    public IEnumerable<InstrumentItem> ScoredItems => Items.Where(i => i.Scored);

    /// <summary>Finds an item by linkId.</summary>
    /// <param name="linkId">The linkId.</param>
    /// <returns>The item, or null when the instrument has none with that linkId.</returns>
    public InstrumentItem? FindItem(string linkId) => Items.FirstOrDefault(i => i.LinkId == linkId);

    /// <summary>The cutoff that applies for a norm (the adult cutoff when no child cutoff is given).</summary>
    /// <param name="norm">Adult or child.</param>
    /// <returns>The cutoff, or null when the instrument has none.</returns>
    public decimal? CutoffFor(Norm norm) => norm == Norm.Child ? ChildClinicalCutoff ?? ClinicalCutoff : ClinicalCutoff;

    /// <summary>Whether a total is on the clinical side of the cutoff for a norm.</summary>
    /// <param name="total">The total.</param>
    /// <param name="norm">Adult or child.</param>
    /// <returns>True or false, or null when the instrument has no cutoff.</returns>
    public bool? IsClinical(decimal total, Norm norm) => CutoffFor(norm) switch
    {
        null => null,
        { } cutoff when BetterDirection == BetterDirection.Higher => total < cutoff,
        { } cutoff => total >= cutoff,
    };

    /// <summary>Scores a set of answers by this instrument's rules.</summary>
    /// <param name="answers">The answers (validate them first with <see cref="AnswerValidator"/>).</param>
    /// <returns>The score, or the reason it cannot be scored.</returns>
    public ScoreResult Score(IEnumerable<ItemAnswer> answers) => InstrumentScorer.Score(this, answers);

    /// <summary>A fresh copy of the Questionnaire resource, safe to change.</summary>
    /// <returns>The parsed Questionnaire.</returns>
    public Hl7.Fhir.Model.Questionnaire ToQuestionnaire() => Fhir.ParseQuestionnaire(QuestionnaireJson);
}
