using Alliance.Web.Features.Shared;

namespace Alliance.Web.Features.Alerts;

/// <summary>An alert kind as a heading reads it: its words ("Unrepaired rupture"), or a name where the words are a code.</summary>
public static class AlertLabel
{
    /// <summary>The heading of an alert of this kind.</summary>
    public static string Of(string kind) => kind switch
    {
        "phq9-item9-risk" => "PHQ-9 item 9: risk of self-harm",
        _ => Words.Capital((kind ?? "").Replace('-', ' ')),
    };

    /// <summary>The kind in lower case words, as a list reads it.</summary>
    public static string Lower(string kind) => kind switch
    {
        "phq9-item9-risk" => "PHQ-9 item 9 risk",
        _ => (kind ?? "").Replace('-', ' '),
    };
}
