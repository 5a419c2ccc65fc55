using System.Collections.Concurrent;
using Alliance.Data;
using Alliance.Data.Auditing;
using Alliance.Domain;
using Alliance.Measures;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Measures;

/// <summary>An instrument as the agency's instrument list shows it.</summary>
public sealed record AgencyInstrumentEntry(
    string Id,
    string Title,
    InstrumentOrigin Origin,
    string Construct,
    string Source,
    string Licence,
    string? ValidationNote,
    DateTime? ImportedAt,
    string? Problem);

/// <summary>The outcome of importing a Questionnaire file: the instrument, or every reason it was refused.</summary>
public sealed record InstrumentImportOutcome(Instrument? Instrument, IReadOnlyList<DefinitionProblem> Problems)
{
    /// <summary>True when the instrument was stored.</summary>
    public bool Succeeded => Instrument is not null;
}

/// <summary>An agency's instrument catalog and the stamp of the imports it was built from.</summary>
public sealed record StampedCatalog(InstrumentCatalog Catalog, string Stamp);

/// <summary>
/// The agencies' instrument catalogs, kept in memory between requests. Each entry remembers a stamp of the stored
/// imports (how many, and the latest import time) so that an import on another web node is seen on the next call.
/// </summary>
public sealed class AgencyInstrumentCache
{
    private readonly ConcurrentDictionary<Guid, Cached> _byAgency = new();

    internal sealed record Cached(string Stamp, InstrumentCatalog Catalog, IReadOnlyDictionary<Guid, string> Refused);

    internal Cached? Find(Guid agencyId, string stamp) =>
        _byAgency.TryGetValue(agencyId, out var cached) && cached.Stamp == stamp ? cached : null;

    internal void Keep(Guid agencyId, Cached cached) => _byAgency[agencyId] = cached;

    /// <summary>Forgets an agency's catalog; the next call builds it again from the database.</summary>
    public void Invalidate(Guid agencyId) => _byAgency.TryRemove(agencyId, out _);
}

/// <summary>
/// The instruments one agency can use: the built-ins shipped with Alliance and the Questionnaire files the agency
/// imported (stored as <see cref="AgencyInstrument"/>). Every part of the app that needs an instrument goes through
/// <see cref="ForAgencyAsync"/>; the catalog is cached per agency and rebuilt when the agency imports another.
/// </summary>
public sealed class AgencyInstruments(AllianceDbContext db, AgencyInstrumentCache cache, TimeProvider clock)
{
    /// <summary>
    /// The agency's catalog: built-ins first, then its imports in the order they were imported. The returned catalog is
    /// shared between requests: read from it, never import into it (use <see cref="ImportAsync"/>).
    /// </summary>
    public async Task<InstrumentCatalog> ForAgencyAsync(Guid agencyId, CancellationToken ct) =>
        (await CachedAsync(agencyId, ct).ConfigureAwait(false)).Catalog;

    /// <summary>
    /// The agency's catalog with its stamp: the stamp changes whenever the catalog does, so what is built from the
    /// catalog can be kept under it.
    /// </summary>
    public async Task<StampedCatalog> StampedAsync(Guid agencyId, CancellationToken ct)
    {
        var cached = await CachedAsync(agencyId, ct).ConfigureAwait(false);
        return new StampedCatalog(cached.Catalog, cached.Stamp);
    }

    /// <summary>Every instrument of the agency with its source and licence, built-ins first; stored imports that no longer load say why.</summary>
    public async Task<IReadOnlyList<AgencyInstrumentEntry>> ListAsync(Guid agencyId, CancellationToken ct)
    {
        var cached = await CachedAsync(agencyId, ct).ConfigureAwait(false);
        var stored = await Stored(agencyId).Select(i => new { i.Id, i.InstrumentId, i.ImportedAt }).ToListAsync(ct).ConfigureAwait(false);
        var importedAt = stored.GroupBy(s => s.InstrumentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(s => s.ImportedAt), StringComparer.Ordinal);
        var list = cached.Catalog.All
            .Select(i => new AgencyInstrumentEntry(i.Id, i.Title, i.Origin, ConstructWords(i.Construct), i.Source, i.Licence, i.ValidationNote,
                i.Origin == InstrumentOrigin.Imported ? importedAt.GetValueOrDefault(i.Id) : null, null))
            .ToList();
        foreach (var s in stored.Where(s => cached.Refused.ContainsKey(s.Id)))
            list.Add(new AgencyInstrumentEntry(s.InstrumentId, s.InstrumentId, InstrumentOrigin.Imported, "", "", "", null, s.ImportedAt, cached.Refused[s.Id]));
        return list;
    }

