using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Admin;

/// <summary>The agency's name, time zone, working days and hours.</summary>
public sealed class SettingsModel(AgencyAdministration admin) : AlliancePage
{
    public sealed class InputModel
    {
        public string Name { get; set; } = "";
        public string TimeZoneId { get; set; } = "";
        public List<DayOfWeek> WorkingDays { get; set; } = [];
        public TimeOnly WorkdayStart { get; set; }
        public TimeOnly WorkdayEnd { get; set; }
        [System.ComponentModel.DataAnnotations.DisplayFormat(ConvertEmptyStringToNull = false)]
        public string CrisisContacts { get; set; } = "";
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct)
    {
        var s = await admin.GetSettingsAsync(Actor, ct);
        Input = new InputModel { Name = s.Name, TimeZoneId = s.TimeZoneId, WorkingDays = s.WorkingDays.ToList(), WorkdayStart = s.WorkdayStart, WorkdayEnd = s.WorkdayEnd, CrisisContacts = s.CrisisContacts ?? "" };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid) return Page();
        if (await TryAsync(() => admin.UpdateSettingsAsync(Actor, new AgencySettings(Input.Name, Input.TimeZoneId, Input.WorkingDays, Input.WorkdayStart, Input.WorkdayEnd, Input.CrisisContacts ?? ""), ct)))
        {
            Flash("Settings saved.");
            return RedirectToPage();
        }
        return Page();
    }
}
