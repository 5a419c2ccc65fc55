using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Alliance.Signals;

namespace Alliance.Spreadsheets;

/// <summary>
/// Writes alerts as the output of <c>alliance signals</c>: JSON Lines, one alert per line, every key
/// present (<c>case_id, member_id, session_number, kind, instrument, evidence, message</c>, in that
/// order), nulls written as <c>null</c>, scores as JSON numbers (<c>29</c>, <c>29.5</c>).
/// </summary>
public static class SignalsJsonLines
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes alerts (already in output order, as an <see cref="AlertBatch"/> is) to a stream as UTF-8 without a byte-order mark.</summary>
    /// <param name="alerts">The alerts.</param>
    /// <param name="output">The stream; left open.</param>
    public static void Write(IEnumerable<Alert> alerts, Stream output)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new StreamWriter(output, Utf8NoBom, bufferSize: 1 << 16, leaveOpen: true);
        Write(alerts, writer);
    }

    /// <summary>Writes alerts to a text writer, each line ending in <c>\n</c>.</summary>
    /// <param name="alerts">The alerts.</param>
    /// <param name="writer">The writer; flushed, not closed.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Write(IEnumerable<Alert> alerts, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(writer);
        var line = new StringBuilder(512);
        foreach (var alert in alerts)
        {
            line.Clear();
            Append(line, alert);
            line.Append('\n');
            writer.Write(line);
        }

        writer.Flush();
    }

    /// <summary>One alert as one JSON object on one line (without the line end).</summary>
    /// <param name="alert">The alert.</param>
    public static string Format(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var line = new StringBuilder(512);
        Append(line, alert);
        return line.ToString();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Append(StringBuilder json, Alert alert)
    {
        json.Append("{\"case_id\":");
        AppendString(json, alert.CaseId);
        json.Append(",\"member_id\":");
        AppendString(json, alert.MemberId);
        json.Append(",\"session_number\":");
        AppendNumber(json, alert.SessionNumber);
        json.Append(",\"kind\":");
        AppendString(json, alert.KindCode);
        json.Append(",\"instrument\":");
        AppendString(json, alert.Instrument);
        json.Append(",\"evidence\":[");
        for (var i = 0; i < alert.Evidence.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            AppendEvidence(json, alert.Kind, alert.Evidence[i]);
        }

        json.Append("],\"message\":");
        AppendString(json, alert.Message);
        json.Append('}');
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendEvidence(StringBuilder json, AlertKind kind, Evidence evidence)
    {
        switch (kind)
        {
            case AlertKind.PersonalContact or AlertKind.OutOfHoursContact:
                json.Append("{\"datetime\":");
                AppendString(json, evidence.Time?.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
                json.Append(",\"channel\":");
                AppendString(json, evidence.Channel is { } channel ? Vocabulary.Word(channel) : null);
                json.Append(",\"initiated_by\":");
                AppendString(json, evidence.InitiatedBy is { } by ? Vocabulary.Word(by) : null);
                json.Append('}');
                break;
            case AlertKind.SessionOverrun:
                json.Append("{\"session_number\":");
                AppendNumber(json, evidence.SessionNumber);
                json.Append(",\"scheduled_minutes\":");
                AppendNumber(json, evidence.ScheduledMinutes);
                json.Append(",\"actual_minutes\":");
                AppendNumber(json, evidence.ActualMinutes);
                json.Append('}');
                break;
            case AlertKind.TreatmentProlonged or AlertKind.FeedbackGap:
                json.Append("{\"session_number\":");
                AppendNumber(json, evidence.SessionNumber);
                json.Append('}');
                break;
            case AlertKind.SplitAlliance:
                json.Append("{\"member_id\":");
                AppendString(json, evidence.MemberId);
                json.Append(",\"session_number\":");
                AppendNumber(json, evidence.SessionNumber);
                json.Append(",\"score\":");
                AppendScore(json, evidence.Score);
                json.Append('}');
                break;
            default:
                json.Append("{\"session_number\":");
                AppendNumber(json, evidence.SessionNumber);
                json.Append(",\"score\":");
                AppendScore(json, evidence.Score);
                json.Append('}');
                break;
        }
    }

    private static void AppendNumber(StringBuilder json, int? value)
    {
        if (value is { } v)
        {
            json.Append(v.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            json.Append("null");
        }
    }

    private static void AppendScore(StringBuilder json, Score? score)
    {
        if (score is { } s)
        {
            Span<char> buffer = stackalloc char[16];
            s.TryFormat(buffer, out var written);
            json.Append(buffer[..written]);
        }
        else
        {
            json.Append("null");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AppendString(StringBuilder json, string? value)
    {
        if (value is null)
        {
            json.Append("null");
            return;
        }

        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case '\n':
                    json.Append("\\n");
                    break;
                case '\r':
                    json.Append("\\r");
                    break;
                case '\t':
                    json.Append("\\t");
                    break;
                case < ' ':
                    json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    json.Append(c);
                    break;
            }
        }

        json.Append('"');
    }
}
