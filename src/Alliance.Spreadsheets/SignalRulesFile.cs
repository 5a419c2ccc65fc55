using System.Globalization;
using System.Text.Json;
using Alliance.Signals;

namespace Alliance.Spreadsheets;

/// <summary>
/// Reads an agency's rules file (<c>--rules FILE</c>): a JSON object that replaces any of the numbers
/// of the default rules and keeps the defaults for the rest. Keys: <c>instruments</c> (by id:
/// <c>cutoff</c>, <c>child_cutoff</c>, <c>reliable_change</c>), <c>rupture_drop</c>, <c>repair_margin</c>,
/// <c>repair_window</c>, <c>split_difference</c>, <c>not_on_track_from_rating</c>,
/// <c>not_on_track_fraction</c>, <c>termination_ratings</c>, <c>prolonged_sessions</c>,
/// <c>overrun_minutes</c>, <c>overrun_count</c>, <c>overrun_window</c>, <c>overrun_pause</c>,
/// <c>child_max_age</c> and <c>working_hours</c> (<c>start</c>, <c>end</c>, <c>days</c>). It also reads
/// <c>family_alliance_split</c> and <c>observer_family_alliance_split</c>, the dimension splits of the family
/// instruments, which apply only where answers are stored (the app): a spreadsheet folder holds totals, so
/// <c>alliance signals</c> accepts them and has nothing to apply them to.
/// </summary>
public static class SignalRulesFile
{
    private static readonly string[] DayWords = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>Reads a rules file from disk.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="defaults">The rules it changes; <see cref="SignalRules.Default"/> when null.</param>
    /// <exception cref="SignalRulesFileException">The file cannot be read or a field is wrong; the message names the field.</exception>
    public static SignalRules Load(string path, SignalRules? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SignalRulesFileException("the rules file cannot be read: " + e.Message, null, e);
        }

