using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Alliance.Signals.Engine;

/// <summary>A rating that evidence refers to.</summary>
internal readonly record struct EvidenceRating(int SessionNumber, int Score, int MemberIndex);

/// <summary>Resolves what alert records refer to: ids, and the ratings, sessions and contacts of their evidence.</summary>
internal interface IAlertSource
{
    string CaseId(int caseIndex);

    string MemberId(int memberIndex);

    EvidenceRating Rating(int reference);

    SessionRecord Session(int reference);

    ContactRecord Contact(int reference);
}

/// <summary>Resolves references into a caseload (batch evaluation).</summary>
internal sealed class CaseloadSource(Caseload caseload) : IAlertSource
{
    public string CaseId(int caseIndex) => caseload.Cases[caseIndex].Id;

    public string MemberId(int memberIndex) => caseload.Members[memberIndex].Id;

    public EvidenceRating Rating(int reference)
    {
        ref readonly var score = ref caseload.Scores[reference];
        return new EvidenceRating(caseload.Sessions[score.SessionIndex].Number, score.Score.Tenths, score.MemberIndex);
    }

    public SessionRecord Session(int reference) => caseload.Sessions[reference];

    public ContactRecord Contact(int reference) => caseload.Contacts[reference];
}

/// <summary>Turns alert records into <see cref="Alert"/>s with their evidence and sentences.</summary>
internal static class AlertFactory
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Alert Create(in AlertRecord record, int[] evidence, IAlertSource source, CompiledRules rules)
    {
        var items = new Evidence[record.EvidenceCount];
        for (var i = 0; i < items.Length; i++)
        {
            var reference = evidence[record.EvidenceStart + i];
            items[i] = record.Kind switch
            {
                AlertKind.PersonalContact or AlertKind.OutOfHoursContact => ContactEvidence(source.Contact(reference)),
                AlertKind.SessionOverrun => SessionTimes(source.Session(reference)),
                AlertKind.TreatmentProlonged or AlertKind.FeedbackGap => new Evidence { SessionNumber = source.Session(reference).Number },
                AlertKind.SplitAlliance => MemberRating(source, source.Rating(reference)),
                _ => Rating(source.Rating(reference)),
            };
        }

        var memberId = record.MemberIndex >= 0 ? source.MemberId(record.MemberIndex) : null;
        var instrument = record.Instrument >= 0 ? rules.Catalogue[record.Instrument].Id : null;
        var (message, next) = AlertText.Describe(record, items, memberId, instrument, rules);
        return new Alert(
            record.Kind,
            source.CaseId(record.CaseIndex),
            memberId,
            record.SessionNumber < 0 ? null : record.SessionNumber,
            instrument,
            items,
            message,
            next);
    }

    private static Evidence Rating(EvidenceRating rating) =>
        new() { SessionNumber = rating.SessionNumber, Score = Score.FromTenths(rating.Score) };

    private static Evidence MemberRating(IAlertSource source, EvidenceRating rating) =>
        new() { SessionNumber = rating.SessionNumber, Score = Score.FromTenths(rating.Score), MemberId = source.MemberId(rating.MemberIndex) };

    private static Evidence SessionTimes(in SessionRecord session) => new()
    {
        SessionNumber = session.Number,
        ScheduledMinutes = session.ScheduledMinutes,
        ActualMinutes = session.ActualMinutes,
    };

    private static Evidence ContactEvidence(in ContactRecord contact) =>
        new() { Time = contact.DateTime, Channel = contact.Channel, InitiatedBy = contact.InitiatedBy };
}

