namespace Alliance.Domain;

/// <summary>
/// A record of one episode of a family's care (an agreement, an override, a goal, a review): its identity, where it
/// belongs, and its place in the audit trail.
/// </summary>
public abstract class EpisodeRecord : IAuditedRecord
{
    string IAuditedRecord.AuditType => RecordType;
    Guid IAuditedRecord.AuditId => Id;
    Guid? IAuditedRecord.AuditCaseId => CaseId;

    /// <summary>For the database.</summary>
    protected EpisodeRecord() { }

    /// <summary>A new record of the episode.</summary>
    protected EpisodeRecord(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        Id = Guid.NewGuid();
        AgencyId = episode.AgencyId;
        CaseId = episode.CaseId;
        EpisodeId = episode.Id;
    }

    /// <summary>The kind of record, as the audit trail names it.</summary>
    protected abstract string RecordType { get; }

    /// <summary>Identity.</summary>
    public Guid Id { get; private set; }
    /// <summary>The agency.</summary>
    public Guid AgencyId { get; private set; }
    /// <summary>The case.</summary>
    public Guid CaseId { get; private set; }
    /// <summary>The episode.</summary>
    public Guid EpisodeId { get; private set; }
}
