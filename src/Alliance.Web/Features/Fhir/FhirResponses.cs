using Alliance.Application;
using Alliance.Application.Auditing;
using Alliance.Application.Import;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Measures;
using Alliance.Web.Errors;
using Alliance.Web.Features.Cases;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.EntityFrameworkCore;
using Rater = Alliance.Measures.Rater;

namespace Alliance.Web.Features.Fhir;

/// <summary>
/// QuestionnaireResponses through FHIR: a response posted by another system or a clinician's tool is checked
/// (structure by Firely's validator, answers against the Questionnaire by Alliance's own code), scored, and stored for
/// the member and session it names; a member's responses are exported as they were stored. Both follow the care
/// relationship: a member or session outside it is not found.
/// </summary>
public sealed class FhirResponses(AllianceDbContext db, AgencyInstruments instruments, AuditReads reads, RecordResponse recorder)
{
    /// <summary>Checks, scores and stores a posted QuestionnaireResponse; returns the stored response's id and the resource as exported.</summary>
    public async Task<(Guid Id, QuestionnaireResponse Resource)> CreateAsync(Actor actor, string json, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var resource = FhirOutcomes.Parse<QuestionnaireResponse>(json);
        var structure = FhirStructureValidator.Shared.Errors(resource);
        if (structure.Count > 0)
            throw new FhirRefusalException(StatusCodes.Status400BadRequest, structure
                .Select(i => new FhirIssue(OperationOutcome.IssueType.Structure, i.Location, $"{i.Location}: {i.Message}")).ToList());

        var issues = new List<FhirIssue>();
        var memberId = Reference(resource.Subject?.Reference, "Patient", "QuestionnaireResponse.subject", issues,
            "Name the family member the answers are about as subject: Patient/{member id}.");
        var sessionId = Reference(resource.Encounter?.Reference, "Encounter", "QuestionnaireResponse.encounter", issues,
            "Name the session as encounter: Encounter/{session id}.");
        if (issues.Count > 0) throw new FhirRefusalException(StatusCodes.Status422UnprocessableEntity, issues);

        // Not in the actor's care (or not there at all): not found, whichever it is.
        var (c, session) = await db.LoadVisibleSessionAsync(actor, sessionId, ct, CasePurpose.Write).ConfigureAwait(false);
        if (!c.HasMember(memberId))
            throw new FhirRefusalException(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.BusinessRule, "QuestionnaireResponse.subject",
                $"QuestionnaireResponse.subject: Patient/{memberId} is not a member of the family of Encounter/{sessionId}.");

        var catalog = await instruments.ForAgencyAsync(actor.AgencyId, ct).ConfigureAwait(false);
        var read = QuestionnaireResponseMapper.FromFhir(resource, catalog, AnswerEntry.Transcribed);
        if (read.Response is not { } scored)
            throw new FhirRefusalException(StatusCodes.Status422UnprocessableEntity, read.Errors
                .Select(e => new FhirIssue(e.Field is "questionnaire" ? OperationOutcome.IssueType.NotFound : OperationOutcome.IssueType.Invalid, FhirOutcomes.Expression(e.Field), $"{e.Field}: {e.Message}"))
                .ToList());
        var instrument = catalog.Get(scored.InstrumentId);

        var rater = RoleOf(scored.Details.Rater);
        var staffId = rater is RaterRole.Observer or RaterRole.Therapist ? actor.StaffId : (Guid?)null;
        // One rating per member, session, instrument and rater: a second one is a correction, made in Alliance where the reason is recorded.
        if (await db.Responses.AnyAsync(r => r.SessionId == sessionId && r.MemberId == memberId && r.InstrumentId == instrument.Id
                && r.Rater == rater && r.WithdrawnAt == null, ct).ConfigureAwait(false))
            throw new FhirRefusalException(StatusCodes.Status409Conflict, OperationOutcome.IssueType.Duplicate, "QuestionnaireResponse",
                $"Encounter/{sessionId} already has a {instrument.Id} response about Patient/{memberId} rated by {Codes.Of(scored.Details.Rater)}; correct or withdraw that one in Alliance instead.");
        // Stored with the references Alliance uses; the sender's own id for the resource is not kept.
        var stored = scored with
        {
            Details = scored.Details with
            {
                Id = null,
                Subject = $"Patient/{memberId}",
                Encounter = $"Encounter/{sessionId}",
                Author = staffId is { } s ? $"Practitioner/{s}" : scored.Details.Author,
            },
        };
        // Saved as answers given by link or typed from paper are: a risk answer tells the therapists in the same words,
        // and the family's alerts follow the new score.
        Response response;
        try
        {
            response = await recorder.SaveAsync(session, memberId, instrument, stored, ResponseSource.Fhir, staffId, ct).ConfigureAwait(false);
        }
        catch (DomainRuleException e)
        {
            throw new FhirRefusalException(StatusCodes.Status422UnprocessableEntity, OperationOutcome.IssueType.BusinessRule,
                e.Field == "sessionId" ? "QuestionnaireResponse.encounter" : "QuestionnaireResponse", e.Message);
        }
        return (response.Id, Export(response, catalog));
    }

