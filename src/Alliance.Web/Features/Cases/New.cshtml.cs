using Alliance.Domain;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;

namespace Alliance.Web.Features.Cases;

/// <summary>Opens a new case on the therapist's own caseload, with up to six members at once.</summary>
public sealed class NewModel(CreateCase create) : AlliancePage
{
    public const int MemberRows = 6;

    public sealed class InputModel
    {
        public string Name { get; set; } = "";
        public List<MemberRow> Members { get; set; } = [];
    }

    public sealed class MemberRow
    {
        public string? DisplayName { get; set; }
        public FamilyRole Role { get; set; } = FamilyRole.Parent;
        public int? BirthYear { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();

    public void OnGet() => Pad();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Rows left blank are ignored; their positions still match the form so errors land beside the right row.
        var rows = Input.Members.Select((m, i) => (m, i)).Where(x => !string.IsNullOrWhiteSpace(x.m.DisplayName)).ToList();
        Guid id = default;
        var ok = await TryAsync(async () =>
        {
            try
            {
                id = await create.HandleAsync(Actor, new CreateCaseCommand(Input.Name, null,
                    rows.Select(x => new NewMember(x.m.DisplayName!, x.m.Role, x.m.BirthYear)).ToList()), ct);
            }
            catch (DomainRuleException e) when (e.Field.StartsWith("members[", StringComparison.Ordinal))
            {
                var close = e.Field.IndexOf(']', StringComparison.Ordinal);
                var index = rows[int.Parse(e.Field[8..close], System.Globalization.CultureInfo.InvariantCulture)].i;
                throw new DomainRuleException($"members[{index}]{e.Field[(close + 1)..]}", e.Message);
            }
        });
        if (!ok)
        {
            Pad();
            return Page();
        }
        Flash("The case is open at referral. Schedule the first visit when you are ready.");
        return Redirect($"/cases/{id}");
    }

    private void Pad()
    {
        while (Input.Members.Count < MemberRows) Input.Members.Add(new MemberRow { Role = Input.Members.Count < 2 ? FamilyRole.Parent : FamilyRole.Child });
    }
}
