using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Process;

/// <summary>The first visit's orientation: the checklist, the family's agreements and each member's agreement or assent.</summary>
public sealed class OrientationModel(GetProcess getProcess, ProcessWork work, TimeProvider clock) : AlliancePage
{
    public sealed class MemberInput
    {
        public Guid MemberId { get; set; }
        public bool Present { get; set; }
        public Guid? ConsentingMemberId { get; set; }
        public bool Measures { get; set; }
        public bool Feedback { get; set; }
    }

    public sealed class InputModel
    {
        public Guid? SessionId { get; set; }
        public List<string> Topics { get; set; } = [];
        public SecretsPolicy SecretsPolicy { get; set; }
        public string? SecretsRule { get; set; }
        public YoungPersonSharing YoungPersonSharing { get; set; } = YoungPersonSharing.ScoresOnly;
        public List<MemberInput> Members { get; set; } = [];
    }

    public sealed class OverrideInput
    {
        public OverrideScope Scope { get; set; }
        public Guid? MemberId { get; set; }
        public string Reason { get; set; } = "";
    }

    [FromRoute] public Guid CaseId { get; set; }
    [BindProperty] public InputModel Input { get; set; } = new();
    public OverrideInput Override { get; set; } = new();
    public CaseProcess Process { get; private set; } = null!;
    public bool ReadOnly => Process.Episode.Phase == EpisodePhase.Closed;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var e = Process.Episode;
        Input.SecretsPolicy = e.SecretsPolicy ?? SecretsPolicy.NoSecrets;
        Input.SecretsRule = e.SecretsRule;
        Input.YoungPersonSharing = e.YoungPersonSharing ?? YoungPersonSharing.ScoresOnly;
        Input.SessionId = Process.Sessions.FirstOrDefault(s => s.StartsAt.Date <= clock.GetUtcNow().UtcDateTime.Date)?.Id ?? Process.Sessions.LastOrDefault()?.Id;
        var guardian = Process.Guardians.FirstOrDefault()?.Id;
        // Members still to be oriented (or to agree again) are ticked; the therapist unticks anyone not here.
        Input.Members = Process.Members.Select(m => new MemberInput
        {
            MemberId = m.Id,
            Present = Process.OrientationOf(m) is { IsOriented: false } or { NeedsRenewal: true },
            ConsentingMemberId = m.IsChildIn(Process.Year) ? guardian : null,
            Measures = true,
            Feedback = true,
        }).ToList();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var command = new RecordOrientationCommand(CaseId, Input.SessionId, Input.Topics, Input.SecretsPolicy, Input.SecretsRule, Input.YoungPersonSharing,
            Input.Members.Select(m => new MemberConsentInput(m.MemberId, m.Present, m.ConsentingMemberId, m.Measures, m.Feedback)).ToList());
        var count = 0;
        if (await TryAsync(async () => count = await work.HandleAsync(Actor, command, ct)))
        {
            Flash(count == 1 ? "The orientation is recorded for one member." : $"The orientation is recorded for {count} members.");
            return Redirect($"/cases/{CaseId}");
        }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostOverrideAsync([FromForm(Name = "Override")] OverrideInput input, CancellationToken ct)
    {
        Override = input;
        if (await TryAsync(() => work.HandleAsync(Actor, new OverrideCommand(CaseId, input.Scope, input.MemberId, input.Reason), ct), "Override"))
        {
            Flash("Your reason is recorded.");
            return Redirect($"/cases/{CaseId}");
        }
        ModelState.Remove("Input.Topics");
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostBeginAsync(CancellationToken ct)
    {
        if (await TryAsync(() => work.BeginAsync(Actor, CaseId, ct), prefix: null))
        {
            Flash("The active work has begun.");
            return Redirect($"/cases/{CaseId}");
        }
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) => Process = await getProcess.HandleAsync(Actor, CaseId, ct);
}
