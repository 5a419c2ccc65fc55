using System.Globalization;
using System.Text;
using System.Text.Json;
using Alliance.Signals;
using Alliance.Spreadsheets;

namespace Alliance.Application.Feedback;

/// <summary>How a rule number is written.</summary>
public enum RuleValueKind
{
    /// <summary>Questionnaire points, at most one decimal (5, 2.5).</summary>
    Points,

    /// <summary>A whole number (ratings, sessions, minutes, years).</summary>
    Whole,

    /// <summary>A fraction (0.5).</summary>
    Fraction,

    /// <summary>A time of day, HH:MM.</summary>
    Time,

    /// <summary>Days of the week (mon ... sun).</summary>
    Days,
}

/// <summary>One number of the feedback rules as the thresholds page shows it.</summary>
/// <param name="Key">Its field in the rules JSON (<c>rupture_drop</c>, <c>instruments.phq-9.cutoff</c>, <c>working_hours.start</c>).</param>
/// <param name="Group">The heading it is listed under.</param>
/// <param name="Label">What it is, in a clinician's words.</param>
/// <param name="Unit">The unit shown after the value ("points", "ratings"), or empty.</param>
/// <param name="Kind">How it is written.</param>
/// <param name="Source">Where the default comes from, in one line.</param>
/// <param name="Optional">True when it may be left empty (a child cutoff: the adult cutoff applies).</param>
public sealed record RuleSetting(string Key, string Group, string Label, string Unit, RuleValueKind Kind, string Source, bool Optional = false);

/// <summary>A value of the thresholds form that cannot be used.</summary>
/// <param name="Key">The field (<see cref="RuleSetting.Key"/>, or <c>reason</c>).</param>
/// <param name="Message">What is wrong, starting with the field's name.</param>
public sealed record RuleProblem(string Key, string Message);

/// <summary>The rules as a form gave them: the JSON to store (only what differs from the defaults) and the rules it makes.</summary>
/// <param name="Json">The JSON of <c>--rules</c>, or null when every number is the default.</param>
/// <param name="Rules">The effective rules.</param>
/// <param name="Changes">Each number that differs from the rules it replaces, as "key: old → new".</param>
public sealed record RuleSettingsResult(string? Json, SignalRules Rules, IReadOnlyList<string> Changes);

/// <summary>
/// Every number of the feedback rules that an agency can change, with its default's source (the sources documented on
/// <see cref="SignalRules"/> and <see cref="InstrumentCatalogue"/>), and the translation between a form and the
/// rules JSON that <see cref="SignalRulesFile"/> reads.
/// </summary>
public static class RuleSettings
{
    private static readonly string[] DayWords = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>The days in the order a week is shown (Monday first), as the JSON writes them.</summary>
    public static IReadOnlyList<string> WeekDays { get; } = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>The instruments whose cutoffs and reliable-change values the rules read.</summary>
    public static IReadOnlyList<string> RuleInstruments { get; } =
        [.. InstrumentCatalogue.Default.Where(i => i.Role != InstrumentRole.Other).Select(i => i.Id)];

    /// <summary>Every setting, in the order the page lists them.</summary>
    public static IReadOnlyList<RuleSetting> All { get; } = Build();

