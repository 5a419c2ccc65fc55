using Alliance.Domain;
using Alliance.Web.Features.Cases;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Sessions;

/// <summary>Records a session as held: when it really started and ended, who came, how, and the notes.</summary>
public sealed class RecordModel(GetCase getCase, SessionWork sessions, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    public sealed class InputModel
    {
        public DateTime? ActualStart { get; set; }
        public DateTime? ActualEnd { get; set; }
        public List<Guid> Attendees { get; set; } = [];
        public Modality Modality { get; set; } = Modality.InPerson;
        public string? Notes { get; set; }
    }

    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public InputModel Input { get; set; } = new();
    public CaseDetails Case { get; private set; } = null!;
    public SessionView Session { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var time = new LocalTime(Case.TimeZoneId);
        var start = Session.ActualStart ?? Session.ScheduledStart;
        Input.ActualStart = time.Of(start);
        Input.ActualEnd = time.Of(Session.ActualEnd ?? start.AddMinutes(Session.ScheduledMinutes));
        Input.Attendees = Session.AttendeeIds.Count > 0 ? Session.AttendeeIds.ToList() : Case.Members.Select(m => m.Id).ToList();
        Input.Modality = Session.Modality ?? Modality.InPerson;
        Input.Notes = Session.Notes;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Input.ActualStart is not { } start) ModelState.AddModelError("Input.ActualStart", "Enter when the session started.");
        if (Input.ActualEnd is not { } end) ModelState.AddModelError("Input.ActualEnd", "Enter when the session ended.");
        if (!ModelState.IsValid) return Page();
        var time = new LocalTime(Case.TimeZoneId);
        var command = new RecordSessionCommand(Id, time.ToUtc(Input.ActualStart!.Value), time.ToUtc(Input.ActualEnd!.Value), Input.Attendees, Input.Modality, Input.Notes);
        if (await TryAsync(() => sessions.HandleAsync(Actor, command, ct)))
        {
            Flash($"Session {Session.Number} is recorded.");
            return Redirect($"/cases/{Case.Id}");
        }
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var (c, _) = await db.LoadVisibleSessionAsync(Actor, Id, ct);
        Case = await getCase.HandleAsync(Actor, c.Id, ct);
        Session = Case.Episode.Sessions.Concat(Case.EarlierEpisodes.SelectMany(e => e.Sessions)).Single(s => s.Id == Id);
    }
}