    /// <summary>One stored response, when its family is in the actor's care.</summary>
    public async Task<QuestionnaireResponse> ReadAsync(Actor actor, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!Guid.TryParse(id, out var responseId)) throw new NotFoundException();
        var visible = db.VisibleCases(actor, CasePurpose.Read).Select(c => c.Id);
        var response = await db.Responses.AsNoTracking()
            .SingleOrDefaultAsync(r => r.Id == responseId && r.WithdrawnAt == null && visible.Contains(r.CaseId), ct).ConfigureAwait(false)
            ?? throw new NotFoundException();
        reads.Record(db, response.AgencyId, "response", response.Id, response.CaseId);
        return Export(response, await instruments.ForAgencyAsync(actor.AgencyId, ct).ConfigureAwait(false));
    }

    /// <summary>The current responses about one member (<c>Patient/{id}</c>), in session order, when the member's family is in the actor's care.</summary>
    public async Task<IReadOnlyList<QuestionnaireResponse>> SearchAsync(Actor actor, string? subject, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (string.IsNullOrWhiteSpace(subject))
            throw new FhirRefusalException(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Required, "subject",
                "subject: search by subject=Patient/{member id}; searching every family's responses at once is not supported.");
        var text = subject.Trim();
        if (text.StartsWith("Patient/", StringComparison.Ordinal)) text = text["Patient/".Length..];
        if (!Guid.TryParse(text, out var memberId))
            throw new FhirRefusalException(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Value, "subject",
                $"subject: \"{subject.Trim()}\" is not a reference to a family member (Patient/{{member id}}).");
        var visible = db.VisibleCases(actor, CasePurpose.Read).Select(c => c.Id);
        var member = await db.Members.AsNoTracking().Where(m => m.Id == memberId && visible.Contains(m.CaseId))
            .Select(m => new { m.Id, m.CaseId, m.AgencyId }).SingleOrDefaultAsync(ct).ConfigureAwait(false)
            ?? throw new NotFoundException();
        var responses = await db.Responses.AsNoTracking()
            .Where(r => r.MemberId == member.Id && r.CaseId == member.CaseId && r.WithdrawnAt == null)
            .Join(db.Sessions, r => r.SessionId, s => s.Id, (r, s) => new { Response = r, Start = s.ActualStart ?? s.ScheduledStart })
            .OrderBy(x => x.Start).ThenBy(x => x.Response.RecordedAt)
            .Select(x => x.Response).ToListAsync(ct).ConfigureAwait(false);
        var catalog = await instruments.ForAgencyAsync(actor.AgencyId, ct).ConfigureAwait(false);
        foreach (var r in responses) reads.Record(db, r.AgencyId, "response", r.Id, r.CaseId);
        return responses.Select(r => Export(r, catalog)).ToList();
    }

    /// <summary>
    /// A stored response as a QuestionnaireResponse: its stored answers when it has them (a spreadsheet import keeps the
    /// total only), with Alliance's id, subject, encounter and questionnaire.
    /// </summary>
    internal static QuestionnaireResponse Export(Response response, InstrumentCatalog catalog)
    {
        var instrument = catalog.Find(response.InstrumentId);
        QuestionnaireResponse? resource = null;
        if (response.AnswersJson is { Length: > 0 } json)
        {
            try
            {
                resource = FhirOutcomes.Parse<QuestionnaireResponse>(json);
            }
            catch (FhirRefusalException)
            {
                resource = null;
            }
        }
        resource ??= ImportedResponse.Build(instrument is null ? null : ImportedResponse.Canonical(instrument), response.MemberId, response.SessionId,
            RaterOf(response.Rater), response.Score, new DateTimeOffset(response.RecordedAt, TimeSpan.Zero));
        resource.Id = response.Id.ToString();
        resource.Meta = new Meta { LastUpdatedElement = new Instant(new DateTimeOffset(response.CorrectedAt ?? response.RecordedAt, TimeSpan.Zero)) };
        resource.Subject = new ResourceReference($"Patient/{response.MemberId}");
        resource.Encounter = new ResourceReference($"Encounter/{response.SessionId}");
        if (string.IsNullOrEmpty(resource.Questionnaire) && instrument is not null) resource.Questionnaire = ImportedResponse.Canonical(instrument);
        resource.Status = response.CorrectedAt is null ? QuestionnaireResponse.QuestionnaireResponseStatus.Completed : QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        return resource;
    }

    private static Guid Reference(string? reference, string type, string element, List<FhirIssue> issues, string hint)
    {
        var prefix = type + "/";
        if (reference is not null && reference.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(reference[prefix.Length..], out var id))
            return id;
        issues.Add(new FhirIssue(OperationOutcome.IssueType.Required, element, $"{element}: {hint}"));
        return Guid.Empty;
    }

    private static RaterRole RoleOf(Rater rater) => rater switch
    {
        Rater.Caregiver => RaterRole.Caregiver,
        Rater.Observer => RaterRole.Observer,
        Rater.Therapist => RaterRole.Therapist,
        _ => RaterRole.Client,
    };

    private static Rater RaterOf(RaterRole role) => role switch
    {
        RaterRole.Caregiver => Rater.Caregiver,
        RaterRole.Observer => Rater.Observer,
        RaterRole.Therapist => Rater.Therapist,
        _ => Rater.Client,
    };
}
