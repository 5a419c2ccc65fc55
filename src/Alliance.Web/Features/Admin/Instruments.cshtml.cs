using Alliance.Application.Measures;
using Alliance.Measures;
using Alliance.Web.Features.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Admin;

/// <summary>
/// The agency's instruments: the built-ins and those it imported, with their sources and licences; an admin imports a
/// Questionnaire file here. A malformed definition is refused with every reason listed, and nothing is stored.
/// </summary>
[RequestSizeLimit(2 * InstrumentsModel.MaxBytes)]
public sealed class InstrumentsModel(AgencyInstruments instruments, Alliance.Data.AllianceDbContext db) : AlliancePage
{
    /// <summary>The largest file accepted: a long licensed questionnaire is tens of kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    public IReadOnlyList<AgencyInstrumentEntry> Instruments { get; private set; } = [];
    public IReadOnlyList<DefinitionProblem> Problems { get; private set; } = [];
    public string? Pasted { get; private set; }
    public LocalTime Time { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(IFormFile? file, string? json, CancellationToken ct)
    {
        string text;
        if (file is { Length: > 0 })
        {
            if (file.Length > MaxBytes)
            {
                Problems = [new DefinitionProblem("file", "the file is larger than 1 MB; a Questionnaire is much smaller")];
                await LoadAsync(ct);
                return Page();
            }
            using var reader = new StreamReader(file.OpenReadStream());
            text = await reader.ReadToEndAsync(ct);
        }
        else
        {
            text = json ?? "";
            Pasted = json;
        }

        var outcome = await instruments.ImportAsync(Actor.AgencyId, text, Actor.StaffId, ct);
        if (outcome.Instrument is { } imported)
        {
            Flash($"{imported.Title} ({imported.Id}) was imported. It can be chosen for sessions from now on.");
            return RedirectToPage();
        }
        Problems = outcome.Problems;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Instruments = await instruments.ListAsync(Actor.AgencyId, ct);
        var zone = await db.Agencies.Where(a => a.Id == Actor.AgencyId).Select(a => a.TimeZoneId).SingleAsync(ct);
        Time = new LocalTime(zone);
    }
}