        return Parse(text, defaults);
    }

    /// <summary>Reads rules from JSON text.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="defaults">The rules it changes; <see cref="SignalRules.Default"/> when null.</param>
    /// <exception cref="SignalRulesFileException">The text is not JSON or a field is wrong; the message names the field.</exception>
    public static SignalRules Parse(string json, SignalRules? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var rules = defaults ?? SignalRules.Default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new SignalRulesFileException(
                string.Create(CultureInfo.InvariantCulture, $"the rules file is not valid JSON (line {(e.LineNumber ?? 0) + 1})"), null, e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SignalRulesFileException("the rules file must hold one JSON object", field: null);
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var name = property.Name;
                if (!seen.Add(name))
                {
                    throw Fail(name, "appears twice");
                }

                var value = property.Value;
                rules = name switch
                {
                    "instruments" => rules with { Instruments = ReadInstruments(value, rules.Instruments) },
                    "rupture_drop" => rules with { RuptureDrop = ScoreValue(name, value) },
                    "repair_margin" => rules with { RepairMargin = ScoreValue(name, value) },
                    "repair_window" => rules with { RepairWindow = Whole(name, value) },
                    "split_difference" => rules with { SplitDifference = ScoreValue(name, value) },
                    "family_alliance_split" => rules with { FamilyAllianceSplit = ScoreValue(name, value) },
                    "observer_family_alliance_split" => rules with { ObserverFamilyAllianceSplit = ScoreValue(name, value) },
                    "not_on_track_from_rating" => rules with { NotOnTrackFromRating = Whole(name, value) },
                    "not_on_track_fraction" => rules with { NotOnTrackFraction = Fraction(name, value) },
                    "termination_ratings" => rules with { TerminationRatings = Whole(name, value) },
                    "prolonged_sessions" => rules with { ProlongedSessions = Whole(name, value) },
                    "overrun_minutes" => rules with { OverrunMinutes = Whole(name, value) },
                    "overrun_count" => rules with { OverrunCount = Whole(name, value) },
                    "overrun_window" => rules with { OverrunWindow = Whole(name, value) },
                    "overrun_pause" => rules with { OverrunPause = Whole(name, value) },
                    "child_max_age" => rules with { ChildMaxAge = Whole(name, value) },
                    "working_hours" => rules with { WorkingHours = ReadWorkingHours(value, rules.WorkingHours) },
                    _ => throw Fail(name, "is not a setting of the rules"),
                };
            }
        }

        try
        {
            rules.Validate();
        }
        catch (ArgumentException e)
        {
            var field = e.Message.Split(':', 2)[0];
            throw new SignalRulesFileException(e.Message, field, e);
        }

        return rules;
    }

    private static SignalRulesFileException Fail(string field, string sentence) => new($"{field}: {sentence}", field);

    private static InstrumentCatalogue ReadInstruments(JsonElement value, InstrumentCatalogue catalogue)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail("instruments", "must be an object of instrument ids");
        }

        foreach (var entry in value.EnumerateObject())
        {
            var field = "instruments." + entry.Name;
            var instrument = catalogue.Find(entry.Name) ?? throw Fail(field, "is not an instrument this agency knows");
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                throw Fail(field, "must be an object with cutoff, child_cutoff or reliable_change");
            }

            foreach (var setting in entry.Value.EnumerateObject())
            {
                var name = field + "." + setting.Name;
                instrument = setting.Name switch
                {
                    "cutoff" => instrument with { Cutoff = OptionalScore(name, setting.Value) },
                    "child_cutoff" => instrument with { ChildCutoff = OptionalScore(name, setting.Value) },
                    "reliable_change" => instrument with { ReliableChange = OptionalScore(name, setting.Value) },
                    _ => throw Fail(name, "is not a setting of an instrument (cutoff, child_cutoff, reliable_change)"),
                };
            }

            catalogue = catalogue.With(instrument);
        }

        return catalogue;
    }

    private static WorkingHours ReadWorkingHours(JsonElement value, WorkingHours hours)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail("working_hours", "must be an object with start, end and days");
        }

        foreach (var setting in value.EnumerateObject())
        {
            var name = "working_hours." + setting.Name;
            hours = setting.Name switch
            {
                "start" => hours with { Start = Time(name, setting.Value) },
                "end" => hours with { End = Time(name, setting.Value) },
                "days" => hours with { Days = Days(name, setting.Value) },
                _ => throw Fail(name, "is not a setting of working hours (start, end, days)"),
            };
        }

        return hours;
    }

    private static TimeOnly Time(string name, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
        return text.Length == 5 && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw Fail(name, "must be a time written HH:MM (24-hour)");
    }

    private static DayOfWeek[] Days(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(name, "must be a list of days (mon, tue, wed, thu, fri, sat, sun)");
        }

        var days = new List<DayOfWeek>();
        foreach (var item in value.EnumerateArray())
        {
            var word = item.ValueKind == JsonValueKind.String ? item.GetString()! : string.Empty;
            var index = Array.FindIndex(DayWords, d => d.Equals(word, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw Fail(name, "must be a list of days (mon, tue, wed, thu, fri, sat, sun)");
            }

            if (!days.Contains((DayOfWeek)index))
            {
                days.Add((DayOfWeek)index);
            }
        }

        return [.. days];
    }

    private static Score? OptionalScore(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? null : ScoreValue(name, value);

    private static Score ScoreValue(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && Score.TryParse(value.GetRawText(), out var score)
            ? score
            : throw Fail(name, "must be a number with at most one decimal");

    private static int Whole(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.GetRawText().All(char.IsAsciiDigit) && value.TryGetInt32(out var whole)
            ? whole
            : throw Fail(name, "must be a whole number");

    private static decimal Fraction(string name, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var fraction)
            ? fraction
            : throw Fail(name, "must be a number");
}

/// <summary>A rules file that cannot be used; the message names the field (<c>rupture_drop: must be a number with at most one decimal</c>).</summary>
public sealed class SignalRulesFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SignalRulesFileException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public SignalRulesFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SignalRulesFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a field.</summary>
    /// <param name="message">What is wrong, starting with the field.</param>
    /// <param name="field">The field (<c>instruments.alliance-check.cutoff</c>), or null for the whole file.</param>
    /// <param name="innerException">The cause, or null.</param>
    public SignalRulesFileException(string message, string? field, Exception? innerException = null)
        : base(message, innerException)
    {
        Field = field;
    }

    /// <summary>The field at fault, or null when the whole file is.</summary>
    public string? Field { get; }
}
