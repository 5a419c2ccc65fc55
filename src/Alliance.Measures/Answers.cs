using System.Globalization;

namespace Alliance.Measures;

/// <summary>The value of one answer. Use the factory methods: <see cref="Scale"/>, <see cref="Option"/>, <see cref="YesNo"/>, <see cref="FreeText"/>.</summary>
public abstract record AnswerValue
{
    private protected AnswerValue()
    {
    }

    /// <summary>A point on a scale item.</summary>
    /// <param name="value">The point.</param>
    /// <returns>The answer value.</returns>
    public static AnswerValue Scale(int value) => new IntegerAnswer(value);

    /// <summary>The code of a choice item's option.</summary>
    /// <param name="code">The option's code.</param>
    /// <returns>The answer value.</returns>
    public static AnswerValue Option(string code) => new CodedAnswer(code);

    /// <summary>A yes or no.</summary>
    /// <param name="yes">True for yes.</param>
    /// <returns>The answer value.</returns>
    public static AnswerValue YesNo(bool yes) => new YesNoAnswer(yes);

    /// <summary>Free text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The answer value.</returns>
    public static AnswerValue FreeText(string text) => new TextAnswer(text);
}

/// <summary>A point on a scale item.</summary>
/// <param name="Value">The point.</param>
public sealed record IntegerAnswer(int Value) : AnswerValue
{
    /// <inheritdoc />
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The code of a choice item's option.</summary>
/// <param name="Code">The option's code.</param>
public sealed record CodedAnswer(string Code) : AnswerValue
{
    /// <inheritdoc />
    public override string ToString() => Code;
}

/// <summary>A yes or no.</summary>
/// <param name="Yes">True for yes.</param>
public sealed record YesNoAnswer(bool Yes) : AnswerValue
{
    /// <inheritdoc />
    public override string ToString() => Yes ? "yes" : "no";
}

/// <summary>Free text.</summary>
/// <param name="Text">The text.</param>
public sealed record TextAnswer(string Text) : AnswerValue
{
    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>
/// One answer to one item. For items rated per member (<see cref="InstrumentItem.PerMember"/>),
/// <see cref="MemberId"/> names the member the rating is about.
/// </summary>
/// <param name="LinkId">The item's linkId.</param>
/// <param name="Value">The answer.</param>
public sealed record ItemAnswer(string LinkId, AnswerValue Value)
{
    /// <summary>The member this rating is about, for items rated per member; otherwise null.</summary>
    public string? MemberId { get; init; }

    /// <summary>For free text: the member asked to keep this answer from the rest of the family.</summary>
    public bool IsPrivate { get; init; }

    /// <summary>The field name used in messages and web forms: the linkId, or <c>linkId[memberId]</c>.</summary>
    public string FieldName => FieldNames.For(LinkId, MemberId);
}

/// <summary>A problem with one answer, named by its field.</summary>
/// <param name="Field">The field: a linkId, <c>linkId[memberId]</c>, or a FHIR path for structural problems.</param>
/// <param name="Message">What is wrong, in a sentence.</param>
public sealed record AnswerError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>How the answers were given, which decides whether unanswered required items are refused.</summary>
public enum AnswerEntry
{
    /// <summary>A member answering in Alliance: every required item must be answered.</summary>
    Online,
    /// <summary>
    /// Answers copied from a paper form or received from another system: items may be missing, and the
    /// instrument's missing-item rule decides whether the response can be scored.
    /// </summary>
    Transcribed,
}

internal static class FieldNames
{
    public static string For(string linkId, string? memberId) => memberId is null ? linkId : $"{linkId}[{memberId}]";
}
