using System.Text.Json;
using Alliance.Boundaries;
using Alliance.Domain;

namespace Alliance.Application.Boundaries;

/// <summary>The agency's numbers for time beyond therapeutic need, kept with its boundary settings.</summary>
public static class TimeRules
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The detectors' settings of the agency: its stored numbers (or the defaults) and its share ratio.</summary>
    public static TimeBeyondNeedSettings Of(BoundarySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var stored = settings.TimeRulesJson is { } json ? JsonSerializer.Deserialize<TimeBeyondNeedSettings>(json, Json) : null;
        return (stored ?? TimeBeyondNeedSettings.Default) with { ShareRatio = settings.HoursShareRatio };
    }

    /// <summary>Checks the numbers (the first out of range is named) and stores them with the agency's settings.</summary>
    public static void Store(BoundarySettings settings, TimeBeyondNeedSettings time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var checkedTime = time with { ShareRatio = settings.HoursShareRatio };
        try
        {
            checkedTime.Validate();
        }
        catch (DomainRuleException e)
        {
            throw new DomainRuleException("time." + e.Field, e.Message);
        }
        settings.SetTimeRules(JsonSerializer.Serialize(checkedTime, Json));
    }
}