    private static List<RuleSetting> Build()
    {
        const string alliance = "Alliance", progress = "Progress", ending = "Ending", boundaries = "Boundaries", hours = "Working hours for contact";
        const string provisional = "Provisional: the spreadsheet format's default until the agency calibrates its own.";
        var list = new List<RuleSetting>
        {
            new("rupture_drop", alliance, "Rupture: a member's alliance rating falls at least this far below their previous one", "points", RuleValueKind.Points,
                "Rupture-repair read as session-to-session drops, Stiles et al. (2004), J Counseling Psychology 51(1); 5 points is the SRS/ORS reliable-change convention, provisional."),
            new("repair_margin", alliance, "Repair: a later rating comes back to within this of the rating before the rupture", "points", RuleValueKind.Points,
                "Repair as a return towards the earlier level, Stiles et al. (2004); provisional."),
            new("repair_window", alliance, "Repair window: ratings after a rupture in which it can still be repaired", "ratings", RuleValueKind.Whole, provisional),
            new("split_difference", alliance, "Split alliance: family members' ratings at one session this far apart or more", "points", RuleValueKind.Points,
                "Split alliances in family therapy, Pinsof & Catherall (1986); Friedlander, Escudero & Heatherington (2006); 6 points provisional."),
            new("family_alliance_split", alliance, "Split alliance on the family alliance questionnaire: two members this far apart on one dimension (1-5 scale)", "points", RuleValueKind.Points,
                "Dimensions after SOFTA, Friedlander, Escudero & Heatherington (2006); split alliances, Pinsof & Catherall (1986); 1.5 points provisional."),
            new("observer_family_alliance_split", alliance, "Split alliance in observer ratings: two members rated this far apart on one dimension (-3 to +3 scale)", "points", RuleValueKind.Points,
                "The SOFTA-o scale, Friedlander, Escudero & Heatherington (2006); 3 points (half the scale) provisional."),
            new("not_on_track_from_rating", progress, "Not on track: checked from this rating in an outcome series on", "rating", RuleValueKind.Whole,
                "Little early change predicts a poor outcome: Howard et al. (1986); Haas et al. (2002); Lambert et al. (2001)."),
            new("not_on_track_fraction", progress, "Not on track without an agency trajectory: improvement below this share of the reliable-change value", "of the reliable change", RuleValueKind.Fraction,
                "The early-change rule; one half is provisional. With 100 closed episodes the agency's expected trajectory is used instead (decision 0003)."),
            new("termination_ratings", ending, "Termination due: this many latest ratings all non-clinical and steady", "ratings", RuleValueKind.Whole, provisional),
            new("prolonged_sessions", ending, "Treatment prolonged: held sessions attended after termination became due", "sessions", RuleValueKind.Whole, provisional),
            new("child_max_age", ending, "Child versions and child cutoffs apply up to this age", "years", RuleValueKind.Whole,
                "The child versions are for ages 6-12, like the child SRS and ORS, Duncan et al. (2006), J Brief Therapy 5(2)."),
            new("overrun_minutes", boundaries, "Session overrun: a session ran this long past its planned length", "minutes", RuleValueKind.Whole,
                "Repeatedly stretched time is an early sign of boundary erosion, Gutheil & Gabbard (1993), Am J Psychiatry 150(2); provisional."),
            new("overrun_count", boundaries, "Session overrun: this many overruns among the latest sessions", "sessions", RuleValueKind.Whole, "Gutheil & Gabbard (1993); provisional."),
            new("overrun_window", boundaries, "Session overrun: how many of the latest held sessions are looked at", "sessions", RuleValueKind.Whole, provisional),
            new("overrun_pause", boundaries, "Session overrun: after it fires, sessions before it can fire again", "sessions", RuleValueKind.Whole, provisional),
            new("working_hours.start", hours, "Contact initiated by a therapist before this time is out of hours", "", RuleValueKind.Time,
                "Contact outside agreed hours is a boundary warning sign, Gutheil & Gabbard (1993); 07:00 to 20:00 is the format's default."),
            new("working_hours.end", hours, "... and from this time on", "", RuleValueKind.Time, "The spreadsheet format's default."),
            new("working_hours.days", hours, "Working days for contact (other days are out of hours)", "", RuleValueKind.Days, "Monday to Friday, the spreadsheet format's default."),
        };

        foreach (var id in RuleInstruments)
        {
            var (cutoff, child, change) = InstrumentSources(id);
            var group = "Questionnaire " + id;
            list.Add(new($"instruments.{id}.cutoff", group, "Clinical cutoff for adults (for an alliance check: low alliance)", "points", RuleValueKind.Points, cutoff));
            list.Add(new($"instruments.{id}.child_cutoff", group, "Clinical cutoff for children (empty: the adult cutoff)", "points", RuleValueKind.Points, child, Optional: true));
            list.Add(new($"instruments.{id}.reliable_change", group, "Reliable change: the smallest change that counts", "points", RuleValueKind.Points, change));
        }

        return list;
    }

    private static (string Cutoff, string Child, string Change) InstrumentSources(string id) => id switch
    {
        "alliance-check" or "child-alliance-check" => (
            "Below 36, the Session Rating Scale convention, Duncan et al. (2003), J Brief Therapy 3(1); provisional.",
            "No separate child cutoff by default.",
            "5 points, the SRS/ORS convention; provisional."),
        "wellbeing-check" or "child-wellbeing-check" => (
            "Below 25, the Outcome Rating Scale's clinical cutoff, Miller et al. (2003), J Brief Therapy 2(2).",
            "Below 32, the Child Outcome Rating Scale's cutoff, Duncan et al. (2006), J Brief Therapy 5(2).",
            "5 points, the ORS value (Miller et al., 2003, after Jacobson & Truax, 1991)."),
        "phq-9" => (
            "10 or more, the English IAPT programme's value (IAPT Manual, NCCMH); PHQ-9, Kroenke, Spitzer & Williams (2001).",
            "No separate child cutoff by default.",
            "6 points, the IAPT value (after Jacobson & Truax, 1991)."),
        "gad-7" => (
            "8 or more, the English IAPT programme's value (IAPT Manual, NCCMH); GAD-7, Spitzer et al. (2006).",
            "No separate child cutoff by default.",
            "4 points, the IAPT value (after Jacobson & Truax, 1991)."),
        _ => ("", "", ""),
    };

