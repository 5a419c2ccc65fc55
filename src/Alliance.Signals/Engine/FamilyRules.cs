using System.Runtime.CompilerServices;

namespace Alliance.Signals.Engine;

/// <summary>Split alliance: the highest and lowest alliance rating of a family's members at one session far apart.</summary>
internal static class SplitAllianceRule
{
    public static bool Fires(int lowest, int highest, int difference) => highest - lowest >= difference;
}

/// <summary>Feedback gap: a held session with at least one score whose feedback was recorded as not discussed.</summary>
internal static class FeedbackGapRule
{
    public static bool Fires(in SessionRecord session, bool hasScore) =>
        hasScore && session.Status == SessionStatus.Held && session.Feedback == FeedbackDiscussed.No;
}

/// <summary>
/// Treatment prolonged: the nth held session that the member attended after their earliest termination due.
/// </summary>
internal static class TreatmentProlongedRule
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Evaluate(
        Caseload caseload, in CaseRecord family, int memberIndex, int terminationSessionIndex, int terminationInstrument,
        int needed, AlertSink sink)
    {
        Span<int> found = needed <= 32 ? stackalloc int[needed] : new int[needed];
        var count = 0;
        var sessions = caseload.Sessions;
        var terminationSession = sessions[terminationSessionIndex].Number;
        for (var s = family.SessionStart; s < family.SessionStart + family.SessionCount && count < needed; s++)
        {
            if (sessions[s].Number > terminationSession && caseload.Attended(memberIndex, s))
            {
                found[count++] = s;
            }
        }

        if (count < needed)
        {
            return;
        }

        var e = sink.EvidenceCount;
        sink.Add(terminationSessionIndex);
        foreach (var session in found)
        {
            sink.Add(session);
        }

        sink.Emit(AlertKind.TreatmentProlonged, memberIndex, sessions[found[needed - 1]].Number, terminationInstrument, needed, e);
    }
}

/// <summary>
/// Session overrun: among the case's last n held sessions (fewer when fewer exist), at least m ran the
/// overrun minutes or more past their scheduled minutes; then quiet for the next held sessions.
/// </summary>
internal static class SessionOverrunRule
{
    public static bool Overran(in SessionRecord session, int minutes) =>
        session.Scheduled >= 0 && session.Actual >= 0 && session.Actual - session.Scheduled >= minutes;

    /// <param name="sessions">The family's sessions, in number order.</param>
    /// <param name="firstSession">The caseload index of the first of them (evidence refers to sessions by caseload index).</param>
    /// <param name="rules">The rules.</param>
    /// <param name="sink">Where alerts go.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Evaluate(ReadOnlySpan<SessionRecord> sessions, int firstSession, SignalRules rules, AlertSink sink)
    {
        var window = rules.OverrunWindow;
        Span<int> ring = window <= 64 ? stackalloc int[window] : new int[window];
        var held = 0;
        var pause = 0;
        for (var s = 0; s < sessions.Length; s++)
        {
            if (sessions[s].Status != SessionStatus.Held)
            {
                continue;
            }

            ring[held % window] = s;
            held++;
            if (pause > 0)
            {
                pause--;
                continue;
            }

            var inWindow = Math.Min(held, window);
            var overruns = 0;
            for (var k = held - inWindow; k < held; k++)
            {
                if (Overran(sessions[ring[k % window]], rules.OverrunMinutes))
                {
                    overruns++;
                }
            }

            if (overruns >= rules.OverrunCount)
            {
                var e = sink.EvidenceCount;
                for (var k = held - inWindow; k < held; k++)
                {
                    sink.Add(firstSession + ring[k % window]);
                }

                sink.Emit(AlertKind.SessionOverrun, -1, sessions[s].Number, -1, rules.OverrunMinutes, e, detail: overruns);
                pause = rules.OverrunPause;
            }
        }
    }
}

/// <summary>Personal-channel contact: a contact on a personal channel, social media or in person outside the agency.</summary>
internal static class PersonalContactRule
{
    public static bool Fires(in ContactRecord contact) => Vocabulary.IsPersonal(contact.Channel);
}

/// <summary>Out-of-hours contact: a therapist-initiated contact outside working hours or on a non-working day.</summary>
internal static class OutOfHoursContactRule
{
    public static bool Fires(in ContactRecord contact, CompiledRules rules)
    {
        if (contact.InitiatedBy != ContactInitiator.Therapist)
        {
            return false;
        }

        var time = contact.DateTime;
        if ((rules.WorkingDays & (1 << (int)time.DayOfWeek)) == 0)
        {
            return true;
        }

        var minute = (time.Hour * 60) + time.Minute;
        var inHours = rules.WorkStartMinute <= rules.WorkEndMinute
            ? minute >= rules.WorkStartMinute && minute < rules.WorkEndMinute
            : minute >= rules.WorkStartMinute || minute < rules.WorkEndMinute;
        return !inHours;
    }
}
