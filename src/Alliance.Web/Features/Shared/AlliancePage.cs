using System.Globalization;
using Alliance.Application;
using Alliance.Domain;
using Alliance.Web.Security;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Alliance.Web.Features.Shared;

/// <summary>Base for Alliance's pages: the signed-in actor, and domain errors shown beside their field.</summary>
public abstract class AlliancePage : PageModel
{
    /// <summary>The signed-in staff member.</summary>
    protected Actor Actor => User.RequireActor();

    /// <summary>
    /// Runs a change; a broken rule becomes a message beside the field it names (or at the top of the form),
    /// and the page is shown again with what the person typed. Nothing is saved in that case.
    /// </summary>
    protected async Task<bool> TryAsync(Func<Task> change, string? prefix = "Input")
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            await change().ConfigureAwait(false);
            return true;
        }
        catch (DomainRuleException e)
        {
            ModelState.AddModelError(prefix is null ? string.Empty : FieldKey(prefix, e.Field), e.Message);
            return false;
        }
    }

    /// <summary>Maps the domain's field name (camelCase) to the form's (Input.PascalCase).</summary>
    internal static string FieldKey(string prefix, string field)
    {
        if (string.IsNullOrEmpty(field)) return string.Empty;
        var pascal = string.Join('.', field.Split('.').Select(Words.Capital));
        return string.IsNullOrEmpty(prefix) ? pascal : $"{prefix}.{pascal}";
    }

    /// <summary>Shows a short confirmation on the next page.</summary>
    protected void Flash(string message) => TempData["Flash"] = message;
}

/// <summary>Formats instants in the agency's time zone, the way people read them.</summary>
public sealed class LocalTime(string timeZoneId)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);

    /// <summary>The agency's local time of a UTC instant.</summary>
    public DateTime Of(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone);

    /// <summary>"Tue 3 Dec 2026, 14:00".</summary>
    public string When(DateTime? utc) => utc is { } u ? Of(u).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>"Tue 3 Dec".</summary>
    public string Day(DateTime? utc) => utc is { } u ? Of(u).ToString("ddd d MMM", CultureInfo.InvariantCulture) : "—";

    /// <summary>"14:00".</summary>
    public string Clock(DateTime? utc) => utc is { } u ? Of(u).ToString("HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>The value for a datetime-local input.</summary>
    public string Input(DateTime utc) => Of(utc).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    /// <summary>A local wall-clock time typed into a form, as UTC.</summary>
    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(System.DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone);
}

/// <summary>Words for the domain's values, as a clinician says them.</summary>
public static class Words
{
    public static string Of(FamilyRole role) => role switch
    {
        FamilyRole.Parent => "parent",
        FamilyRole.Caregiver => "caregiver",
        FamilyRole.Child => "child",
        FamilyRole.Partner => "partner",
        FamilyRole.Client => "client",
        _ => "other",
    };

    public static string Of(Modality? modality) => modality switch
    {
        Modality.InPerson => "in person",
        Modality.Video => "video",
        Modality.Phone => "phone",
        Modality.HomeVisit => "home visit",
        _ => "—",
    };

    public static string Of(SessionStatus status) => status switch
    {
        SessionStatus.Scheduled => "planned",
        SessionStatus.Held => "held",
        SessionStatus.Cancelled => "cancelled",
        SessionStatus.NoShow => "no-show",
        _ => status.ToString(),
    };

    public static string Of(EpisodePhase phase) => Episode.Describe(phase);

    public static string Of(ReviewDecision decision) => decision switch
    {
        ReviewDecision.Continue => "continue as planned",
        ReviewDecision.ChangeApproach => "change the approach",
        _ => "plan an ending",
    };

    /// <summary>Upper-cases the first letter.</summary>
    public static string Capital(string s) => string.IsNullOrEmpty(s) ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