    /// <summary>A setting's value in the given rules, as the form writes it (empty for a missing optional value).</summary>
    /// <param name="setting">The setting.</param>
    /// <param name="rules">The rules.</param>
    public static string ValueOf(RuleSetting setting, SignalRules rules)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(rules);
        var inv = CultureInfo.InvariantCulture;
        if (TryInstrumentKey(setting.Key, out var id, out var field))
        {
            var instrument = rules.Instruments.Find(id) ?? InstrumentCatalogue.Default.Find(id)!;
            var value = field switch
            {
                "cutoff" => instrument.Cutoff,
                "child_cutoff" => instrument.ChildCutoff,
                _ => instrument.ReliableChange,
            };
            return value?.ToString() ?? "";
        }

        return setting.Key switch
        {
            "rupture_drop" => rules.RuptureDrop.ToString(),
            "repair_margin" => rules.RepairMargin.ToString(),
            "repair_window" => rules.RepairWindow.ToString(inv),
            "split_difference" => rules.SplitDifference.ToString(),
            "family_alliance_split" => rules.FamilyAllianceSplit.ToString(),
            "observer_family_alliance_split" => rules.ObserverFamilyAllianceSplit.ToString(),
            "not_on_track_from_rating" => rules.NotOnTrackFromRating.ToString(inv),
            "not_on_track_fraction" => rules.NotOnTrackFraction.ToString("0.###", inv),
            "termination_ratings" => rules.TerminationRatings.ToString(inv),
            "prolonged_sessions" => rules.ProlongedSessions.ToString(inv),
            "child_max_age" => rules.ChildMaxAge.ToString(inv),
            "overrun_minutes" => rules.OverrunMinutes.ToString(inv),
            "overrun_count" => rules.OverrunCount.ToString(inv),
            "overrun_window" => rules.OverrunWindow.ToString(inv),
            "overrun_pause" => rules.OverrunPause.ToString(inv),
            "working_hours.start" => rules.WorkingHours.Start.ToString("HH:mm", inv),
            "working_hours.end" => rules.WorkingHours.End.ToString("HH:mm", inv),
            "working_hours.days" => string.Join(' ', WeekDays.Where(d => rules.WorkingHours.Days.Contains(Day(d)))),
            _ => throw new ArgumentException("Not a rule setting.", nameof(setting)),
        };
    }

    /// <summary>
    /// Reads the form's values into rules, checking each and then the whole; the JSON keeps only the numbers that differ
    /// from the defaults, so a later change of a default reaches the numbers the agency never changed.
    /// </summary>
    /// <param name="form">The submitted values by <see cref="RuleSetting.Key"/> (days: one value per day, or one value with days separated by spaces or commas).</param>
    /// <param name="current">The rules in force now, to list what changed.</param>
    /// <param name="problems">Every value that cannot be used, naming its field; empty on success.</param>
    /// <returns>The result, or null when there are problems.</returns>
    public static RuleSettingsResult? Read(IReadOnlyDictionary<string, IReadOnlyList<string>> form, SignalRules current, out IReadOnlyList<RuleProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(current);
        var found = new List<RuleProblem>();
        var top = new List<(string Key, string Raw)>();
        var hours = new List<(string Key, string Raw)>();
        var instruments = new SortedDictionary<string, List<(string Field, string Raw)>>(StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var setting in All)
        {
            var values = form.TryGetValue(setting.Key, out var v) ? v : [];
            if (!TryNormalize(setting, values, out var text, out var problem))
            {
                found.Add(new RuleProblem(setting.Key, problem));
                continue;
            }

            var before = ValueOf(setting, current);
            if (!string.Equals(before, text, StringComparison.Ordinal))
            {
                changes.Add($"{setting.Key}: {Shown(before)} → {Shown(text)}");
            }

            if (string.Equals(ValueOf(setting, SignalRules.Default), text, StringComparison.Ordinal))
            {
                continue;
            }

            var raw = Raw(setting, text);
            if (TryInstrumentKey(setting.Key, out var id, out var field))
            {
                if (!instruments.TryGetValue(id, out var fields))
                {
                    instruments[id] = fields = [];
                }

                fields.Add((field, raw));
            }
            else if (setting.Key.StartsWith("working_hours.", StringComparison.Ordinal))
            {
                hours.Add((setting.Key["working_hours.".Length..], raw));
            }
            else
            {
                top.Add((setting.Key, raw));
            }
        }

        if (found.Count > 0)
        {
            problems = found;
            return null;
        }

        var json = top.Count + hours.Count + instruments.Count == 0 ? null : Write(top, hours, instruments);
        try
        {
            var rules = AgencyRules.Parse(json);
            problems = [];
            return new RuleSettingsResult(json, rules, changes);
        }
        catch (SignalRulesFileException e)
        {
            var key = e.Field is { } f && All.Any(s => s.Key == f) ? f : All[0].Key;
            problems = [new RuleProblem(key, Sentence(e.Message))];
            return null;
        }
    }

    private static bool TryNormalize(RuleSetting setting, IReadOnlyList<string> values, out string text, out string problem)
    {
        var inv = CultureInfo.InvariantCulture;
        problem = "";
        var raw = string.Join(' ', values.Where(x => x is not null)).Trim();
        text = raw;
        if (setting.Kind == RuleValueKind.Days)
        {
            var days = raw.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
                .Select(d => WeekDays.FirstOrDefault(w => string.Equals(w, d, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (days.Count == 0 || days.Any(d => d is null))
            {
                problem = $"{setting.Key}: tick at least one day.";
                return false;
            }

            text = string.Join(' ', WeekDays.Where(d => days.Contains(d)));
            return true;
        }

        if (raw.Length == 0)
        {
            if (setting.Optional)
            {
                return true;
            }

            problem = $"{setting.Key}: enter a value.";
            return false;
        }

        switch (setting.Kind)
        {
            case RuleValueKind.Points:
                if (!Score.TryParse(raw, out var score) || score.Tenths < 0)
                {
                    problem = $"{setting.Key}: enter a number of points of 0 or more, with at most one decimal.";
                    return false;
                }

                if (TryInstrumentKey(setting.Key, out var id, out var field) && InstrumentCatalogue.Default.Find(id) is { } instrument)
                {
                    var width = instrument.High - instrument.Low;
                    if (field == "reliable_change" ? score > width : !instrument.InRange(score))
                    {
                        problem = field == "reliable_change"
                            ? $"{setting.Key}: must be at most {width}, the width of the questionnaire's range."
                            : $"{setting.Key}: must be within the questionnaire's range, {instrument.Low} to {instrument.High}.";
                        return false;
                    }
                }

                text = score.ToString();
                return true;

            case RuleValueKind.Whole:
                if (!int.TryParse(raw, NumberStyles.None, inv, out var whole) || whole > 1000)
                {
                    problem = $"{setting.Key}: enter a whole number from 0 to 1000.";
                    return false;
                }

                text = whole.ToString(inv);
                return true;

            case RuleValueKind.Fraction:
                if (!decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, inv, out var fraction))
                {
                    problem = $"{setting.Key}: enter a number such as 0.5.";
                    return false;
                }

                text = fraction.ToString("0.###", inv);
                if (fraction != decimal.Parse(text, inv))
                {
                    problem = $"{setting.Key}: use at most three decimals.";
                    return false;
                }

                return true;

            default:
                if (raw.Length != 5 || !TimeOnly.TryParseExact(raw, "HH:mm", inv, DateTimeStyles.None, out var time))
                {
                    problem = $"{setting.Key}: enter a time such as 07:00.";
                    return false;
                }

                text = time.ToString("HH:mm", inv);
                return true;
        }
    }

    private static string Raw(RuleSetting setting, string text) => setting.Kind switch
    {
        RuleValueKind.Time => JsonSerializer.Serialize(text),
        RuleValueKind.Days => JsonSerializer.Serialize(text.Split(' ')),
        _ when text.Length == 0 => "null",
        _ => text,
    };

    private static string Write(List<(string Key, string Raw)> top, List<(string Key, string Raw)> hours, SortedDictionary<string, List<(string Field, string Raw)>> instruments)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, raw) in top)
            {
                writer.WritePropertyName(key);
                writer.WriteRawValue(raw);
            }

            if (hours.Count > 0)
            {
                writer.WriteStartObject("working_hours");
                foreach (var (key, raw) in hours)
                {
                    writer.WritePropertyName(key);
                    writer.WriteRawValue(raw);
                }

                writer.WriteEndObject();
            }

            if (instruments.Count > 0)
            {
                writer.WriteStartObject("instruments");
                foreach (var (id, fields) in instruments)
                {
                    writer.WriteStartObject(id);
                    foreach (var (field, raw) in fields)
                    {
                        writer.WritePropertyName(field);
                        writer.WriteRawValue(raw);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static bool TryInstrumentKey(string key, out string id, out string field)
    {
        id = field = "";
        if (!key.StartsWith("instruments.", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key["instruments.".Length..];
        var dot = rest.LastIndexOf('.');
        if (dot <= 0)
        {
            return false;
        }

        (id, field) = (rest[..dot], rest[(dot + 1)..]);
        return true;
    }

    private static DayOfWeek Day(string word) => (DayOfWeek)Array.IndexOf(DayWords, word);

    private static string Shown(string value) => value.Length == 0 ? "(none)" : value;

    private static string Sentence(string message) => message.EndsWith('.') ? message : message + ".";
}