/// <summary>The clinician-facing sentences of each alert kind: what happened, with its scores, and what to consider next.</summary>
internal static class AlertText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (string Message, string ConsiderNext) Describe(
        in AlertRecord record, Evidence[] evidence, string? memberId, string? instrument, CompiledRules rules)
    {
        var member = memberId is null ? "The family" : $"Member {memberId}";
        switch (record.Kind)
        {
            case AlertKind.LowAlliance:
                return (
                    string.Create(Invariant, $"{member} rated the alliance {evidence[0].Score} on {instrument} at session {record.SessionNumber}, below the cutoff of {T(record.Threshold)}."),
                    "Ask the member how the sessions are working for them, what fits and what does not, and check that you are working on goals and tasks they agree with.");

            case AlertKind.Rupture:
            {
                var (before, after) = (evidence[0], evidence[1]);
                return (
                    string.Create(Invariant, $"{member}'s alliance rating fell from {before.Score} at session {before.SessionNumber} to {after.Score} at session {after.SessionNumber}, a drop of {Abs(before.Score, after.Score)} (a drop of {T(record.Threshold)} or more suggests a rupture)."),
                    "Invite the member to say what did not fit for them, acknowledge your part in it, and adjust the task or goal together.");
            }

            case AlertKind.Repair:
            {
                var (before, rupture, now) = (evidence[0], evidence[1], evidence[^1]);
                return (
                    string.Create(Invariant, $"{member}'s alliance rating fell from {before.Score} at session {before.SessionNumber} to {rupture.Score} at session {rupture.SessionNumber} and came back to {now.Score} at session {now.SessionNumber}, within {T(record.Threshold)} of where it was{Between(evidence[2..^1])}: the rupture looks repaired."),
                    "Acknowledge the repair with the member and keep doing what helped; a rupture that is worked through often strengthens the alliance.");
            }

            case AlertKind.UnrepairedRupture:
            {
                var (before, rupture) = (evidence[0], evidence[1]);
                return (
                    string.Create(Invariant, $"{member}'s alliance rating fell from {before.Score} at session {before.SessionNumber} to {rupture.Score} at session {rupture.SessionNumber} and has not come back within {T(record.Threshold)} of {before.Score} in the {record.Detail} ratings since ({Ratings(evidence[2..])})."),
                    "Raise the rupture openly with the member: invite them to say what did not fit, acknowledge your part, renegotiate the tasks and goals, and consider discussing it with your supervisor.");
            }

            case AlertKind.SplitAlliance:
            {
                var ratings = string.Join(", ", evidence.Select(e => string.Create(Invariant, $"{e.MemberId} {e.Score}")));
                return (
                    string.Create(Invariant, $"At session {record.SessionNumber} the family's alliance ratings were {T(record.Detail)} apart ({ratings}); a difference of {T(record.Threshold)} or more suggests a split alliance."),
                    "Hear each member's view of the work in turn, and restate a goal that the whole family shares before going on.");
            }

            case AlertKind.ReliableImprovement:
            {
                var (first, now) = (evidence[0], evidence[1]);
                return (
                    string.Create(Invariant, $"{member}'s {instrument} score improved from {first.Score} at session {first.SessionNumber} to {now.Score} at session {now.SessionNumber}, a change of {Abs(first.Score, now.Score)} (reliable change is {T(record.Threshold)} or more)."),
                    "Share the progress with the member and the family, and ask what has helped.");
            }

            case AlertKind.Deterioration:
            {
                var (first, now) = (evidence[0], evidence[1]);
                return (
                    string.Create(Invariant, $"{member}'s {instrument} score worsened from {first.Score} at session {first.SessionNumber} to {now.Score} at session {now.SessionNumber}, a change of {Abs(first.Score, now.Score)} (reliable change is {T(record.Threshold)} or more)."),
                    "Discuss the change with the member soon, check for risk, and consider a change of approach or a consultation with your supervisor.");
            }

            case AlertKind.Recovery:
            {
                var (first, now) = (evidence[0], evidence[1]);
                return (
                    string.Create(Invariant, $"{member}'s {instrument} score moved from the clinical range ({first.Score} at session {first.SessionNumber}) to the non-clinical range ({now.Score} at session {now.SessionNumber}), a reliable improvement of {Abs(first.Score, now.Score)}."),
                    "Recognise the change with the member and the family, review their goals, and begin to plan how the work will end.");
            }

            case AlertKind.NotOnTrack:
                return NotOnTrack(record, evidence, member, instrument, rules);

            case AlertKind.TerminationDue:
            {
                var scores = Join(evidence.Select(e => e.Score!.Value.ToString()));
                var sessions = Join(evidence.Select(e => e.SessionNumber!.Value.ToString(Invariant)));
                var low = evidence.Min(e => e.Score!.Value.Tenths);
                var high = evidence.Max(e => e.Score!.Value.Tenths);
                return (
                    string.Create(Invariant, $"{member}'s last {evidence.Length} {instrument} scores ({scores} at sessions {sessions}) are all in the non-clinical range and within {T(high - low)} of each other, less than the reliable-change value of {T(record.Threshold)}: the member has recovered and is stable."),
                    "Talk with the family about ending or spacing out sessions, and plan together how to keep the gains.");
            }

            case AlertKind.TreatmentProlonged:
            {
                var sessions = Join(evidence.Skip(1).Select(e => e.SessionNumber!.Value.ToString(Invariant)));
                return (
                    string.Create(Invariant, $"{member} has attended {evidence.Length - 1} more sessions ({sessions}) since ending became due at session {evidence[0].SessionNumber} on {instrument}."),
                    "Review with the family whether to go on; if so, agree new goals for the work, otherwise plan the ending together.");
            }

            case AlertKind.SessionOverrun:
            {
                var minutes = record.Threshold;
                var overruns = string.Join(", ", evidence
                    .Where(e => e.ScheduledMinutes is { } s && e.ActualMinutes is { } a && a - s >= minutes)
                    .Select(e => string.Create(Invariant, $"session {e.SessionNumber}: {e.ActualMinutes} of {e.ScheduledMinutes} minutes")));
                return (
                    string.Create(Invariant, $"{record.Detail} of the case's last {evidence.Length} held sessions ran {record.Threshold} or more minutes past their scheduled time ({overruns})."),
                    "Keep to the agreed session length, reflect on what draws the sessions over time, and bring the pattern to supervision.");
            }

            case AlertKind.PersonalContact:
            {
                var contact = evidence[0];
                var with = memberId is null ? string.Empty : $" with member {memberId}";
                return (
                    string.Create(Invariant, $"A contact{with} on {Date(contact.Time!.Value)} at {Time(contact.Time.Value)} went through {ChannelText(contact.Channel!.Value)} ({Vocabulary.Word(contact.Channel.Value)}), started by the {Vocabulary.Word(contact.InitiatedBy!.Value)}."),
                    "Move the contact back to agency channels, note it in the record, and discuss it in supervision.");
            }

            case AlertKind.OutOfHoursContact:
            {
                var contact = evidence[0];
                var with = memberId is null ? string.Empty : $" with member {memberId}";
                var hours = rules.Rules.WorkingHours;
                return (
                    string.Create(Invariant, $"The therapist started a contact{with} by {ChannelText(contact.Channel!.Value)} on {contact.Time!.Value.DayOfWeek} {Date(contact.Time.Value)} at {Time(contact.Time.Value)}, outside working hours ({hours.Start.ToString("HH:mm", Invariant)}-{hours.End.ToString("HH:mm", Invariant)}, {Days(hours.Days)})."),
                    "Keep the contact you start within working hours unless safety requires otherwise, and record the reason when it does.");
            }

            case AlertKind.FeedbackGap:
                return (
                    string.Create(Invariant, $"Measures were taken at session {record.SessionNumber} but the feedback was recorded as not discussed with the family."),
                    "Review the latest scores with the family at the next session and record the feedback as discussed.");

            default:
                throw new ArgumentOutOfRangeException(nameof(record), "Unknown alert kind.");
        }
    }

    private static (string, string) NotOnTrack(in AlertRecord record, Evidence[] evidence, string member, string? instrument, CompiledRules rules)
    {
        const string next = "Discuss progress with the family and consider a change of approach or a consultation.";
        var (first, now) = (evidence[0], evidence[1]);
        if (record.Flags == 1)
        {
            return (
                string.Create(Invariant, $"{member}'s {instrument} score of {now.Score} at session {now.SessionNumber} is on the worse side of the range expected for members who started at {first.Score} (lower band {T(record.Threshold)})."),
                next);
        }

        var sign = rules.Catalogue[record.Instrument].Better == BetterDirection.Higher ? 1 : -1;
        var change = sign * (now.Score!.Value.Tenths - first.Score!.Value.Tenths);
        var progress = change switch
        {
            > 0 => $"has improved by {T(change)}",
            0 => "has not changed",
            _ => $"has worsened by {T(-change)}",
        };
        var fraction = rules.Rules.NotOnTrackFraction == 0.5m
            ? "half"
            : rules.Rules.NotOnTrackFraction.ToString("0.##", Invariant) + " of";
        return (
            string.Create(Invariant, $"{member} started in the clinical range on {instrument} ({first.Score} at session {first.SessionNumber}) and by their rating number {record.Detail} ({now.Score} at session {now.SessionNumber}) {progress}, less than {fraction} the reliable-change value of {T(record.Threshold)}."),
            next);
    }

    private static string Between(Evidence[] ratings) =>
        ratings.Length == 0 ? string.Empty : string.Create(Invariant, $" (in between: {Ratings(ratings)})");

    private static string Ratings(Evidence[] ratings) =>
        Join(ratings.Select(e => string.Create(Invariant, $"{e.Score} at session {e.SessionNumber}")));

    private static string T(int tenths) => Score.FromTenths(tenths).ToString();

    private static string Abs(Score? a, Score? b) => T(Math.Abs(a!.Value.Tenths - b!.Value.Tenths));

    private static string Date(DateTime time) => time.ToString("yyyy-MM-dd", Invariant);

    private static string Time(DateTime time) => time.ToString("HH:mm", Invariant);

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => string.Empty,
            1 => list[0],
            _ => string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1],
        };
    }

    private static string ChannelText(ContactChannel channel) => channel switch
    {
        ContactChannel.AgencyPhone => "the agency phone",
        ContactChannel.AgencyEmail => "agency e-mail",
        ContactChannel.AgencyMessage => "agency messaging",
        ContactChannel.PersonalPhone => "a personal phone",
        ContactChannel.PersonalEmail => "personal e-mail",
        ContactChannel.PersonalMessage => "personal messaging",
        ContactChannel.SocialMedia => "social media",
        _ => "a meeting in person outside the agency",
    };

    private static string Days(IReadOnlyList<DayOfWeek> days)
    {
        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        if (days.Count == 5 && weekdays.All(days.Contains))
        {
            return "Monday to Friday";
        }

        var ordered = days.Distinct().OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString());
        var builder = new StringBuilder();
        builder.Append(Join(ordered));
        return builder.Length == 0 ? "no working days" : builder.ToString();
    }
}
