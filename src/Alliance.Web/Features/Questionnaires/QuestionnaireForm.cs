using System.Globalization;
using System.Text;
using Alliance.Measures;

namespace Alliance.Web.Features.Questionnaires;

/// <summary>
/// An instrument as an HTML form, for a family member on their phone or a therapist copying a paper form: the
/// answers read from the posted fields (<c>a.{linkId}</c>, and <c>p.{linkId}</c> for "keep this private"), what was
/// typed (so a form with an error keeps it), and the error beside each item.
/// </summary>
public sealed class QuestionnaireForm
{
    private readonly List<ItemAnswer> _answers = [];

    public QuestionnaireForm(Instrument instrument, bool forFamily)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        Instrument = instrument;
        ForFamily = forFamily;
        var n = 0;
        foreach (var item in AnswerableItems) Numbers[item.LinkId] = ++n;
    }

    /// <summary>The instrument.</summary>
    public Instrument Instrument { get; }

    /// <summary>True for the family's own pages (plainer wording of errors); false for a therapist's transcription.</summary>
    public bool ForFamily { get; }

    /// <summary>The answers read, in the instrument's order.</summary>
    public IReadOnlyList<ItemAnswer> Answers => _answers;

    /// <summary>What was typed or chosen, by linkId.</summary>
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Free-text items the member asked to keep from the family.</summary>
    public HashSet<string> Private { get; } = new(StringComparer.Ordinal);

    /// <summary>The message beside each item with an error, by linkId (or the field the validator named).</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Each answerable item's number as the member reads it (display text is not numbered).</summary>
    public Dictionary<string, int> Numbers { get; } = new(StringComparer.Ordinal);

    /// <summary>True when an error was found.</summary>
    public bool HasErrors => Errors.Count > 0;

    /// <summary>Items answered in this form: everything but text to read. Items rated per member are not for this form.</summary>
    public IEnumerable<InstrumentItem> AnswerableItems => Instrument.Items.Where(i => i.Kind != ItemKind.Display && !i.PerMember);

    /// <summary>The name of an item's answer field.</summary>
    public static string FieldName(InstrumentItem item) => "a." + item?.LinkId;

    /// <summary>The name of a free-text item's "keep private" checkbox.</summary>
    public static string PrivateName(InstrumentItem item) => "p." + item?.LinkId;

    /// <summary>An HTML id for an item, safe whatever characters its linkId holds.</summary>
    public static string ElementId(string linkId)
    {
        var id = new StringBuilder("q-");
        foreach (var c in linkId ?? "") id.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return id.ToString();
    }

    /// <summary>Reads the posted answers; a value that cannot be read (a scale answer that is not a whole number) is an error beside its item.</summary>
    public static QuestionnaireForm Read(Instrument instrument, IFormCollection form, bool forFamily)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = new QuestionnaireForm(instrument, forFamily);
        foreach (var item in result.AnswerableItems)
        {
            var raw = form[FieldName(item)].FirstOrDefault()?.Trim();
            if (item.Kind == ItemKind.FreeText && item.PrivateAllowed && form[PrivateName(item)].Contains("true"))
                result.Private.Add(item.LinkId);
            if (string.IsNullOrEmpty(raw)) continue;
            result.Values[item.LinkId] = raw;
            AnswerValue? value = item.Kind switch
            {
                ItemKind.Scale => int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var point) ? AnswerValue.Scale(point) : null,
                ItemKind.Choice => AnswerValue.Option(raw),
                ItemKind.YesNo => raw switch { "yes" => AnswerValue.YesNo(true), "no" => AnswerValue.YesNo(false), _ => null },
                _ => AnswerValue.FreeText(raw),
            };
            if (value is null)
            {
                result.Errors[item.LinkId] = item.Kind == ItemKind.Scale ? "Enter a whole number." : "Choose yes or no.";
                continue;
            }
            result._answers.Add(new ItemAnswer(item.LinkId, value) { IsPrivate = result.Private.Contains(item.LinkId) });
        }
        return result;
    }

    /// <summary>Adds the validator's errors, one per item (the first one found), worded for the reader.</summary>
    public void AddErrors(IEnumerable<AnswerError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var error in errors)
            Errors.TryAdd(error.Field, Sentence(error.Message));
    }

    /// <summary>The item an error belongs to, named as the reader sees it: "Question 2 (We spent the session…)".</summary>
    public string Describe(string field)
    {
        var item = Instrument.FindItem(field);
        if (item is null || !Numbers.TryGetValue(field, out var number)) return field;
        var text = item.Text;
        if (text.Length > 60)
        {
            var cut = text[..57];
            var space = cut.LastIndexOf(' ');
            text = (space > 30 ? cut[..space] : cut).TrimEnd(',', ';', ' ') + "…";
        }
        return $"Question {number.ToString(CultureInfo.InvariantCulture)} ({text})";
    }

    /// <summary>The point of a scale that carries an anchor label ("Not at all"), if any.</summary>
    public static ScaleAnchor? AnchorAt(InstrumentItem item, int point) => item?.Anchors.FirstOrDefault(a => a.Value == point);

    /// <summary>The face that starts a child version's anchor ("😞 sad face: not at all"), or null for words only.</summary>
    public static string? FaceOf(ScaleAnchor? anchor)
    {
        if (anchor is null || anchor.Label.Length == 0 || char.IsLetterOrDigit(anchor.Label[0])) return null;
        var space = anchor.Label.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? anchor.Label[..space] : null;
    }

    /// <summary>An anchor's words without its face.</summary>
    public static string WordsOf(ScaleAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return FaceOf(anchor) is { } face ? anchor.Label[face.Length..].Trim() : anchor.Label;
    }

    /// <summary>An anchor's words as shown along the scale: for a face anchor ("😞 sad face: not at all"), the words after the face's name.</summary>
    public static string ShortWordsOf(ScaleAnchor anchor)
    {
        var words = WordsOf(anchor);
        var colon = words.IndexOf(": ", StringComparison.Ordinal);
        return FaceOf(anchor) is not null && colon > 0 ? words[(colon + 2)..] : words;
    }

    private string Sentence(string message)
    {
        if (message == "is required") return ForFamily ? "Please answer this question." : "This question needs an answer.";
        var text = message.StartsWith("is ", StringComparison.Ordinal) ? "This answer " + message : char.ToUpperInvariant(message[0]) + message[1..];
        return text.EndsWith('.') ? text : text + ".";
    }
}