    /// <summary>
    /// Imports a Questionnaire file with Alliance's extensions for the agency. A malformed definition, or one whose id
    /// or url the agency already has, is refused with every reason and nothing is stored.
    /// </summary>
    /// <param name="agencyId">The agency.</param>
    /// <param name="questionnaireJson">The file's text.</param>
    /// <param name="importedBy">The admin who imported it, or null for the command line.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task<InstrumentImportOutcome> ImportAsync(Guid agencyId, string questionnaireJson, Guid? importedBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(questionnaireJson);
        if (string.IsNullOrWhiteSpace(questionnaireJson))
            return new InstrumentImportOutcome(null, [new DefinitionProblem("file", "the file is empty; choose a Questionnaire JSON file")]);

        // A fresh catalog with Firely's structural validation: the shared one is never changed in place.
        var check = InstrumentCatalog.CreateWithBuiltIns(FhirStructureValidator.Shared);
        foreach (var json in await Stored(agencyId).OrderBy(i => i.ImportedAt).Select(i => i.QuestionnaireJson).ToListAsync(ct).ConfigureAwait(false))
            check.Import(json);
        var result = check.Import(questionnaireJson);
        if (result.Instrument is not { } instrument)
            return new InstrumentImportOutcome(null, [.. result.Problems]);

        var now = clock.GetUtcNow().UtcDateTime;
        var record = new AgencyInstrument(agencyId, instrument.Id, questionnaireJson, importedBy, now);
        db.AgencyInstruments.Add(record);
        db.Audit(new PendingAudit(agencyId, db.Actor, AuditActions.Import, "agency-instrument", record.Id.ToString(), null, now, instrument.Id));
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        cache.Invalidate(agencyId);
        return new InstrumentImportOutcome(instrument, []);
    }

    /// <summary>Forgets the agency's cached catalog.</summary>
    public void Invalidate(Guid agencyId) => cache.Invalidate(agencyId);

    /// <summary>The construct in a clinician's words.</summary>
    public static string ConstructWords(Construct construct) => construct switch
    {
        Construct.Alliance => "alliance",
        Construct.FamilyAlliance => "family alliance",
        Construct.Outcome => "outcome",
        Construct.SelfEfficacy => "self-efficacy",
        Construct.TherapistBehaviour => "therapist behaviour",
        _ => construct.ToString(),
    };

    // Instrument definitions are agency configuration, not client data; they are read for the agency named, whoever
    // asks (a family member's questionnaire link has no signed-in agency).
    private IQueryable<AgencyInstrument> Stored(Guid agencyId) =>
        db.AgencyInstruments.IgnoreQueryFilters().Where(i => i.AgencyId == agencyId);

    /// <summary>When each of an agency's stored instruments was imported: the stamp of its catalog (compiled once).</summary>
    private static readonly PerModel<Func<AllianceDbContext, Guid, IAsyncEnumerable<DateTime>>> ImportTimes =
        new(() => EF.CompileAsyncQuery((AllianceDbContext db, Guid agencyId) =>
            db.AgencyInstruments.IgnoreQueryFilters().Where(i => i.AgencyId == agencyId).Select(i => i.ImportedAt)));

    private async Task<AgencyInstrumentCache.Cached> CachedAsync(Guid agencyId, CancellationToken ct)
    {
        var times = await ImportTimes.For(db)(db, agencyId).ToListAsync(ct).ConfigureAwait(false);
        var stamp = times.Count == 0 ? "0" : $"{times.Count}:{times.Max().Ticks}";
        if (cache.Find(agencyId, stamp) is { } hit) return hit;

        var stored = await Stored(agencyId).OrderBy(i => i.ImportedAt).ThenBy(i => i.InstrumentId)
            .Select(i => new { i.Id, i.QuestionnaireJson }).ToListAsync(ct).ConfigureAwait(false);
        // Stored definitions were checked by Firely when imported; a catalog without a structural validator reads them
        // again with Alliance's own reader alone, without loading Firely's model.
        var catalog = InstrumentCatalog.CreateWithBuiltIns();
        var refused = new Dictionary<Guid, string>();
        foreach (var s in stored)
        {
            var result = catalog.Import(s.QuestionnaireJson);
            if (!result.Succeeded)
                refused[s.Id] = string.Join("; ", result.Problems.Select(p => p.ToString()));
        }
        var cached = new AgencyInstrumentCache.Cached(stamp, catalog, refused);
        cache.Keep(agencyId, cached);
        return cached;
    }
}
