using Alliance.Application;
using Alliance.Application.Feedback;
using Alliance.Application.Measures;
using Alliance.Data;
using Alliance.Domain;
using Alliance.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Web.Features.Responses;

/// <summary>Withdrawing a response: why (1 to 500 characters).</summary>
public sealed record WithdrawResponseRequest(string? Reason);

/// <summary>
/// Withdrawing a stored response (entered for the wrong member or session, say) by someone who may change the family's
/// record; any other response is simply not found. The withdrawal and the alerts it changes are saved together
/// (<see cref="RecordResponse.WithdrawAsync"/>). Corrections go through the paper form, which re-enters the answers.
/// </summary>
public sealed class ResponseWork(AllianceDbContext db, RecordResponse recorder)
{
    /// <summary>Withdraws the response with the reason and evaluates the family's alerts without it.</summary>
    /// <exception cref="NotFoundException">The response is not in the actor's care.</exception>
    /// <exception cref="DomainRuleException">It is already withdrawn, or the reason is missing or too long.</exception>
    public async Task<FeedbackChanges> WithdrawAsync(Actor actor, Guid responseId, string? reason, CancellationToken ct)
    {
        var response = await LoadAsync(actor, responseId, ct);
        return await recorder.WithdrawAsync(response, reason ?? "", ct);
    }

    /// <summary>A response of a family the actor may change, tracked for the change.</summary>
    public async Task<Response> LoadAsync(Actor actor, Guid responseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var cases = db.VisibleCases(actor, CasePurpose.Write).Select(c => c.Id);
        return await db.Responses.SingleOrDefaultAsync(r => r.Id == responseId && cases.Contains(r.CaseId), ct) ?? throw new NotFoundException();
    }
}
