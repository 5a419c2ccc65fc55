using Alliance.Data;
using Alliance.Domain;
using Microsoft.EntityFrameworkCore;

namespace Alliance.Application.Feedback;

/// <summary>
/// A therapist's feedback consistency over a window: of the sessions they led and held, how many had measures taken
/// (at least one current response, of any rater and instrument, as for a feedback gap) and the feedback recorded as
/// discussed with the family. The share is the last of those over all held sessions, so that a session without measures
/// counts against it as well as one whose measures were not discussed.
/// </summary>
/// <param name="TherapistId">The therapist who led the sessions.</param>
/// <param name="Days">The window's length in days.</param>
/// <param name="Since">The window's start (UTC).</param>
/// <param name="Until">The window's end (UTC): now.</param>
/// <param name="HeldSessions">Held sessions the therapist led in the window.</param>
/// <param name="WithMeasures">Of those, sessions where measures were taken.</param>
/// <param name="Discussed">Of those, sessions where the feedback was recorded as discussed.</param>
public sealed record FeedbackConsistency(Guid TherapistId, int Days, DateTime Since, DateTime Until, int HeldSessions, int WithMeasures, int Discussed)
{
    /// <summary><see cref="Discussed"/> over <see cref="HeldSessions"/> (0 to 1, four decimals), or null without held sessions.</summary>
    public decimal? Share => HeldSessions == 0 ? null : Math.Round((decimal)Discussed / HeldSessions, 4, MidpointRounding.AwayFromZero);

    /// <summary>The share as a whole percentage, or null without held sessions.</summary>
    public int? Percent => HeldSessions == 0 ? null : (int)Math.Round(100m * Discussed / HeldSessions, MidpointRounding.AwayFromZero);

    /// <summary>The numbers in one sentence.</summary>
    public string Sentence => HeldSessions == 0
        ? $"No held sessions in the last {Days} days."
        : $"Measures taken and feedback discussed in {Discussed} of {HeldSessions} held sessions in the last {Days} days ({Percent}%); measures were taken in {WithMeasures}.";
}

/// <summary>Counts each therapist's feedback consistency over the last <see cref="Days"/> days.</summary>
public sealed class FeedbackConsistencyReport(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>The window, in days: about one quarter, long enough for a weekly caseload to give a stable share.</summary>
    public const int Days = 90;

    /// <summary>The consistency of each therapist named (the caller has checked that they may be seen).</summary>
    /// <param name="therapistIds">The therapists.</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<IReadOnlyDictionary<Guid, FeedbackConsistency>> ForTherapistsAsync(IReadOnlyCollection<Guid> therapistIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(therapistIds);
        var until = clock.GetUtcNow().UtcDateTime;
        var since = until.AddDays(-Days);
        var ids = therapistIds.Distinct().ToList();
        var sessions = await db.Sessions.AsNoTracking()
            .Where(s => ids.Contains(s.TherapistId) && s.Status == SessionStatus.Held && s.ActualStart != null && s.ActualStart >= since && s.ActualStart <= until)
            .Select(s => new
            {
                s.TherapistId,
                s.FeedbackDiscussed,
                Measured = db.Responses.Any(r => r.SessionId == s.Id && r.WithdrawnAt == null),
            })
            .ToListAsync(ct).ConfigureAwait(false);
        return ids.ToDictionary(id => id, id =>
        {
            var mine = sessions.Where(s => s.TherapistId == id).ToList();
            return new FeedbackConsistency(id, Days, since, until, mine.Count, mine.Count(s => s.Measured),
                mine.Count(s => s.Measured && s.FeedbackDiscussed == true));
        });
    }

    /// <summary>One therapist's consistency.</summary>
    /// <param name="therapistId">The therapist.</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<FeedbackConsistency> ForTherapistAsync(Guid therapistId, CancellationToken ct) =>
        (await ForTherapistsAsync([therapistId], ct).ConfigureAwait(false))[therapistId];
}
